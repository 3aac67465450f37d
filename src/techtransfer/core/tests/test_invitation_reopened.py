"""An invitation link opened again after it was used, withdrawn or expired says so, with a log-in link
(410 Gone: it worked once and never will again); an unknown link stays a 404 with its message."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from techtransfer.core import services
from techtransfer.core.models import Invitation, Membership
from techtransfer.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = '<a class="btn btn-primary" id="invitation-login" href="/login/">Log in</a>'


@pytest.fixture
def invitation(applicant_org, applicant_admin):  # type: ignore[no-untyped-def]
    return services.invite_member(
        actor=applicant_admin, organisation_id=applicant_org.pk, email="friend@example.org", role="member"
    )


def _state(body: str) -> str:
    start = body.index('<p id="invitation-state">') + len('<p id="invitation-state">')
    return body[start : body.index("</p>", start)]


def test_a_used_invitation_says_it_was_used_and_offers_to_log_in(invitation, applicant_org):
    _inv, raw = invitation
    c = Client()
    joined = c.post(f"/invitations/{raw}/", {"username": "friend", "password1": PASSWORD, "password2": PASSWORD})
    assert joined.status_code == 302
    c.logout()
    response = c.get(f"/invitations/{raw}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    body = response.content.decode()
    assert _state(body) == (
        "This invitation has already been used: it works only once. If you accepted it, log in to reach your "
        "organisation."
    )
    assert LOGIN in body
    # Posting to it again changes nothing.
    assert c.post(f"/invitations/{raw}/", {"username": "other", "password1": PASSWORD}).status_code == 410
    assert Membership.objects.filter(organisation=applicant_org).count() == 2  # the admin and friend


def test_a_logged_in_person_is_not_offered_to_log_in(invitation, applicant_admin):
    inv, raw = invitation
    Invitation.objects.filter(pk=inv.pk).update(accepted_at=timezone.now())
    c = Client()
    c.force_login(applicant_admin)
    response = c.get(f"/invitations/{raw}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert 'id="invitation-login"' not in response.content.decode()


def test_a_withdrawn_invitation_says_it_is_no_longer_valid(invitation, applicant_admin):
    inv, raw = invitation
    services.revoke_invitation(actor=applicant_admin, invitation_id=inv.pk)
    response = Client().get(f"/invitations/{raw}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert _state(response.content.decode()) == (
        "This invitation is no longer valid: it was withdrawn or replaced by a newer one. Ask the organisation's "
        "administrator to invite you again."
    )


def test_an_expired_invitation_says_it_is_no_longer_valid(invitation):
    inv, raw = invitation
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().get(f"/invitations/{raw}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    body = response.content.decode()
    assert _state(body) == (
        "This invitation is no longer valid: it has expired. Ask the organisation's administrator to invite you again."
    )
    assert LOGIN in body


def test_an_unknown_link_is_not_found_with_a_message(db):  # type: ignore[no-untyped-def]
    response = Client().get("/invitations/not-a-token/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    body = response.content.decode()
    assert _state(body) == "This invitation has expired, was used or does not exist."
    assert LOGIN in body
