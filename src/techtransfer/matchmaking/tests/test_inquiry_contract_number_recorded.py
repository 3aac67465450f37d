"""An inquiry marked "contract signed" without the contract's registration number (the contract was
registered later) gets it recorded once, by whoever may mark the contract signed: its participants.
The number is checked as with the status change; the record is audited, is an entry of the thread
and is changed only by a platform admin's correction (ADR 0014, addendum).

Personas: the outsider (university, other_org) asks the applicant enterprise, whose admin moves the
inquiry on; province_reviewer takes no part in the inquiry.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import EntryKind
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.models import Inquiry, Message
from techtransfer.matchmaking.tests.factories import CONTRACT_NUMBER_FORMAT, intention_signed_inquiry
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

NUMBER = "3601212026000042"
WRONG = CONTRACT_NUMBER_FORMAT
MISSING = "Give the technology contract's 16-digit registration number."
RECORDED = (
    "This inquiry already names its contract's registration number; it is recorded once. A platform administrator"
    " can correct a wrong one."
)
NOT_SIGNED = "A contract registration number is recorded once the inquiry's status is “Contract signed”."


@pytest.fixture
def inquiry(applicant_org, applicant_admin, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    """An inquiry with the intention signed."""
    return intention_signed_inquiry(
        owner=applicant_org, owner_admin=applicant_admin, reviewer=county_reviewer, enquirer=outsider,
        enquirer_org=other_org,
    )  # fmt: skip


@pytest.fixture
def signed(inquiry, applicant_admin):  # type: ignore[no-untyped-def]
    """Marked "contract signed" without a number: the contract is not registered yet."""
    return services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED)


def _recorded(inquiry):  # type: ignore[no-untyped-def]
    """The number stored, the contract entries of the thread and the audit events of a record."""
    return (
        Inquiry.objects.get(pk=inquiry.pk).contract_reference,
        list(
            Message.objects.filter(inquiry=inquiry, kind=EntryKind.CONTRACT).values_list("author__username", "params")
        ),
        list(AuditEvent.objects.filter(action="inquiry.contract_reference").values_list("actor__username", "changes")),
    )


def test_a_participant_records_the_number_once_with_an_entry_and_an_audit_event(signed, applicant_admin):
    Notification.objects.all().delete()
    done = services.record_contract_reference(
        actor=applicant_admin, inquiry_id=signed.pk, contract_reference="３６０１２１ ２０２６ ００００４２"
    )
    entry = Message.objects.get(inquiry=signed, kind=EntryKind.CONTRACT)
    assert (done.status, done.contract_reference) == (S.CONTRACT_SIGNED, NUMBER)
    assert _recorded(signed) == (
        NUMBER,
        [("applicant_admin", {"contract_reference": NUMBER})],
        [("applicant_admin", {"contract_reference": ["", NUMBER], "message": entry.pk})],
    )
    assert (entry.body, signed.messages.last()) == ("", entry)  # the last entry of the thread
    with translation.override("en"):
        assert (entry.shown_text, entry.get_kind_display()) == (
            f"Contract registration number: {NUMBER}",
            "Contract number recorded",
        )
    # The other side is told (the inquirer), not the recording side.
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["outsider"]
    # An entry, not a message: recording does not make its author one of those who write in the thread.
    assert services._side(signed, signed.recipient_id) == {applicant_admin.pk}


def test_the_other_side_may_record_it_too(signed, outsider):
    services.record_contract_reference(actor=outsider, inquiry_id=signed.pk, contract_reference=NUMBER)
    assert _recorded(signed)[0] == NUMBER


def test_it_is_recorded_once_and_not_changed_afterwards(signed, applicant_admin, outsider):
    services.record_contract_reference(actor=applicant_admin, inquiry_id=signed.pk, contract_reference=NUMBER)
    before = _recorded(signed)
    with pytest.raises(DomainError) as exc:
        services.record_contract_reference(actor=outsider, inquiry_id=signed.pk, contract_reference="3601002026000017")
    assert (exc.value.code, exc.value.http_status) == ("inquiry_contract_reference_recorded", 409)
    with translation.override("en"):
        assert exc.value.message == RECORDED
    assert _recorded(signed) == before


def test_a_number_given_with_the_status_is_not_replaced(inquiry, applicant_admin):
    services.change_status(
        actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED, contract_reference=NUMBER
    )
    with pytest.raises(DomainError) as exc:
        services.record_contract_reference(
            actor=applicant_admin, inquiry_id=inquiry.pk, contract_reference="3601002026000017"
        )
    assert exc.value.code == "inquiry_contract_reference_recorded"
    assert _recorded(inquiry) == (NUMBER, [], [])


@pytest.mark.parametrize("status", [S.INTENTION_SIGNED, S.CLOSED])
def test_only_a_signed_contract_gets_a_number(inquiry, applicant_admin, status):
    if status == S.CLOSED:
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="未谈成")
    with pytest.raises(DomainError) as exc:
        services.record_contract_reference(actor=applicant_admin, inquiry_id=inquiry.pk, contract_reference=NUMBER)
    assert (exc.value.code, exc.value.http_status) == ("inquiry_contract_not_signed", 409)
    with translation.override("en"):
        assert exc.value.message == NOT_SIGNED
    assert _recorded(inquiry) == ("", [], [])


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("36010020260001", "inquiry_contract_reference", WRONG),
        ("360121-2026-000042", "inquiry_contract_reference", WRONG),
        ("", "inquiry_contract_reference_missing", MISSING),
        ("　 ", "inquiry_contract_reference_missing", MISSING),  # an ideographic space is no number
    ],
)
def test_a_wrong_or_missing_number_is_refused_and_nothing_changes(signed, applicant_admin, typed, code, message):
    with pytest.raises(DomainError) as exc:
        services.record_contract_reference(actor=applicant_admin, inquiry_id=signed.pk, contract_reference=typed)
    assert (exc.value.code, exc.value.details) == (code, {"field": "contract_reference"})
    with translation.override("en"):
        assert exc.value.message == message
    assert _recorded(signed) == ("", [], [])


def test_someone_taking_no_part_is_told_it_does_not_exist(signed, province_reviewer):
    with pytest.raises(DomainError) as exc:
        services.record_contract_reference(actor=province_reviewer, inquiry_id=signed.pk, contract_reference=NUMBER)
    assert (exc.value.code, exc.value.http_status) == ("not_found", 404)
    assert not services.may_record_contract_reference(province_reviewer, signed)
    assert _recorded(signed) == ("", [], [])


def _client(user, language="en"):  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": language})
    c.force_login(user)
    return c


def test_the_page_offers_the_form_while_the_number_is_missing(inquiry, applicant_admin, outsider):
    c = _client(applicant_admin)
    page_url = reverse("matchmaking:detail", args=[inquiry.pk])
    assert 'id="contract-form"' not in c.get(page_url).content.decode()  # not signed yet
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED)
    page = c.get(page_url).content.decode()
    assert 'id="contract-form"' in page and "Record the contract registration number" in page
    post_url = reverse("matchmaking:post", args=[inquiry.pk, "contract"])
    wrong = c.post(post_url, {"contract_reference": "36010020260001"})
    assert wrong.status_code == 400
    with translation.override("en"):
        assert wrong.context["contract_form"].errors == {"contract_reference": [WRONG]}
    empty = c.post(post_url, {"contract_reference": "  "})
    with translation.override("en"):
        assert empty.context["contract_form"].errors == {"contract_reference": ["This field is required."]}
    assert _recorded(inquiry) == ("", [], [])
    done = c.post(post_url, {"contract_reference": "360121 2026 000042"})
    assert (done.status_code, done["Location"]) == (302, page_url)
    entry = Message.objects.get(inquiry=inquiry, kind=EntryKind.CONTRACT)
    stamp = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
    for user in (applicant_admin, outsider):
        page = _client(user).get(page_url).content.decode()
        assert f"<p>Contract registration number: {NUMBER}</p>" in page
        assert (
            f'<li class="border-bottom pb-2 mb-2 small text-muted thread-status" id="entry-{entry.pk}">'
            f"<div>{applicant_admin} · {stamp} · Contract number recorded</div>"
            f'<div style="white-space:pre-wrap">Contract registration number: {NUMBER}</div></li>'
        ) in page
        assert 'id="contract-form"' not in page  # recorded once
    # A second page sent before the first record: refused above the page, nothing changed.
    again = _client(outsider).post(post_url, {"contract_reference": "3601002026000017"})
    assert again.status_code == 400
    with translation.override("en"):
        assert [str(m) for m in again.context["messages"]] == [RECORDED]
    assert _recorded(inquiry)[0] == NUMBER


def test_the_page_refuses_someone_taking_no_part(signed, province_reviewer):
    c = _client(province_reviewer)
    assert (
        c.post(reverse("matchmaking:post", args=[signed.pk, "contract"]), {"contract_reference": NUMBER}).status_code
        == 404
    )
    assert _recorded(signed) == ("", [], [])


def test_the_api_records_the_number_next_to_the_status_endpoint(client, signed, applicant_admin, province_reviewer):
    url = f"/api/v1/inquiries/{signed.pk}/contract-reference"
    client.force_login(province_reviewer)
    hidden = client.post(url, {"contract_reference": NUMBER}, "application/json")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    client.force_login(applicant_admin)
    for typed, message in (("36010020260001", WRONG), (" ", MISSING)):
        refused = client.post(url, {"contract_reference": typed}, "application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert (refused.status_code, refused.json()) == (
            422,
            {
                "code": "validation_error",
                "message": "Some fields are not valid.",
                "details": {"fields": {"contract_reference": [message]}},
            },
        )
    assert _recorded(signed) == ("", [], [])
    done = client.post(url, {"contract_reference": "３６０１２１２０２６００００４２"}, "application/json")
    assert (done.status_code, done.json()["status"], done.json()["contract_reference"]) == (
        200, "contract_signed", NUMBER
    )  # fmt: skip
    again = client.post(url, {"contract_reference": "3601002026000017"}, "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (again.status_code, again.json()) == (
        409,
        {"code": "inquiry_contract_reference_recorded", "message": RECORDED, "details": {}},
    )
    rows = client.get(f"/api/v1/inquiries/{signed.pk}/messages", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(r["kind"], r["body"], r["params"], r["text"]) for r in rows[-1:]] == [
        ("contract", "", {"contract_reference": NUMBER}, f"Contract registration number: {NUMBER}")
    ]


def test_the_api_refuses_before_the_contract_is_signed(client, inquiry, applicant_admin):
    client.force_login(applicant_admin)
    url = f"/api/v1/inquiries/{inquiry.pk}/contract-reference"
    refused = client.post(url, {"contract_reference": NUMBER}, "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (
        409,
        {"code": "inquiry_contract_not_signed", "message": NOT_SIGNED, "details": {}},
    )
