"""The invite form on an organisation's page: a refused address stays in the field, with the reason
under it, instead of an empty form and a message at the top. Accepting an invitation with a new
account shows the password validators' messages at the password field."""

from __future__ import annotations

import pytest
from django.test import Client

from techtransfer.core.forms import AcceptWithAccountForm
from techtransfer.core.models import Invitation, Membership, User
from techtransfer.core.tests.factories import PASSWORD, accept_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(applicant_admin):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(applicant_admin)
    return c


def test_an_invalid_address_keeps_what_was_typed(admin_client, applicant_org):
    response = admin_client.post(
        f"/organisations/{applicant_org.pk}/invite/", {"email": "wang.at.example", "role": "org_admin"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["invite_form"]
    assert form.errors == {"email": ["Enter a valid email address."]}
    body = response.content.decode()
    assert 'value="wang.at.example"' in body
    assert '<option value="org_admin" selected>' in body
    assert Invitation.objects.count() == 0


def test_a_refused_address_keeps_what_was_typed_with_the_reason_under_it(admin_client, applicant_org, applicant_member):
    response = admin_client.post(
        f"/organisations/{applicant_org.pk}/invite/", {"email": applicant_member.email, "role": "member"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["invite_form"].errors == {"email": ["This person is already a member."]}
    assert f'value="{applicant_member.email}"' in response.content.decode()
    assert Invitation.objects.count() == 0


def test_a_valid_invitation_still_redirects(admin_client, applicant_org):
    response = admin_client.post(
        f"/organisations/{applicant_org.pk}/invite/", {"email": "friend@example.org", "role": "member"}
    )
    assert (response.status_code, response["Location"]) == (302, f"/organisations/{applicant_org.pk}/")
    assert list(Invitation.objects.values_list("email", flat=True)) == ["friend@example.org"]


def test_only_admins_may_post_the_form(applicant_org, applicant_member):
    c = Client()
    c.force_login(applicant_member)
    response = c.post(f"/organisations/{applicant_org.pk}/invite/", {"email": "x@example.org", "role": "member"})
    assert response.status_code == 404
    assert Invitation.objects.count() == 0


def test_accepting_with_a_weak_password_says_why_at_the_password_field(applicant_org, applicant_admin):
    response = accept_invitation(applicant_org, applicant_admin, "123")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password1": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    body = response.content.decode()
    assert "This password is too short. It must contain at least 10 characters." in body
    assert 'value="friend"' in body
    assert not User.objects.filter(username="friend").exists()
    assert Membership.objects.filter(organisation=applicant_org).count() == 1


def test_a_password_like_the_invited_address_is_refused_at_the_field(applicant_org, applicant_admin):
    response = accept_invitation(
        applicant_org, applicant_admin, "wangxiaoming2026", email="wangxiaoming2026@example.org"
    )
    assert response.context["form"].errors == {"password1": ["The password is too similar to the email address."]}
    assert not User.objects.filter(username="friend").exists()


def test_a_refusal_from_the_service_lands_at_the_password_field(applicant_org, applicant_admin, monkeypatch):
    # As if the form let it through: the service's own check names the form's field.
    monkeypatch.setattr(AcceptWithAccountForm, "clean", lambda self: self.cleaned_data)
    response = accept_invitation(applicant_org, applicant_admin, "123")
    assert response.context["form"].errors["password1"][0] == (
        "This password is too short. It must contain at least 10 characters."
    )
    assert not User.objects.filter(username="friend").exists()


def test_accepting_with_a_good_password_joins(applicant_org, applicant_admin):
    response = accept_invitation(applicant_org, applicant_admin, PASSWORD)
    assert (response.status_code, response["Location"]) == (302, f"/organisations/{applicant_org.pk}/")
    assert Membership.objects.get(user__username="friend").organisation == applicant_org
