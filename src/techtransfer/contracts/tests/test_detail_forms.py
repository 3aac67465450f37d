"""The forms on a contract's page: a refused decision, amendment or cancellation comes back (400) with
what was typed and each error at its field; the history in words; flags and badges."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from techtransfer.contracts import services
from techtransfer.contracts.choices import CHECKLIST_KEYS, ContractStatus
from techtransfer.contracts.models import Contract, ContractFlag
from techtransfer.contracts.tests.factories import BUYER_USCC, registered, submitted
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
S = ContractStatus


@pytest.fixture
def official(county_reviewer):  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(county_reviewer)
    return c


def test_a_registration_with_conditions_unchecked_keeps_the_form(seller, applicant_admin, official) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    data = {"action": "register", "reason": "材料齐全", "check_signed": "on", "check_parties": "on"}
    response = official.post(f"/contracts/{c.pk}/action/", data)
    assert response.status_code == 400
    form = response.context["decision_form"]
    unchecked = [k for k in CHECKLIST_KEYS if k not in ("signed", "parties")]
    assert form.errors == {
        "__all__": ["Every recognition condition must be confirmed before registering."],
        **{f"check_{k}": ["Confirm this condition to register the contract."] for k in unchecked},
    }
    page = response.content.decode()
    assert "材料齐全</textarea>" in page
    assert 'name="check_signed" class="form-check-input" id="id_check_signed" checked' in page
    assert Contract.objects.get(pk=c.pk).status == S.SUBMITTED
    done = official.post(f"/contracts/{c.pk}/action/", {**data, **{f"check_{k}": "on" for k in CHECKLIST_KEYS}})
    assert (done.status_code, done["Location"]) == (302, f"/contracts/{c.pk}/")
    assert Contract.objects.get(pk=c.pk).status == S.REGISTERED


def test_a_refusal_without_reason_says_so_at_the_reason(seller, applicant_admin, official) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    response = official.post(f"/contracts/{c.pk}/action/", {"action": "refuse", "check_signed": "on", "reason": " "})
    assert response.status_code == 400
    assert response.context["decision_form"].errors == {"reason": ["Give a reason."]}
    assert Contract.objects.get(pk=c.pk).status == S.SUBMITTED


def test_an_amendment_with_a_bad_number_keeps_what_was_typed(
    seller, applicant_admin, county_reviewer, official
) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    data = {
        "action": "amend", "amend-contract_amount": "12O0000", "amend-non_technical_costs": "200000",
        "amend-carrier_costs": "0", "amend-carrier_note": "", "amend-reason": "补充协议",
    }  # fmt: skip
    response = official.post(f"/contracts/{c.pk}/action/", data)
    assert response.status_code == 400
    assert response.context["amend_form"].errors == {"contract_amount": ["“12O0000” is not a number."]}
    page = response.content.decode()
    assert 'name="amend-contract_amount" value="12O0000"' in page and 'value="补充协议"' in page
    assert list(response.context["messages"]) == []
    # Figures that do not add up: said at the field, nothing amended.
    response = official.post(f"/contracts/{c.pk}/action/", {**data, "amend-contract_amount": "100000"})
    assert response.status_code == 400
    assert response.context["amend_form"].errors == {
        "non_technical_costs": ["Non-technical costs cannot be more than the contract amount."]
    }
    assert Contract.objects.get(pk=c.pk).contract_amount == Decimal("1000000.00")
    done = official.post(f"/contracts/{c.pk}/action/", {**data, "amend-contract_amount": "1200000"})
    assert (done.status_code, Contract.objects.get(pk=c.pk).contract_amount) == (302, Decimal("1200000.00"))


def test_a_cancellation_without_reason_says_so_at_the_reason(
    seller, applicant_admin, county_reviewer, official
) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    response = official.post(f"/contracts/{c.pk}/action/", {"action": "cancel", "cancel-reason": ""})
    assert response.status_code == 400
    assert response.context["reason_form"].errors == {"reason": ["This field is required."]}
    assert Contract.objects.get(pk=c.pk).status == S.REGISTERED
    done = official.post(f"/contracts/{c.pk}/action/", {"action": "cancel", "cancel-reason": "合同解除"})
    assert (done.status_code, Contract.objects.get(pk=c.pk).status) == (302, S.CANCELLED)


def test_the_amend_and_cancel_fields_have_distinct_ids(seller, applicant_admin, county_reviewer, official) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    page = official.get(f"/contracts/{c.pk}/").content.decode()
    assert (page.count('id="id_reason"'), page.count('id="id_amend-reason"'), page.count('id="id_cancel-reason"')) == (
        0, 1, 1,
    )  # fmt: skip


def test_the_history_names_the_fields_and_formats_the_amounts(
    seller, applicant_admin, county_reviewer, official
) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    services.amend_contract(
        actor=county_reviewer,
        contract_id=c.pk,
        changes={"contract_amount": Decimal("2000000"), "non_technical_costs": Decimal("0"), "contract_type": "service",
                 "subtype": "training"},
        reason="补充协议",
    )  # fmt: skip
    services.cancel_contract(actor=county_reviewer, contract_id=c.pk, reason="合同解除")
    history = official.get(f"/contracts/{c.pk}/").content.decode().split('id="amendments">')[1].split("</ul>")[0]
    rows = [li.split("<br>")[1].removesuffix("</li>") for li in history.split("<li>")[1:]]
    assert rows == [
        "Contract type: Technology transfer (技术转让) → Technical service (技术服务); "
        "Subtype: Patent right (专利权) → Technical training (技术培训); "
        "Contract amount (yuan): 1,000,000.00 → 2,000,000.00; Non-technical costs (yuan): 200,000.00 → 0.00; "
        "Technology transaction amount (yuan): 800,000.00 → 2,000,000.00",
        "Status: Registered → Cancelled",
    ]


def test_circular_flags_say_the_days_in_words_and_the_queue_shows_one_badge(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer
) -> None:  # type: ignore[no-untyped-def]
    b = OrganisationFactory(region_id="360702", uscc=BUYER_USCC, name="赣州买方企业")
    b_admin = MembershipFactory(organisation=b, role="org_admin").user
    for day in (10, 20):
        registered(seller, applicant_admin, county_reviewer, signed_on=datetime.date(2026, 1, day))
    back = {"buyer": {"name": seller.name, "uscc": seller.uscc, "region_id": "360121"}}
    c = submitted(b, b_admin, parties=back, signed_on=datetime.date(2026, 4, 1), term_start=datetime.date(2026, 4, 1))
    assert ContractFlag.objects.filter(contract=c).count() == 2
    client = Client(headers={"accept-language": "en"})
    client.force_login(ganzhou_reviewer)
    flags = client.get(f"/contracts/{c.pk}/").content.decode().split('id="flags">')[1].split("</ul>")[0]
    assert "≤" not in flags
    assert "南昌县测试企业 → 赣州买方企业 (2026-01-20) · signed 71 days apart" in flags
    assert "南昌县测试企业 → 赣州买方企业 (2026-01-10) · signed 81 days apart" in flags
    queue = client.get("/contracts/registration/").content.decode()
    row = queue.split('id="contract-queue"')[1].split("</table>")[0]
    assert row.count('<span class="badge text-bg-danger">Circular deal (A → B → A)</span>') == 1


def test_a_flag_written_with_the_old_window_is_shown_without_it(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    flag = ContractFlag(contract=c, kind="circular", detail="甲 → 乙 (2026-01-10, ≤ 365 d)")
    assert flag.shown_detail == "甲 → 乙 (2026-01-10)"
