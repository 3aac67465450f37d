"""The members table offers an admin only what the services allow: the only active admin of an
organisation is not offered a role change or removal (refused with "An organisation must keep at
least one admin."), and says why instead."""

from __future__ import annotations

import pytest
from django.test import Client

from techtransfer.core import services
from techtransfer.core.choices import Role
from techtransfer.core.models import Membership

pytestmark = pytest.mark.django_db

NOTE = (
    '<span class="small text-muted" id="last-admin-note">'
    "The only admin: appoint another admin before changing or removing this one.</span>"
)


def _page(user, org) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c.get(f"/organisations/{org.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_only_admin_is_not_offered_to_change_or_remove_itself(applicant_org, applicant_admin, applicant_member):
    admin = Membership.objects.get(user=applicant_admin)
    member = Membership.objects.get(user=applicant_member)
    page = _page(applicant_admin, applicant_org)
    assert page.count(NOTE) == 1
    assert f"/organisations/{applicant_org.pk}/members/{admin.pk}/" not in page
    assert f"/organisations/{applicant_org.pk}/members/{member.pk}/role/" in page
    assert f"/organisations/{applicant_org.pk}/members/{member.pk}/remove/" in page


def test_with_a_second_admin_both_are_offered_again(applicant_org, applicant_admin, applicant_member):
    member = Membership.objects.get(user=applicant_member)
    services.change_member_role(actor=applicant_admin, membership_id=member.pk, role=Role.ORG_ADMIN)
    admin = Membership.objects.get(user=applicant_admin)
    page = _page(applicant_admin, applicant_org)
    assert 'id="last-admin-note"' not in page
    assert f"/organisations/{applicant_org.pk}/members/{admin.pk}/remove/" in page
    assert f"/organisations/{applicant_org.pk}/members/{member.pk}/remove/" in page


def test_a_removed_admin_does_not_count(applicant_org, applicant_admin, applicant_member):
    member = Membership.objects.get(user=applicant_member)
    services.change_member_role(actor=applicant_admin, membership_id=member.pk, role=Role.ORG_ADMIN)
    services.deactivate_member(actor=applicant_member, membership_id=Membership.objects.get(user=applicant_admin).pk)
    page = _page(applicant_member, applicant_org)
    assert page.count(NOTE) == 1
    assert f"/organisations/{applicant_org.pk}/members/{member.pk}/" not in page
