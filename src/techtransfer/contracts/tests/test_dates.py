"""Signing date and term: no signing after today, no term before the signing, no end before the start;
refused by the form at its field (what was typed kept), the service, the API and on submission."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from techtransfer.contracts import services
from techtransfer.contracts.choices import ContractStatus
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import BUYER_USCC, draft, pdf
from techtransfer.core.errors import DomainError

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# A term starting today or tomorrow must end after it: the fixed 2027 and 2028 ends came before it in time.
YEAR = datetime.timedelta(days=366)


def _form(seller, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "organisation": seller.pk, "name": "测试合同", "contract_type": "development", "subtype": "commissioned",
        "tech_field": "agriculture", "ip_type": "none", "plan_category": "none", "signed_on": "2026-03-01",
        "term_start": "2026-03-01", "term_end": "2027-03-01", "contract_amount": "100000",
        "non_technical_costs": "0", "carrier_costs": "0",
        "buyer-name": "买方", "buyer-uscc": BUYER_USCC, "buyer-region": "360702", "buyer-nature": "enterprise",
        "buyer-country": "CHN", "seller-nature": "enterprise", "seller-country": "CHN",
        "intermediary-nature": "enterprise", "intermediary-country": "CHN",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def owner(applicant_admin):  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_admin)
    return c


def test_the_form_refuses_a_signing_date_after_today_at_its_field(seller, owner) -> None:  # type: ignore[no-untyped-def]
    tomorrow = (timezone.localdate() + DAY).isoformat()
    term_end = (timezone.localdate() + YEAR).isoformat()  # after the term's start whatever today is
    response = owner.post("/contracts/new/", _form(seller, signed_on=tomorrow, term_start=tomorrow, term_end=term_end))
    assert response.status_code == 200 and Contract.objects.count() == 0
    form = response.context["form"]
    assert form.errors == {"signed_on": ["The signing date cannot be later than today."]}
    assert f'value="{tomorrow}"' in response.content.decode()
    today = timezone.localdate().isoformat()
    response = owner.post("/contracts/new/", _form(seller, signed_on=today, term_start=today, term_end=term_end))
    assert response.status_code == 302 and Contract.objects.get().signed_on == timezone.localdate()


def test_the_form_refuses_a_term_before_the_signing_and_an_end_before_the_start(seller, owner) -> None:  # type: ignore[no-untyped-def]
    response = owner.post("/contracts/new/", _form(seller, term_start="2026-02-28"))
    assert response.status_code == 200 and Contract.objects.count() == 0
    assert response.context["form"].errors == {"term_start": ["The term cannot start before the contract is signed."]}
    assert 'value="2026-02-28"' in response.content.decode()
    response = owner.post("/contracts/new/", _form(seller, term_end="2026-02-01"))
    assert response.context["form"].errors == {"term_end": ["The term must end on or after it starts."]}
    assert Contract.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        (
            {"signed_on": "tomorrow", "term_start": "tomorrow", "term_end": "in a year"},
            ContractErrors.SIGNED_IN_FUTURE,
            "signed_on",
        ),
        ({"term_start": datetime.date(2026, 2, 28)}, ContractErrors.TERM_BEFORE_SIGNING, "term_start"),
        ({"term_end": datetime.date(2026, 2, 1)}, ContractErrors.DATES, "term_end"),
    ],
)
def test_the_service_refuses_the_dates_and_saves_nothing(seller, applicant_admin, change, error, field) -> None:  # type: ignore[no-untyped-def]
    relative = {"tomorrow": timezone.localdate() + DAY, "in a year": timezone.localdate() + YEAR}
    values = {k: relative.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    with pytest.raises(DomainError) as exc:
        draft(seller, applicant_admin, **values)
    assert (exc.value.error, exc.value.details) == (error, {"field": field})
    assert Contract.objects.count() == 0


def test_the_api_refuses_a_signing_date_after_today(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    from techtransfer.contracts.tests.test_views_access import API_PAYLOAD

    c = Client()
    c.force_login(applicant_admin)
    tomorrow = (timezone.localdate() + DAY).isoformat()
    term_end = (timezone.localdate() + YEAR).isoformat()
    payload = {
        **API_PAYLOAD, "organisation_id": seller.pk, "signed_on": tomorrow, "term_start": tomorrow, "term_end": term_end,
    }  # fmt: skip
    response = c.post("/api/v1/contracts", payload, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (422, "contract_signed_in_future")
    assert response.json()["details"] == {"fields": {"signed_on": [response.json()["message"]]}}
    assert Contract.objects.count() == 0


def test_a_draft_saved_with_a_future_signing_date_cannot_be_submitted(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    """Drafts saved before the check existed: stopped on submission."""
    c = draft(seller, applicant_admin)
    future = timezone.localdate() + DAY
    Contract.objects.filter(pk=c.pk).update(signed_on=future, term_start=future, term_end=future + YEAR)
    services.attach_signed_contract(actor=applicant_admin, contract_id=c.pk, upload=pdf())
    with pytest.raises(DomainError) as exc:
        services.submit_contract(actor=applicant_admin, contract_id=c.pk)
    assert (exc.value.error, exc.value.details) == (ContractErrors.SIGNED_IN_FUTURE, {"field": "signed_on"})
    assert Contract.objects.get(pk=c.pk).status == ContractStatus.DRAFT


def test_the_edit_form_gives_the_dates_as_iso_in_chinese(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    """zh-hans formats a date 2026/03/01, which <input type=date> drops: the fields showed empty."""
    contract = draft(seller, applicant_admin, term_end=datetime.date(2028, 2, 29))
    c = Client(headers={"accept-language": "zh-hans"})
    c.force_login(applicant_admin)
    page = c.get(f"/contracts/{contract.pk}/edit/").content.decode()
    for name, value in (("signed_on", "2026-03-01"), ("term_start", "2026-03-01"), ("term_end", "2028-02-29")):
        assert f'<input type="date" name="{name}" value="{value}"' in page
