"""Pages and API: who sees what (forbidden looks like not found), the forms, query budgets."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from techtransfer.audit.models import AuditEvent
from techtransfer.contracts.choices import CHECKLIST_KEYS, ContractStatus
from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import BUYER_USCC, draft, pdf, registered, submitted
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation
from techtransfer.core.tests.factories import PASSWORD

S = ContractStatus


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def contracts(seller, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    return {
        "draft": draft(seller, applicant_admin, name="草稿合同"),
        "submitted": submitted(seller, applicant_admin, name="待登记合同"),
        "registered": registered(seller, applicant_admin, county_reviewer, name="已登记合同"),
    }


# who → which of draft / submitted / registered they may open
MATRIX = {
    None: (False, False, False),
    "applicant_member": (True, True, True),
    "county_reviewer": (False, True, True),
    "city_reviewer": (False, True, True),
    "province_official": (False, True, True),
    "ganzhou_reviewer": (False, True, True),  # the buyer is in Ganzhou: absorption
    "outsider": (False, False, False),
    "platform_admin": (True, True, True),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_detail_visibility_matrix(who, contracts, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who) if who else None
    c = client_for(user)
    seen = tuple(
        c.get(f"/contracts/{contracts[k].pk}/").status_code == 200 for k in ("draft", "submitted", "registered")
    )
    assert seen == MATRIX[who]
    if user is not None:
        api = {
            k: c.get(f"/api/v1/contracts/{contracts[k].pk}").status_code for k in ("draft", "submitted", "registered")
        }
        assert tuple(v == 200 for v in api.values()) == MATRIX[who]
        assert set(api.values()) <= {200, 404}


def test_anonymous_is_sent_to_login(contracts) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(f"/contracts/{contracts['registered'].pk}/").status_code == 302
    assert Client().get("/api/v1/contracts").status_code == 401


def test_lists_are_filtered_by_permission(contracts, applicant_member, ganzhou_reviewer, outsider) -> None:  # type: ignore[no-untyped-def]
    def names(user):  # type: ignore[no-untyped-def]
        data = client_for(user).get("/api/v1/contracts").json()
        return sorted(i["name"] for i in data["items"])

    assert names(applicant_member) == ["已登记合同", "待登记合同", "草稿合同"]
    assert names(ganzhou_reviewer) == ["已登记合同", "待登记合同"]
    assert names(outsider) == []


def test_list_page_query_budget(contracts, applicant_member, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    c = client_for(applicant_member)
    with django_assert_max_num_queries(8):
        response = c.get("/contracts/")
    assert response.status_code == 200
    assert "已登记合同" in response.content.decode()


def test_registration_queue_shows_submitted_contracts_in_jurisdiction(
    contracts, county_reviewer, ganzhou_reviewer
) -> None:  # type: ignore[no-untyped-def]
    assert "待登记合同" in client_for(county_reviewer).get("/contracts/registration/").content.decode()
    assert "待登记合同" not in client_for(ganzhou_reviewer).get("/contracts/registration/").content.decode()


def test_create_page_keeps_the_input_when_refused(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    c = client_for(applicant_admin)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    assert c.get("/contracts/new/").status_code == 200
    data = {
        "organisation": seller.pk, "name": "测试合同", "contract_type": "development", "subtype": "commissioned",
        "tech_field": "agriculture", "ip_type": "none", "plan_category": "none", "signed_on": "2026-03-01",
        "term_start": "2026-03-01", "term_end": "2027-03-01", "contract_amount": "100000",
        "non_technical_costs": "150000", "carrier_costs": "0",
        "buyer-name": "买方", "buyer-uscc": BUYER_USCC, "buyer-region": "360702", "buyer-nature": "enterprise",
        "buyer-country": "CHN", "seller-nature": "enterprise", "seller-country": "CHN",
        "intermediary-nature": "enterprise", "intermediary-country": "CHN",
    }  # fmt: skip
    response = c.post("/contracts/new/", data)
    assert response.status_code == 200
    assert "Non-technical costs cannot be more than the contract amount." in response.content.decode()
    assert 'value="150000"' in response.content.decode()
    assert Contract.objects.count() == 0
    data["non_technical_costs"] = "20000"
    data["buyer-uscc"] = "91360700MA00000019"
    response = c.post("/contracts/new/", data)
    assert response.status_code == 200 and Contract.objects.count() == 0
    data["buyer-uscc"] = BUYER_USCC
    data["buyer-country"] = "zzz"  # three letters, but no country (QA: stored and shown as "ZZZ")
    response = c.post("/contracts/new/", data)
    assert response.status_code == 200 and Contract.objects.count() == 0
    assert "Enter a country&#x27;s three-letter ISO 3166 code, e.g. CHN or DEU." in response.content.decode()
    data["buyer-country"] = "chn"
    response = c.post("/contracts/new/", data)
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contracts/{contract.pk}/"
    assert contract.technology_amount == Decimal("80000.00")


def test_a_draft_of_an_unverified_organisation_is_explained_to_its_members_only(
    applicant_org, applicant_admin, applicant_member, platform_admin
) -> None:  # type: ignore[no-untyped-def]
    """A platform admin opening another organisation's draft was offered "Submit for registration",
    which answered "Your organisation must be verified before it registers contracts."."""
    contract = draft(applicant_org, applicant_admin)
    url = f"/contracts/{contract.pk}/"
    notice = (
        '<p class="alert alert-info mt-3 mb-0" id="contract-submit-blocked">'
        "Your organisation must be verified before it registers contracts.</p>"
    )
    for user in (applicant_admin, applicant_member):
        page = client_for(user).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert notice in page and 'id="submit-contract"' not in page
    page = client_for(platform_admin).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge text-bg-primary" id="contract-status" data-status="draft">Draft</span>' in page
    assert "must be verified" not in page and 'id="contract-submit-blocked"' not in page
    assert 'id="submit-contract"' not in page
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    for user in (applicant_admin, platform_admin):
        page = client_for(user).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="contract-submit-blocked"' not in page and 'id="submit-contract"' in page


def test_upload_submit_and_register_through_the_pages(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    contract = draft(seller, applicant_admin)
    owner = client_for(applicant_admin)
    owner.post(f"/contracts/{contract.pk}/file/", {"file": pdf()})
    owner.post(f"/contracts/{contract.pk}/action/", {"action": "submit"})
    assert Contract.objects.get(pk=contract.pk).status == S.SUBMITTED
    official = client_for(county_reviewer)
    page = official.get(f"/contracts/{contract.pk}/").content.decode()
    assert 'id="decision-form"' in page
    data = {
        "action": "register",
        **{
            f"check_{k}": "on"
            for k in ("signed", "technical_content", "parties", "amounts", "ip_ownership", "related_parties")
        },
    }
    official.post(f"/contracts/{contract.pk}/action/", data)
    contract.refresh_from_db()
    assert contract.status == S.REGISTERED
    download = official.get(f"/contracts/{contract.pk}/file/download/")
    assert download.status_code == 200
    # The applicant sees the contract but may not cancel its registration: told so on its page.
    refused = client_for(applicant_admin).post(
        f"/contracts/{contract.pk}/action/", {"action": "cancel", "reason": "x"}, follow=True
    )
    assert (refused.status_code, refused.redirect_chain) == (200, [(f"/contracts/{contract.pk}/", 302)])
    assert [str(m) for m in refused.context["messages"]] == ["您无权执行此操作。"]
    assert Contract.objects.get(pk=contract.pk).status == S.REGISTERED


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province_official", 200),
        ("province_reviewer", 200),
        ("county_reviewer", 200),
        ("platform_admin", 200),
        ("applicant_admin", 404),
        ("outsider", 404),
    ],
)
def test_statistics_pages_permission_matrix(who, status, contracts, request) -> None:  # type: ignore[no-untyped-def]
    c = client_for(request.getfixturevalue(who))
    assert c.get("/contracts/statistics/").status_code == status
    assert c.get("/contracts/statistics/export.xlsx").status_code == status
    assert c.get("/api/v1/contracts/statistics?region=360000").status_code == (
        200 if who in ("province_official", "province_reviewer", "platform_admin") else 404
    )


def test_a_county_official_asking_for_the_province_is_shown_the_county(contracts, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = client_for(county_reviewer)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = c.get("/contracts/statistics/?region=360000&year=all")
    assert (response.status_code, response.context["st"].prefix, response.context["year"]) == (200, "360121", None)
    assert [str(m) for m in response.context["messages"]] == [
        "You may read the statistics of your jurisdiction only; those of 江西省南昌市南昌县 "
        "(Nanchang County, Nanchang City, Jiangxi Province) are shown."
    ]
    assert response.context["query"] == "year=all&region=360121"
    this_year = timezone.localdate().year
    response = c.get("/contracts/statistics/?region=999999&year=abc")
    assert (response.status_code, response.context["st"].prefix, response.context["year"]) == (200, "360121", this_year)
    assert [str(m) for m in response.context["messages"]] == [
        "“999999” is not a region code; the statistics of 江西省南昌市南昌县 "
        "(Nanchang County, Nanchang City, Jiangxi Province) are shown.",
        f"“abc” is not a year from 1990 to 2100; {this_year} is shown.",
    ]
    response = c.get("/contracts/statistics/?year=1900")
    assert [str(m) for m in response.context["messages"]] == [
        f"“1900” is not a year from 1990 to 2100; {this_year} is shown."
    ]
    response = c.get("/contracts/statistics/?region=360121&year=all")
    assert (response.status_code, list(response.context["messages"])) == (200, [])


def test_the_export_of_a_scope_outside_the_jurisdiction_leads_to_the_page_of_ones_own(
    contracts, county_reviewer
) -> None:  # type: ignore[no-untyped-def]
    c = client_for(county_reviewer)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = c.get("/contracts/statistics/export.xlsx?region=360000&year=all")
    assert (response.status_code, response["Location"]) == (302, "/contracts/statistics/?year=all&region=360121")
    page = c.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "You may read the statistics of your jurisdiction only; those of 江西省南昌市南昌县 "
        "(Nanchang County, Nanchang City, Jiangxi Province) are shown."
    ]
    ok = c.get("/contracts/statistics/export.xlsx?region=360121&year=all")
    assert (ok.status_code, ok["Content-Disposition"]) == (
        200, 'attachment; filename="contract-statistics-360121-all.xlsx"'
    )  # fmt: skip


def test_the_flow_matrix_names_the_rest_of_the_province(contracts, city_reviewer) -> None:  # type: ignore[no-untyped-def]
    """The registered contract goes from 南昌县 to a buyer in 赣州: outside Nanchang, not "江西省"."""
    c = client_for(city_reviewer)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = c.get("/contracts/statistics/?year=all")
    st = response.context["st"]
    assert (st.matrix.sellers, st.matrix.buyers) == (["南昌县 (Nanchang County)"], ["Elsewhere in the province"])
    assert [(s, b, n) for s, b, n, _ta in st.flows] == [("南昌县 (Nanchang County)", "Elsewhere in the province", 1)]
    matrix = response.content.decode().split('id="flow-matrix"')[1].split("</table>")[0]
    assert '<th scope="col">Elsewhere in the province</th><th scope="col">Total</th>' in matrix
    assert "江西省" not in matrix


def test_the_flow_matrix_shows_no_empty_row_or_column(contracts, city_reviewer) -> None:  # type: ignore[no-untyped-def]
    """南昌县 only sold and the rest of the province only bought: they were a row and a column of
    blanks each. Now one row, one column, their totals and a note; the export says the same."""
    c = client_for(city_reviewer)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = c.get("/contracts/statistics/?year=all").content.decode()
    table = page.split('id="flow-matrix">')[1].split("</table>")[0]
    assert re.findall(r'<th scope="row">([^<]*)</th>', table) == ["南昌县 (Nanchang County)", "Total"]
    assert table.count('<td class="text-end">') == 1
    assert '<td class="text-end">800,000.00</td><th class="text-end">800,000.00</th>' in table
    assert '<th class="text-end" id="flow-matrix-total">800,000.00</th>' in table
    assert 'id="flow-matrix-note"' in page
    wb = load_workbook(io.BytesIO(c.get("/contracts/statistics/export.xlsx?year=all").content))
    assert list(wb["Flow matrix"].iter_rows(values_only=True)) == [
        ("Seller \\ buyer", "Elsewhere in the province", "Total"),
        ("南昌县 (Nanchang County)", 800000, 800000),
        ("Total", 800000, 800000),
    ]


def test_the_flow_matrix_of_a_scope_without_flows_says_so(city_reviewer) -> None:  # type: ignore[no-untyped-def]
    page = client_for(city_reviewer).get("/contracts/statistics/?year=all", HTTP_ACCEPT_LANGUAGE="en")
    table = page.content.decode().split('id="flow-matrix">')[1].split("</table>")[0]
    assert table == "<tbody><tr><td>No flows yet.</td></tr></tbody>"
    assert 'id="flow-matrix-note"' not in page.content.decode()


def test_statistics_page_and_export_show_the_registered_contract(contracts, province_official) -> None:  # type: ignore[no-untyped-def]
    c = client_for(province_official)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    page = c.get("/contracts/statistics/?region=360000&year=all").content.decode()
    assert '<span id="output-count">1</span>' in page
    assert "800,000.00" in page
    response = c.get("/contracts/statistics/export.xlsx?region=360000&year=all")
    wb = load_workbook(io.BytesIO(response.content))
    summary = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert summary[0][1:] == (1, 1000000, 800000)
    rows = list(wb["Contracts"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["已登记合同"]
    # The file names its scope (QA: only its file name did), regions by code and name, dates as dates.
    assert summary[3:5] == [
        ("Region", "江西省 (Jiangxi Province)", None, None),
        ("Year of registration", "All years", None, None),
    ]
    registered = contracts["registered"]
    assert rows[0][3] == f"{registered.seller_region_id} {registered.seller_region.name}"
    assert rows[0][7] == datetime.datetime.combine(timezone.localdate(registered.registered_at), datetime.time())
    assert wb["Contracts"].cell(row=2, column=8).number_format == "yyyy-mm-dd"


def test_public_summary_shows_totals_only(contracts) -> None:  # type: ignore[no-untyped-def]
    page = Client().get("/contracts/statistics/summary/").content.decode()
    assert "800,000.00" in page
    assert "已登记合同" not in page


def test_login_with_password_works_for_contract_pages(contracts, applicant_member) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    assert c.login(username="applicant_member", password=PASSWORD)
    assert c.get(f"/contracts/{contracts['registered'].pk}/").status_code == 200


API_PAYLOAD = {
    "name": "API 登记的技术开发合同",
    "contract_type": "development",
    "subtype": "cooperative",
    "tech_field": "new_energy",
    "signed_on": "2026-05-01",
    "term_start": "2026-05-01",
    "term_end": "2027-04-30",
    "contract_amount": "600000.00",
    "non_technical_costs": "100000.00",
    "parties": [{"role": "buyer", "name": "赣州买方企业", "uscc": BUYER_USCC, "region_code": "360702"}],
}


def test_api_create_submit_register(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    owner = client_for(applicant_admin)
    response = owner.post(
        "/api/v1/contracts", {**API_PAYLOAD, "organisation_id": seller.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["technology_amount"], body["seller_region_code"]) == ("draft", "500000.00", "360121")
    pk = body["id"]
    services_attach(applicant_admin, pk)
    assert owner.post(f"/api/v1/contracts/{pk}/submit").json()["status"] == "submitted"
    refused = client_for(county_reviewer).post(
        f"/api/v1/contracts/{pk}/register", {"checklist": {"signed": True}}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "validation_error")
    checklist = dict.fromkeys(
        ("signed", "technical_content", "parties", "amounts", "ip_ownership", "related_parties"), True
    )
    done = client_for(county_reviewer).post(
        f"/api/v1/contracts/{pk}/register", {"checklist": checklist}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["registration_number"].startswith("360121")
    assert owner.post(f"/api/v1/contracts/{pk}/register", {}, content_type="application/json").status_code == 404


UNCONFIRMED = "Confirm this condition to register the contract."


def _decide(user, contract, action, body):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        f"/api/v1/contracts/{contract.pk}/{action}", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def _invalid(fields):  # type: ignore[no-untyped-def]
    return {"code": "validation_error", "message": "Some fields are not valid.", "details": {"fields": fields}}


@pytest.mark.parametrize(
    ("action", "body", "fields"),
    [
        ("refuse", {}, {"reason": ["This field is required."]}),
        ("refuse", {"reason": "  "}, {"reason": ["Give a reason."]}),
        ("refuse", {"reason": 5}, {"reason": ["Enter text."]}),
        ("refuse", {"reason": "x" * 1001}, {"reason": ["Ensure this value has at most 1000 characters."]}),
        ("refuse", {"reason": "不属于技术合同", "checklist": "x"}, {"checklist": ["Give an object ({…})."]}),
        ("register", {}, {f"checklist.{k}": [UNCONFIRMED] for k in CHECKLIST_KEYS}),
        (
            "register",
            {"checklist": {**dict.fromkeys(CHECKLIST_KEYS, True), "parties": False, "amounts": False}},
            {"checklist.parties": [UNCONFIRMED], "checklist.amounts": [UNCONFIRMED]},
        ),
        ("register", {"checklist": {"signed": "maybe"}}, {"checklist.signed": ["Enter true or false."]}),
        ("register", {"checklist": []}, {"checklist": ["Give an object ({…})."]}),
    ],
)
def test_register_and_refuse_answer_bad_input_with_the_apis_422(
    seller, applicant_admin, county_reviewer, action, body, fields
) -> None:  # type: ignore[no-untyped-def]
    """A blank reason was 400 `contract_reason_required` with `details.field`, an unconfirmed
    condition 400 `contract_checklist` with `details.missing`: not the API's 422 shape."""
    contract = submitted(seller, applicant_admin)
    response = _decide(county_reviewer, contract, action, body)
    assert (response.status_code, response.json()) == (422, _invalid(fields))
    contract.refresh_from_db()
    assert (contract.status, contract.decided_by, contract.registration_number) == (S.SUBMITTED, None, None)
    assert not AuditEvent.objects.filter(action=f"contract.{action}").exists()


