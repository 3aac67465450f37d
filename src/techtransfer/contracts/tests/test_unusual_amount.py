"""A contract with no linked deal to compare with is saved with an amount below 1,000 yuan, or of 100
million yuan or more, only once the amount is confirmed: on every path (service, API, contract form,
amendment). Usual amounts, and an unusual one confirmed before and left unchanged, ask nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.contracts import services
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract, ContractAmendment
from techtransfer.contracts.tests.factories import draft, registered
from techtransfer.core.errors import DomainError
from techtransfer.core.plausible import unusual_yuan

pytestmark = pytest.mark.django_db

UNUSUAL = (
    "The contract amount is unusual for a technology contract (less than 1,000 yuan, or 100 million yuan or "
    "more): check the unit and the digits, or confirm that the amount is right."
)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (None, None),
        ("0", None),
        ("0.01", "small"),
        ("999.99", "small"),
        ("1000", None),
        ("99999999.99", None),
        ("100000000", "large"),
        ("999999999999.99", "large"),
    ],
)
def test_the_band(amount: str | None, expected: str | None) -> None:
    assert unusual_yuan(Decimal(amount) if amount is not None else None) == expected


def _payload(seller, amount: str, **extra):  # type: ignore[no-untyped-def]
    return {
        "organisation_id": seller.pk, "name": "稀土永磁专利独占许可合同", "contract_type": "licensing",
        "tech_field": "new_materials", "signed_on": "2026-03-01", "term_start": "2026-03-01",
        "term_end": "2027-02-28", "contract_amount": amount,
        "parties": [{"role": "buyer", "name": "买方", "region_code": "360702", "nature": "enterprise"}], **extra,
    }  # fmt: skip


def test_the_api_refuses_an_unusual_amount_until_confirmed(seller, applicant_admin):  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "en"})
    client.force_login(applicant_admin)
    response = client.post("/api/v1/contracts", _payload(seller, "380"), content_type="application/json")
    assert (response.status_code, response.json()) == (
        409,
        {
            "code": "contract_amount_unusual",
            "message": UNUSUAL,
            "details": {"field": "contract_amount", "contract_amount": "380.00", "unusual": "small"},
        },
    )
    large = client.post("/api/v1/contracts", _payload(seller, "380000000"), content_type="application/json")
    assert (large.status_code, large.json()["details"]["unusual"], Contract.objects.count()) == (409, "large", 0)
    confirmed = client.post(
        "/api/v1/contracts", _payload(seller, "380", confirm_amount=True), content_type="application/json"
    )
    assert confirmed.status_code == 201
    assert Contract.objects.get().contract_amount == Decimal("380.00")


def test_the_api_schema_says_when_an_amount_is_unusual() -> None:
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ContractIn"]["properties"]
    assert schema["confirm_amount"]["description"].endswith(
        "Without a deal_id, a contract_amount below 1,000 yuan or of 100,000,000 yuan or more is refused the same "
        "way (409 contract_amount_unusual, details: contract_amount, unusual: small or large)."
    )


FIFTY = {"contract_amount": Decimal("50"), "non_technical_costs": Decimal(0), "carrier_costs": Decimal(0)}


def test_an_update_asks_only_when_the_amount_changes(seller, applicant_admin):  # type: ignore[no-untyped-def]
    c = draft(seller, applicant_admin, contract_amount=Decimal("500000"))
    with pytest.raises(DomainError) as exc:
        services.update_contract(actor=applicant_admin, contract_id=c.pk, data=FIFTY)
    assert (exc.value.error, exc.value.details) == (
        ContractErrors.AMOUNT_UNUSUAL,
        {"field": "contract_amount", "contract_amount": "50.00", "unusual": "small"},
    )
    services.update_contract(actor=applicant_admin, contract_id=c.pk, data=FIFTY, confirm_amount=True)
    # Confirmed once, kept while the amount does not change.
    services.update_contract(actor=applicant_admin, contract_id=c.pk, data={"summary": "补充摘要"})
    assert Contract.objects.get(pk=c.pk).contract_amount == Decimal("50.00")


def _form(seller, amount: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "organisation": seller.pk, "name": "稀土永磁专利独占许可合同", "contract_type": "licensing", "subtype": "",
        "tech_field": "new_materials", "ip_type": "patent", "plan_category": "none", "signed_on": "2026-03-01",
        "term_start": "2026-03-01", "term_end": "2027-02-28", "contract_amount": amount, "non_technical_costs": "0",
        "carrier_costs": "0", "deal": "",
        "buyer-name": "买方", "buyer-region": "360102", "buyer-nature": "public_institution",
        "buyer-country": "CHN", "seller-nature": "enterprise", "seller-country": "CHN",
        "intermediary-nature": "enterprise", "intermediary-country": "CHN",
    }  # fmt: skip


def test_the_form_asks_and_keeps_the_input(seller, applicant_admin):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(applicant_admin)
    first = client.post("/contracts/new/", _form(seller, "380"))
    page = first.content.decode()
    assert (first.status_code, Contract.objects.count()) == (200, 0)
    assert first.context["form"].errors == {
        "contract_amount": ["合同成交额 380.00 元不足 1,000 元：是否误按万元填写？如确认无误，请勾选“金额无误”后保存。"]
    }
    assert 'type="checkbox" name="confirm_amount"' in page and 'name="contract_amount" value="380"' in page
    with translation.override("en"):
        english = Client(headers={"accept-language": "en"})
        english.force_login(applicant_admin)
        large = english.post("/contracts/new/", _form(seller, "123456789"))
    assert large.context["form"].errors == {
        "contract_amount": [
            "The contract amount of 123,456,789.00 yuan is 100 million yuan or more: check the unit and the number "
            "of digits. Tick “The amount is right” to save it anyway."
        ]
    }
    confirmed = client.post("/contracts/new/", {**_form(seller, "380"), "confirm_amount": "on"})
    contract = Contract.objects.get()
    assert (confirmed.status_code, confirmed["Location"]) == (302, f"/contracts/{contract.pk}/")
    assert contract.contract_amount == Decimal("380.00")
    # Editing it later leaves the confirmed amount alone.
    edited = client.post(f"/contracts/{contract.pk}/edit/", {**_form(seller, "380"), "summary": "补充摘要"})
    assert (edited.status_code, Contract.objects.get().summary) == (302, "补充摘要")


def test_an_amendment_to_an_unusual_amount_is_confirmed(seller, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer, contract_amount=Decimal("2640000"))
    with pytest.raises(DomainError) as exc:
        services.amend_contract(
            actor=county_reviewer,
            contract_id=c.pk,
            changes={"contract_amount": Decimal("264"), "non_technical_costs": Decimal(0)},
            reason="补充协议",
        )
    assert exc.value.details == {"field": "contract_amount", "contract_amount": "264.00", "unusual": "small"}
    official = Client(headers={"accept-language": "en"})
    official.force_login(county_reviewer)
    figures = {
        "action": "amend", "amend-contract_amount": "264", "amend-non_technical_costs": "0",
        "amend-carrier_costs": "0", "amend-carrier_note": "", "amend-reason": "补充协议",
    }  # fmt: skip
    response = official.post(f"/contracts/{c.pk}/action/", figures)
    assert response.status_code == 400
    assert response.context["amend_form"].errors == {
        "contract_amount": [
            "The contract amount of 264.00 yuan is less than 1,000 yuan: was it typed in 10,000 yuan? Tick “The "
            "amount is right” to save it anyway."
        ]
    }
    assert ContractAmendment.objects.count() == 0
    done = official.post(f"/contracts/{c.pk}/action/", {**figures, "amend-confirm_amount": "on"})
    assert (done.status_code, Contract.objects.get(pk=c.pk).contract_amount) == (302, Decimal("264.00"))
