"""A wrong contract registration number recorded on an inquiry is corrected by a platform admin, with
a reason: the sides record once and cannot overwrite each other's (ADR 0014, addendum). The
correction is audited ("before → after"), is an entry of the thread that keeps the replaced number,
and both sides are told.

Personas: the outsider (university, other_org) asks the applicant enterprise, whose admin moves the
inquiry on; platform_admin corrects; province_reviewer takes no part in the inquiry.
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
from techtransfer.matchmaking.models import Inquiry, Message
from techtransfer.matchmaking.tests.factories import CONTRACT_NUMBER_FORMAT, intention_signed_inquiry
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

WRONG_NUMBER = "3601212026000042"
RIGHT = "3601212026000024"
REASON = "登记号两位数字颠倒"
NOT_ALLOWED = "Only a platform administrator corrects a recorded contract registration number."
NONE_YET = "This inquiry names no contract registration number yet; record it instead of correcting it."
SAME = "This is the number already recorded; give the right one."
NO_REASON = "Say why the number is corrected."


@pytest.fixture
def recorded(applicant_org, applicant_admin, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    """Marked "contract signed" with a number that has two digits swapped."""
    inquiry = intention_signed_inquiry(
        owner=applicant_org, owner_admin=applicant_admin, reviewer=county_reviewer, enquirer=outsider,
        enquirer_org=other_org,
    )  # fmt: skip
    return services.change_status(
        actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED, contract_reference=WRONG_NUMBER
    )


def _corrections(inquiry):  # type: ignore[no-untyped-def]
    """The number stored, the correction entries of the thread and the correction audit events."""
    return (
        Inquiry.objects.get(pk=inquiry.pk).contract_reference,
        list(
            Message.objects.filter(inquiry=inquiry, kind=EntryKind.CONTRACT).values_list("author__username", "params")
        ),
        list(
            AuditEvent.objects.filter(action="inquiry.contract_reference_corrected").values_list(
                "actor__username", "changes"
            )
        ),
    )


def test_a_platform_admin_corrects_it_with_a_reason_and_both_sides_are_told(recorded, platform_admin):
    Notification.objects.all().delete()
    done = services.correct_contract_reference(
        actor=platform_admin, inquiry_id=recorded.pk, contract_reference="３６０１２１ ２０２６ ００００２４",
        reason="  登记号两位数字\n颠倒 ",
    )  # fmt: skip
    entry = Message.objects.get(inquiry=recorded, kind=EntryKind.CONTRACT)
    assert (done.status, done.contract_reference) == (S.CONTRACT_SIGNED, RIGHT)
    params = {"contract_reference": RIGHT, "previous": WRONG_NUMBER, "reason": "登记号两位数字 颠倒"}
    assert _corrections(recorded) == (
        RIGHT,
        [("platform_admin", params)],
        [
            (
                "platform_admin",
                {"contract_reference": [WRONG_NUMBER, RIGHT], "reason": "登记号两位数字 颠倒", "message": entry.pk},
            )
        ],
    )
    with translation.override("en"):
        assert entry.shown_text == (
            f"Contract registration number corrected: {WRONG_NUMBER} → {RIGHT}. Reason: 登记号两位数字 颠倒"
        )
    with translation.override("zh-hans"):
        assert entry.shown_text == f"合同登记号已更正：{WRONG_NUMBER} → {RIGHT}。原因：登记号两位数字 颠倒"
    # A platform admin is on neither side: both sides are told.
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["applicant_admin", "outsider"]
    with translation.override("en"):
        assert Notification.objects.filter(user__username="outsider").get().shown_title == (
            f"{recorded.subject}: contract registration number corrected to {RIGHT}"
        )


def test_a_participant_is_refused_and_the_number_stays(recorded, applicant_admin, outsider):
    for user in (applicant_admin, outsider):
        assert not services.may_correct_contract_reference(user, recorded)
        with pytest.raises(DomainError) as exc:
            services.correct_contract_reference(
                actor=user, inquiry_id=recorded.pk, contract_reference=RIGHT, reason=REASON
            )
        assert (exc.value.code, exc.value.http_status) == ("inquiry_contract_reference_correction", 403)
        with translation.override("en"):
            assert exc.value.message == NOT_ALLOWED
    assert _corrections(recorded) == (WRONG_NUMBER, [], [])


def test_someone_taking_no_part_is_told_it_does_not_exist(recorded, province_reviewer):
    with pytest.raises(DomainError) as exc:
        services.correct_contract_reference(
            actor=province_reviewer, inquiry_id=recorded.pk, contract_reference=RIGHT, reason=REASON
        )
    assert (exc.value.code, exc.value.http_status) == ("not_found", 404)
    assert _corrections(recorded) == (WRONG_NUMBER, [], [])


@pytest.mark.parametrize(
    ("typed", "reason", "code", "field", "message"),
    [
        (WRONG_NUMBER, REASON, "inquiry_contract_reference_same", "contract_reference", SAME),
        ("360121 2026 000042", REASON, "inquiry_contract_reference_same", "contract_reference", SAME),
        (RIGHT, " \n ", "inquiry_contract_reference_reason", "reason", NO_REASON),
        ("", REASON, "inquiry_contract_reference_missing", "contract_reference",
         "Give the technology contract's 16-digit registration number."),
        ("36010020260001", REASON, "inquiry_contract_reference", "contract_reference", CONTRACT_NUMBER_FORMAT),
    ],
)  # fmt: skip
def test_a_bad_correction_is_refused_naming_its_input(recorded, platform_admin, typed, reason, code, field, message):
    with pytest.raises(DomainError) as exc:
        services.correct_contract_reference(
            actor=platform_admin, inquiry_id=recorded.pk, contract_reference=typed, reason=reason
        )
    assert (exc.value.code, exc.value.details) == (code, {"field": field})
    with translation.override("en"):
        assert exc.value.message == message
    assert _corrections(recorded) == (WRONG_NUMBER, [], [])


def test_nothing_to_correct_before_a_number_is_recorded(applicant_org, applicant_admin, county_reviewer, outsider,
                                                        other_org, platform_admin):  # fmt: skip
    inquiry = intention_signed_inquiry(
        owner=applicant_org, owner_admin=applicant_admin, reviewer=county_reviewer, enquirer=outsider,
        enquirer_org=other_org,
    )  # fmt: skip
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED)
    assert not services.may_correct_contract_reference(platform_admin, Inquiry.objects.get(pk=inquiry.pk))
    with pytest.raises(DomainError) as exc:
        services.correct_contract_reference(
            actor=platform_admin, inquiry_id=inquiry.pk, contract_reference=RIGHT, reason=REASON
        )
    assert (exc.value.code, exc.value.http_status) == ("inquiry_contract_reference_none", 409)
    with translation.override("en"):
        assert exc.value.message == NONE_YET
    assert _corrections(inquiry) == ("", [], [])


def _client(user):  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def test_the_page_offers_the_correction_to_a_platform_admin_only(recorded, platform_admin, applicant_admin):
    page_url = reverse("matchmaking:detail", args=[recorded.pk])
    post_url = reverse("matchmaking:post", args=[recorded.pk, "correct"])
    assert 'id="correct-form"' not in _client(applicant_admin).get(page_url).content.decode()
    refused = _client(applicant_admin).post(post_url, {"contract_reference": RIGHT, "reason": REASON})
    assert refused.status_code == 400
    with translation.override("en"):  # said above the page: the form is not offered to this person
        assert [str(m) for m in refused.context["messages"]] == [NOT_ALLOWED]
    admin = _client(platform_admin)
    page = admin.get(page_url).content.decode()
    assert 'id="correct-form"' in page and "Correct the contract registration number" in page
    missing = admin.post(post_url, {"contract_reference": WRONG_NUMBER, "reason": ""})
    assert missing.status_code == 400
    with translation.override("en"):
        assert missing.context["correct_form"].errors == {"reason": ["This field is required."]}
    same = admin.post(post_url, {"contract_reference": WRONG_NUMBER, "reason": REASON})
    with translation.override("en"):
        assert same.context["correct_form"].errors == {"contract_reference": [SAME]}
    assert same.context["correct_form"]["reason"].value() == REASON  # nothing typed is lost
    assert _corrections(recorded)[0] == WRONG_NUMBER
    done = admin.post(post_url, {"contract_reference": RIGHT, "reason": REASON})
    assert (done.status_code, done["Location"]) == (302, page_url)
    page = _client(applicant_admin).get(page_url).content.decode()
    assert f"<p>Contract registration number: {RIGHT}</p>" in page
    assert f"Contract registration number corrected: {WRONG_NUMBER} → {RIGHT}. Reason: {REASON}" in page


def test_the_api_corrects_it(client, recorded, platform_admin, applicant_admin):
    url = f"/api/v1/inquiries/{recorded.pk}/contract-reference/correction"
    client.force_login(applicant_admin)
    refused = client.post(url, {"contract_reference": RIGHT, "reason": REASON}, "application/json",
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert (refused.status_code, refused.json()) == (
        403,
        {"code": "inquiry_contract_reference_correction", "message": NOT_ALLOWED, "details": {}},
    )
    client.force_login(platform_admin)
    for body, fields in (
        ({"contract_reference": "36010020260001", "reason": REASON}, {"contract_reference": [CONTRACT_NUMBER_FORMAT]}),
        ({"contract_reference": WRONG_NUMBER, "reason": REASON}, {"contract_reference": [SAME]}),
        ({"contract_reference": RIGHT, "reason": " "}, {"reason": [NO_REASON]}),
    ):
        bad = client.post(url, body, "application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert (bad.status_code, bad.json()) == (
            422,
            {"code": "validation_error", "message": "Some fields are not valid.", "details": {"fields": fields}},
        )
    assert _corrections(recorded)[0] == WRONG_NUMBER
    done = client.post(url, {"contract_reference": RIGHT, "reason": REASON}, "application/json")
    assert (done.status_code, done.json()["contract_reference"]) == (200, RIGHT)
    rows = client.get(f"/api/v1/inquiries/{recorded.pk}/messages", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(r["kind"], r["params"]) for r in rows[-1:]] == [
        ("contract", {"contract_reference": RIGHT, "previous": WRONG_NUMBER, "reason": REASON})
    ]