def test_register_and_refuse_keep_their_refusals_of_state_and_permission(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer
) -> None:  # type: ignore[no-untyped-def]
    checklist = {"checklist": dict.fromkeys(CHECKLIST_KEYS, True)}
    done = registered(seller, applicant_admin, county_reviewer)
    for action, body in (("register", checklist), ("refuse", {"reason": "不属于技术合同"})):
        again = _decide(county_reviewer, done, action, body)
        assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
        # An official of another region is told it does not exist, before the input is read.
        waiting = submitted(seller, applicant_admin)
        outside = _decide(ganzhou_reviewer, waiting, action, {"reason": " "} if action == "refuse" else {})
        assert (outside.status_code, outside.json()["code"]) == (404, "not_found")
    refused = _decide(county_reviewer, waiting, "refuse", {"reason": "标的为设备买卖"})
    assert (refused.status_code, refused.json()["status"]) == (200, "refused")


def test_the_list_refuses_a_bad_filter_with_one_message_per_field(contracts, applicant_member) -> None:  # type: ignore[no-untyped-def]
    """Its `details.fields` held Django's {"message", "code"} objects, not the API's messages."""
    response = client_for(applicant_member).get("/api/v1/contracts?status=bogus", HTTP_ACCEPT_LANGUAGE="en")
    message = "Status: “bogus” is not one of the choices."
    assert (response.status_code, response.json()) == (422, _invalid({"status": [message]}))


