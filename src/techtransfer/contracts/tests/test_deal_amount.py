"""A contract linked to a market deal keeps the deal's agreed amount (10,000 yuan → yuan) unless the amount
is confirmed: on every path (API, service, contract form, amendment). An amendment's history leaves out
the figures that did not change as numbers (0 and 0.00)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.contracts import services
from techtransfer.contracts.choices import AmendmentKind
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract, ContractAmendment
from techtransfer.contracts.tests.factories import agreed_deal, draft, registered
from techtransfer.contracts.views import amendment_rows
from techtransfer.core.errors import DomainError
from techtransfer.market.choices import ListingMode
from techtransfer.market.models import Deal

pytestmark = pytest.mark.django_db

DIFFERS = (
    "The contract amount differs from the amount agreed in the linked deal (10,000 yuan converted to yuan): "
    "check the unit, or confirm that the amount is right."
)


@pytest.fixture
def agreed(seller, applicant_admin, outsider, other_org) -> Deal:  # type: ignore[no-untyped-def]
    """A deal agreed at 264.00 (10,000 yuan), i.e. 2,640,000.00 yuan."""
    return agreed_deal(seller, applicant_admin, outsider, other_org, "264.00", ListingMode.EXCLUSIVE_LICENCE)


def _payload(seller, deal, amount: str, **extra):  # type: ignore[no-untyped-def]
    return {
        "organisation_id": seller.pk, "name": "稀土永磁专利独占许可合同", "contract_type": "licensing",
        "tech_field": "new_materials", "signed_on": "2026-03-01", "term_start": "2026-03-01",
        "term_end": "2027-02-28", "contract_amount": amount, "deal_id": deal.pk,
        "parties": [{"role": "buyer", "name": "买方", "region_code": "360702", "nature": "enterprise"}], **extra,
    }  # fmt: skip


def test_the_api_refuses_an_amount_other_than_the_deals(seller, applicant_admin, agreed):  # type: ignore[no-untyped-def]
    """264.00 typed as yuan for a deal of 264.00 (10,000 yuan): refused, nothing saved."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(applicant_admin)
    response = client.post("/api/v1/contracts", _payload(seller, agreed, "264.00"), content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "contract_amount_differs",
        "message": DIFFERS,
        "details": {
            "field": "contract_amount",
            "contract_amount": "264.00",
            "deal_amount": "264.00",
            "agreed_amount": "2640000.00",
        },
    }
    assert Contract.objects.count() == 0
    # confirm_amount false (the default) is the same refusal.
    again = client.post(
        "/api/v1/contracts", _payload(seller, agreed, "264.00", confirm_amount=False), content_type="application/json"
    )
    assert (again.status_code, again.json()["code"], Contract.objects.count()) == (409, "contract_amount_differs", 0)


def test_the_api_saves_a_confirmed_amount_and_the_deals_amount_unasked(seller, applicant_admin, agreed):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(applicant_admin)
    response = client.post(
        "/api/v1/contracts", _payload(seller, agreed, "264.00", confirm_amount=True), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["contract_amount"], response.json()["deal_id"]) == ("264.00", agreed.pk)
    assert Contract.objects.get().contract_amount == Decimal("264.00")
    Contract.objects.all().delete()  # frees the deal
    same = client.post("/api/v1/contracts", _payload(seller, agreed, "2640000"), content_type="application/json")
    assert same.status_code == 201, same.json()
    assert Contract.objects.get().contract_amount == Decimal("2640000.00")


def test_the_api_schema_documents_confirm_amount() -> None:
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ContractIn"]["properties"]
    assert (schema["confirm_amount"]["type"], schema["confirm_amount"]["default"]) == ("boolean", False)
    assert schema["confirm_amount"]["description"].startswith("With a deal_id, a contract_amount (yuan) other than")


def test_the_service_refuses_on_create_and_on_a_changed_amount_of_a_draft(seller, applicant_admin, agreed):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        draft(
            seller, applicant_admin, deal_id=agreed.pk, contract_amount=Decimal("264"), non_technical_costs=Decimal(0)
        )
    assert exc.value.error == ContractErrors.AMOUNT_DIFFERS
    assert exc.value.details == {
        "field": "contract_amount", "contract_amount": "264.00", "deal_amount": "264.00", "agreed_amount": "2640000.00",
    }  # fmt: skip
    assert Contract.objects.count() == 0
    c = draft(seller, applicant_admin, deal_id=agreed.pk, contract_amount=Decimal("2640000"))
    with pytest.raises(DomainError) as exc:
        services.update_contract(actor=applicant_admin, contract_id=c.pk, data={"contract_amount": Decimal("2600000")})
    assert exc.value.details["contract_amount"] == "2600000.00"
    assert Contract.objects.get(pk=c.pk).contract_amount == Decimal("2640000.00")
    services.update_contract(
        actor=applicant_admin, contract_id=c.pk, data={"contract_amount": Decimal("2600000")}, confirm_amount=True
    )
    # Confirmed once, kept while neither the amount nor the deal changes.
    services.update_contract(actor=applicant_admin, contract_id=c.pk, data={"summary": "补充摘要"})
    assert Contract.objects.get(pk=c.pk).contract_amount == Decimal("2600000.00")
    # Linking a deal to a draft whose amount differs asks too.
    other = draft(seller, applicant_admin, contract_amount=Decimal("1000000"))
    Contract.objects.filter(pk=c.pk).delete()
    with pytest.raises(DomainError) as exc:
        services.update_contract(actor=applicant_admin, contract_id=other.pk, data={"deal_id": agreed.pk})
    assert (exc.value.error, Contract.objects.get(pk=other.pk).deal_id) == (ContractErrors.AMOUNT_DIFFERS, None)


