"""Marking an inquiry "contract signed" may name the technology contract by its registration number:
optional, read as typed (full-width digits, spaces), and checked for its format only (16 digits, as
contracts.services.next_contract_number makes them): matchmaking does not reach the contracts app.

Personas: the outsider (university) asks the applicant enterprise, whose admin moves the inquiry on.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import EntryKind
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.forms import StatusForm
from techtransfer.matchmaking.models import Inquiry
from techtransfer.matchmaking.tests.factories import CONTRACT_NUMBER_FORMAT, intention_signed_inquiry

pytestmark = pytest.mark.django_db

WRONG = CONTRACT_NUMBER_FORMAT


@pytest.fixture
def signing(applicant_org, applicant_admin, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    """An inquiry with the intention signed: the contract may be marked signed next."""
    return intention_signed_inquiry(
        owner=applicant_org, owner_admin=applicant_admin, reviewer=county_reviewer, enquirer=outsider,
        enquirer_org=other_org,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),  # optional: contracts are often registered after signing
        ("3601212026000042", "3601212026000042"),
        ("３６０１２１２０２６００００４２", "3601212026000042"),
        (" 360121 2026 000042 ", "3601212026000042"),
    ],
)
def test_the_number_is_optional_and_read_as_typed(signing, applicant_admin, typed, stored):
    done = services.change_status(
        actor=applicant_admin, inquiry_id=signing.pk, status=S.CONTRACT_SIGNED, contract_reference=typed
    )
    assert (done.status, Inquiry.objects.get(pk=signing.pk).contract_reference) == (S.CONTRACT_SIGNED, stored)


@pytest.mark.parametrize("typed", ["36010020260001", "36012120260000421", "360121-2026-000042", "HT2026-0042"])
def test_a_number_of_another_format_is_refused_and_nothing_changes(signing, applicant_admin, typed):
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.change_status(
            actor=applicant_admin, inquiry_id=signing.pk, status=S.CONTRACT_SIGNED, contract_reference=typed
        )
    assert (exc.value.code, exc.value.details) == ("inquiry_contract_reference", {"field": "contract_reference"})
    with translation.override("en"):
        assert exc.value.message == WRONG
    signing.refresh_from_db()
    assert (signing.status, signing.contract_reference) == (S.INTENTION_SIGNED, "")
    assert AuditEvent.objects.count() == events
    assert signing.messages.filter(kind=EntryKind.STATUS).count() == 2  # the two moves of the fixture


def test_with_another_status_the_number_is_ignored(signing, applicant_admin):
    """As before: only "contract signed" stores a number; closing keeps none, whatever was posted."""
    done = services.change_status(
        actor=applicant_admin, inquiry_id=signing.pk, status=S.CLOSED, reason="未谈成", contract_reference="x"
    )
    assert (done.status, done.contract_reference) == (S.CLOSED, "")


def test_the_page_asks_for_the_number_only_when_the_contract_may_be_marked_signed(signing, applicant_admin):
    assert "contract_reference" not in StatusForm(allowed=services.next_statuses(S.NEGOTIATING)).fields
    assert "contract_reference" in StatusForm(allowed=services.next_statuses(S.INTENTION_SIGNED)).fields
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_admin)
    url = reverse("matchmaking:post", args=[signing.pk, "status"])
    wrong = c.post(url, {"status": S.CONTRACT_SIGNED, "contract_reference": "36010020260001"})
    assert wrong.status_code == 400
    with translation.override("en"):
        assert wrong.context["status_form"].errors == {"contract_reference": [WRONG]}
    assert Inquiry.objects.get(pk=signing.pk).status == S.INTENTION_SIGNED
    done = c.post(url, {"status": S.CONTRACT_SIGNED, "contract_reference": "３６０１２１ ２０２６ ００００４２"})
    assert done.status_code == 302
    page = c.get(reverse("matchmaking:detail", args=[signing.pk])).content.decode()
    assert "<p>Contract registration number: 3601212026000042</p>" in page
    assert "Contract registration number: 3601212026000042</div></li>" in page  # the thread's entry


def test_the_api_refuses_a_wrong_number_with_its_422(client, signing, applicant_admin):
    client.force_login(applicant_admin)
    url = f"/api/v1/inquiries/{signing.pk}/status"
    body = {"status": "contract_signed", "contract_reference": "36010020260001"}
    refused = client.post(url, body, "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"contract_reference": [WRONG]}},
        },
    )
    assert Inquiry.objects.get(pk=signing.pk).status == S.INTENTION_SIGNED
    body["contract_reference"] = "３６０１２１２０２６００００４２"  # 16 full-width digits
    done = client.post(url, body, "application/json")
    assert (done.status_code, done.json()["contract_reference"]) == (200, "3601212026000042")