def test_the_decision_endpoints_document_their_input_and_the_422(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/v1/openapi.json").json()
    for action, schema, required in (("register", "RegisterIn", None), ("refuse", "RefuseIn", ["reason"])):
        operation = spec["paths"][f"/api/v1/contracts/{{contract_id}}/{action}"]["post"]
        assert sorted(operation["responses"]) == ["200", "400", "401", "403", "404", "409", "422", "429", "503"]
        assert "details.fields" in operation["responses"]["422"]["description"]
        assert "409 `invalid_transition`" in operation["description"]
        assert spec["components"]["schemas"][schema].get("required") == required


def services_attach(user, pk) -> None:  # type: ignore[no-untyped-def]
    from techtransfer.contracts import services

    services.attach_signed_contract(actor=user, contract_id=pk, upload=pdf())


@pytest.mark.parametrize(
    ("change", "code", "fields"),
    [
        ({"non_technical_costs": "700000.00"}, "contract_amounts", ["non_technical_costs"]),
        ({"subtype": "patent"}, "contract_subtype", ["subtype"]),
        ({"contract_amount": "-5"}, "contract_amounts", ["contract_amount"]),
        ({"tech_field": "space_opera"}, "validation_error", ["tech_field"]),
        (
            {"parties": [{"role": "buyer", "name": "x", "uscc": "91360700MA00000019", "region_code": "360702"}]},
            "uscc_invalid",
            ["parties.0.uscc"],
        ),
        (
            {"parties": [{"role": "buyer", "name": "x", "region_code": "999999"}]},
            "region_unknown",
            ["parties.0.region_code"],
        ),
        ({"parties": []}, "contract_parties", ["parties"]),
    ],
)
def test_api_refuses_bad_contracts_and_saves_nothing(seller, applicant_admin, change, code, fields) -> None:  # type: ignore[no-untyped-def]
    """The rules' refusals answered 400 with `details.field` in the web form's names (`buyer_uscc`):
    now 422 with their own code and the fields as sent, as the schema's own refusals."""
    response = client_for(applicant_admin).post(
        "/api/v1/contracts", {**API_PAYLOAD, "organisation_id": seller.pk, **change}, content_type="application/json"
    )
    body = response.json()
    assert (response.status_code, body["code"], sorted(body["details"]["fields"])) == (422, code, fields)
    assert Contract.objects.count() == 0


@pytest.mark.parametrize(
    ("seller_party", "field"),
    [
        ({"name": "[演示] 南昌示范大学"}, "parties.0.name"),
        ({"uscc": "12360102GWT92QEUKJ"}, "parties.0.uscc"),
        ({"region_code": "360702"}, "parties.0.region_code"),
    ],
    ids=["name", "uscc", "region"],
)
def test_api_refuses_a_seller_other_than_the_organisation(seller, applicant_admin, seller_party, field) -> None:  # type: ignore[no-untyped-def]
    """The seller is the registering organisation as registered: another name, credit code or region
    would send the contract to another registration point and count it elsewhere (QA: a Ganzhou
    enterprise filed as a Nanchang university, registered by Nanchang County)."""
    parties = [{"role": "seller", **seller_party}, *API_PAYLOAD["parties"]]  # type: ignore[list-item]
    response = client_for(applicant_admin).post(
        "/api/v1/contracts",
        {**API_PAYLOAD, "organisation_id": seller.pk, "parties": parties},
        content_type="application/json",
    )
    body = response.json()
    assert (response.status_code, body["code"], list(body["details"]["fields"])) == (
        422,
        "contract_seller_is_organisation",
        [field],
    )
    assert Contract.objects.count() == 0


def test_api_names_a_refused_party_field_as_sent(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    """One field error's whole answer: the rule's code and message, the field under its place in
    `parties`, and the party the service named."""
    parties = [
        {"role": "seller", "region_code": "360121"},
        {"role": "buyer", "name": "赣州买方企业", "uscc": "91360700MA00000019", "region_code": "360702"},
    ]
    response = client_for(applicant_admin).post(
        "/api/v1/contracts",
        {**API_PAYLOAD, "organisation_id": seller.pk, "parties": parties},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    message = "The unified social credit code is not valid (GB 32100-2015 check failed)."
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "uscc_invalid",
            "message": message,
            "details": {"fields": {"parties.1.uscc": [message]}, "party": "buyer"},
        },
    )
    assert Contract.objects.count() == 0


def test_api_statistics_refuse_an_unknown_region_under_region(applicant_member) -> None:  # type: ignore[no-untyped-def]
    response = client_for(applicant_member).get("/api/v1/contracts/statistics?region=999999", HTTP_ACCEPT_LANGUAGE="en")
    message = "Unknown administrative division code."
    assert (response.status_code, response.json()) == (
        422,
        {"code": "region_unknown", "message": message, "details": {"fields": {"region": [message]}}},
    )


def test_api_cannot_create_for_another_organisation(seller, outsider) -> None:  # type: ignore[no-untyped-def]
    response = client_for(outsider).post(
        "/api/v1/contracts", {**API_PAYLOAD, "organisation_id": seller.pk}, content_type="application/json"
    )
    assert response.status_code == 404 and Contract.objects.count() == 0


def test_api_list_query_budget(
    contracts, seller, applicant_admin, county_reviewer, platform_admin, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        registered(seller, applicant_admin, county_reviewer)
    c = client_for(platform_admin)
    with django_assert_max_num_queries(6):
        response = c.get("/api/v1/contracts?status=registered")
    assert response.json()["count"] == 6


def test_statistics_page_query_budget(contracts, province_official, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    c = client_for(province_official)
    with django_assert_max_num_queries(30):
        assert c.get("/contracts/statistics/?region=360000&year=all").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province_official", 200),
        ("platform_admin", 200),
        ("city_reviewer", 404),
        ("county_reviewer", 404),
        ("applicant_admin", 404),
        (None, 302),
    ],
)
def test_subsidies_page_permission_matrix(who, status, contracts, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get("/contracts/subsidies/")
    assert response.status_code == status
    if user is not None:
        # The workspace offers the page to exactly those who may open it.
        workspace = client_for(user).get("/workspace/").content.decode()
        assert ('href="/contracts/subsidies/"' in workspace) is (status == 200)
    if status == 200:
        assert "江西省网上常设技术市场交易补助（2020）" in response.content.decode()


def test_subsidy_tables_name_the_roles_in_the_pages_language(contracts, province_official) -> None:  # type: ignore[no-untyped-def]
    c = client_for(province_official)
    registered = contracts["registered"]
    year = timezone.localtime(registered.registered_at).year  # the platform's year, not UTC's
    units = c.get(f"/contracts/subsidies/?year={year}").content.decode().split('id="subsidy-units"')[1]
    detail = c.get(f"/contracts/{registered.pk}/").content.decode().split('id="subsidies"')[1]
    for table in (units.split("</table>")[0], detail.split("</table>")[0]):
        assert "卖方" in table and "seller" not in table and "buyer" not in table
    # The total counts its grants in words of the page's language (it said "76 shares", "1 shares").
    total = re.search(
        r'id="subsidy-total">.*?</p>',
        c.get(f"/contracts/subsidies/?year={year}", HTTP_ACCEPT_LANGUAGE="en").content.decode(),
    )
    assert total is not None and re.search(r"\((\d+) grants?\)", total.group(0)) is not None
    count = int(re.search(r"\((\d+) grants?\)", total.group(0)).group(1))
    assert f"({count} grant{'' if count == 1 else 's'})" in total.group(0)


def test_a_verified_organisation_with_the_buyers_credit_code_sees_the_contract(contracts) -> None:  # type: ignore[no-untyped-def]
    """The buyer party carries BUYER_USCC. Its organisation on the platform sees the contract once
    submitted; while unverified it does not (anyone may register an organisation claiming a code)."""
    from techtransfer.core.choices import OrganisationStatus, Role
    from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    buyer_org = OrganisationFactory(uscc=BUYER_USCC, region_id="360702", status=OrganisationStatus.REGISTERED)
    buyer_user = UserFactory(username="buyer_member")
    MembershipFactory(user=buyer_user, organisation=buyer_org, role=Role.MEMBER)
    c = client_for(buyer_user)

    def seen() -> tuple[bool, ...]:
        return tuple(
            c.get(f"/contracts/{contracts[k].pk}/").status_code == 200 for k in ("draft", "submitted", "registered")
        )

    assert seen() == (False, False, False)
    assert c.get("/api/v1/contracts").json()["count"] == 0
    buyer_org.status = OrganisationStatus.VERIFIED
    buyer_org.save(update_fields=["status"])
    assert seen() == (False, True, True)
    assert c.get(f"/api/v1/contracts/{contracts['registered'].pk}").status_code == 200
    assert sorted(i["name"] for i in c.get("/api/v1/contracts").json()["items"]) == ["已登记合同", "待登记合同"]
    page = c.get("/contracts/").content.decode()
    assert "已登记合同" in page and "草稿合同" not in page
    # Party members read; they do not act.
    page = c.get(f"/contracts/{contracts['registered'].pk}/").content.decode()
    assert 'id="amend-form"' not in page and 'id="cancel-form"' not in page


@pytest.fixture
def broker(db):  # type: ignore[no-untyped-def]
    from techtransfer.core.choices import OrganisationType, Role
    from techtransfer.core.tests.factories import OrganisationFactory, member

    agency = OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心")
    return member("broker", agency, Role.BROKER)


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("province_official", "/contracts/statistics/"),
        ("city_reviewer", "/contracts/statistics/"),
        ("platform_admin", "/contracts/statistics/"),
        ("broker", "/contracts/statistics/summary/"),
        ("applicant_admin", "/contracts/statistics/summary/"),
        ("outsider", "/contracts/statistics/summary/"),
    ],
)
def test_the_workspace_links_the_statistics_its_user_may_open(db, who, link, request) -> None:  # type: ignore[no-untyped-def]
    """Brokers and other non-officials were linked to the full statistics page: a 404."""
    c = client_for(request.getfixturevalue(who))
    workspace = c.get("/workspace/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<a href="{link}" id="statistics-link">技术合同统计</a>' in workspace
    assert c.get(link).status_code == 200


def test_the_statistics_api_answers_for_the_callers_jurisdiction_by_default(
    seller, applicant_admin, county_reviewer, city_reviewer, province_official
) -> None:  # type: ignore[no-untyped-def]
    """QA: without `region` the API asked for the whole country and refused every government user
    (404), where the statistics page shows the user's own jurisdiction."""
    registered(seller, applicant_admin, county_reviewer)
    for user, prefix in ((county_reviewer, "360121"), (city_reviewer, "3601"), (province_official, "36")):
        body = client_for(user).get("/api/v1/contracts/statistics").json()
        assert (body["prefix"], body["year"], body["output_count"]) == (prefix, None, 1), user
    assert client_for(applicant_admin).get("/api/v1/contracts/statistics").status_code == 404
    response = client_for(city_reviewer).get("/api/v1/contracts/statistics?year=1800")
    assert (response.status_code, list(response.json()["details"]["fields"])) == (422, ["year"])


def test_statistics_read_short_region_codes_and_the_api_gives_amounts_to_the_fen(
    seller, applicant_admin, county_reviewer, city_reviewer
) -> None:  # type: ignore[no-untyped-def]
    """QA: the page and the API refused 3601 and 36 (accepted by every region field), and the API's
    amounts came as "79751000" or "15847456.7800000", without the absorption contract amount."""
    contract = registered(seller, applicant_admin, county_reviewer)
    c = client_for(city_reviewer)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    for code in ("3601", "３６０１", "360100"):
        page = c.get(f"/contracts/statistics/?region={code}&year=all")
        assert (page.status_code, page.context["st"].prefix, list(page.context["messages"])) == (200, "3601", [])
        body = c.get("/api/v1/contracts/statistics", {"region": code}).json()
        assert (body["prefix"], body["output_count"], body["absorption_count"]) == ("3601", 1, 0)
    assert (body["output_contract_amount"], body["absorption_contract_amount"]) == (
        f"{contract.contract_amount:.2f}",
        "0.00",
    )
    assert body["output_technology_amount"] == f"{contract.technology_amount:.2f}"
    outside = c.get("/api/v1/contracts/statistics", {"region": "36"})
    assert outside.status_code == 404  # the province, outside a city's jurisdiction