def test_the_edit_form_asks_through_the_service(seller, applicant_admin, agreed):  # type: ignore[no-untyped-def]
    """A draft whose deal the form did not check (the service refuses): the box is shown all the same."""
    from techtransfer.contracts.forms import ContractForm
    from techtransfer.contracts.views import _show_error

    form = ContractForm({"contract_amount": "26400.00"})
    form.is_valid()
    problem = services.deal_amount_problem(Decimal("264.00"), Decimal("26400.00"))
    assert problem is not None
    with translation.override("zh-hans"):
        _show_error(form, {}, problem)
    assert form.errors["contract_amount"] == [
        "合同成交额 26,400.00 元与交易约定金额 264.00 万元（= 2,640,000.00 元）不一致，请核对单位。"
        "如确认无误，请勾选“金额无误”后保存。"
    ]
    assert 'type="checkbox" name="confirm_amount"' in str(form["confirm_amount"])


@pytest.fixture
def official(county_reviewer):  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(county_reviewer)
    return c


def _amend(**figures: str) -> dict[str, str]:
    return {
        "action": "amend", "amend-contract_amount": "2640000", "amend-non_technical_costs": "200000",
        "amend-carrier_costs": "0", "amend-carrier_note": "", "amend-reason": "补充协议",
        **{f"amend-{k}": v for k, v in figures.items()},
    }  # fmt: skip


def test_an_amendment_to_an_amount_other_than_the_deals_is_confirmed(
    seller, applicant_admin, county_reviewer, agreed, official
):  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk, contract_amount=Decimal("2640000"))
    response = official.post(f"/contracts/{c.pk}/action/", _amend(contract_amount="264", non_technical_costs="0"))
    assert response.status_code == 400
    assert response.context["amend_form"].errors == {
        "contract_amount": [
            "The contract amount of 264.00 yuan differs from the amount agreed in the deal, 264.00 (10,000 yuan) = "
            "2,640,000.00 yuan: check the unit. Tick “The amount is right” to save it anyway."
        ]
    }
    page = response.content.decode()
    assert 'type="checkbox" name="amend-confirm_amount"' in page and 'name="amend-contract_amount" value="264"' in page
    assert (Contract.objects.get(pk=c.pk).contract_amount, ContractAmendment.objects.count()) == (
        Decimal("2640000.00"), 0,
    )  # fmt: skip
    done = official.post(
        f"/contracts/{c.pk}/action/", {**_amend(contract_amount="2000000"), "amend-confirm_amount": "on"}
    )
    assert (done.status_code, done["Location"]) == (302, f"/contracts/{c.pk}/")
    amendment = ContractAmendment.objects.get()
    assert amendment.before == {"contract_amount": "2640000.00", "technology_amount": "2440000.00"}
    assert amendment.after == {"contract_amount": "2000000.00", "technology_amount": "1800000.00"}
    # The amount stays as confirmed: changing other figures asks nothing.
    other = official.post(f"/contracts/{c.pk}/action/", _amend(contract_amount="2000000", non_technical_costs="0"))
    assert other.status_code == 302
    assert ContractAmendment.objects.count() == 2


def test_the_amend_service_refuses_without_confirmation(seller, applicant_admin, county_reviewer, agreed):  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer, deal_id=agreed.pk, contract_amount=Decimal("2640000"))
    with pytest.raises(DomainError) as exc:
        services.amend_contract(
            actor=county_reviewer, contract_id=c.pk, changes={"contract_amount": Decimal("3000000")}, reason="补充协议"
        )
    assert (exc.value.error, exc.value.details) == (
        ContractErrors.AMOUNT_DIFFERS,
        {"field": "contract_amount", "contract_amount": "3000000.00", "deal_amount": "264.00",
         "agreed_amount": "2640000.00"},
    )  # fmt: skip
    assert ContractAmendment.objects.count() == 0
    services.amend_contract(
        actor=county_reviewer,
        contract_id=c.pk,
        changes={"contract_amount": Decimal("3000000")},
        reason="补充协议",
        confirm_amount=True,
    )
    assert Contract.objects.get(pk=c.pk).contract_amount == Decimal("3000000.00")


def test_the_history_leaves_out_figures_that_did_not_change(seller, applicant_admin, county_reviewer, official) -> None:  # type: ignore[no-untyped-def]
    """The form sends carrier costs "0" for the stored 0.00: not a change, not in the history."""
    c = registered(seller, applicant_admin, county_reviewer)  # 1,000,000.00; 200,000.00; carrier 0.00
    same = official.post(f"/contracts/{c.pk}/action/", _amend(contract_amount="1000000"))
    assert same.status_code == 400
    assert same.context["amend_form"].errors == {
        "__all__": ["These are the registered figures already: change one to amend."]
    }
    done = official.post(f"/contracts/{c.pk}/action/", _amend(contract_amount="1200000"))
    assert done.status_code == 302
    amendment = ContractAmendment.objects.get()
    assert amendment.before == {"contract_amount": "1000000.00", "technology_amount": "800000.00"}
    assert amendment.after == {"contract_amount": "1200000.00", "technology_amount": "1000000.00"}
    # An amendment kept before the figures were compared as numbers shows only the real change.
    old = ContractAmendment.objects.create(
        contract=c,
        kind=AmendmentKind.AMEND,
        before={"carrier_costs": "0.00", "non_technical_costs": "200000.00", "contract_amount": "1000000.00"},
        after={"carrier_costs": "0", "non_technical_costs": "200000", "contract_amount": "1200000.00"},
        reason="补充协议",
        actor=county_reviewer,
    )
    with translation.override("en"):
        rows = amendment_rows(old)
    assert rows == [("Contract amount (yuan)", "1,000,000.00", "1,200,000.00")]
