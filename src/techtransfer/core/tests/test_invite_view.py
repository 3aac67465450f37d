"""The invite form on an organisation's page: a refused address stays in the field, with the reason
under it, instead of an empty form and a message at the top."""

from __future__ import annotations

import pytest
from django.test import Client

from techtransfer.core.models import Invitation

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
