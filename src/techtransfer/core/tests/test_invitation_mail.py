"""The invitation e-mail is written in the invitee's language: the one chosen with an existing account,
else the platform's default (zh-hans), never the language of the admin who sent it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from techtransfer.core import services
from techtransfer.core.choices import Role
from techtransfer.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(actor, org, email: str, django_capture_on_commit_callbacks) -> str:  # type: ignore[no-untyped-def]
    # The admin reads the site in English: the view runs `invite_member` in the request's language.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _inv, raw = services.invite_member(actor=actor, organisation_id=org.pk, email=email, role=Role.MEMBER)
    return raw


def test_a_person_without_an_account_reads_the_platforms_default_language(
    applicant_org, applicant_admin, django_capture_on_commit_callbacks
):
    assert settings.LANGUAGE_CODE == "zh-hans"
    raw = _invite(applicant_admin, applicant_org, "friend@example.org", django_capture_on_commit_callbacks)
    days = settings.INVITATION_VALID_DAYS
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (
            ["friend@example.org"],
            "邀请您在 techtransfer 平台加入南昌县测试企业",
            f"applicant_admin 邀请您以“成员”身份加入南昌县测试企业。请在 {days} 天内打开以下链接："
            f"{settings.SITE_URL}/invitations/{raw}/",
        )
    ]


def test_a_person_with_an_account_reads_the_language_they_chose(
    applicant_org, applicant_admin, django_capture_on_commit_callbacks
):
    UserFactory(username="friend", email="Friend@example.org", language="en")
    raw = _invite(applicant_admin, applicant_org, "friend@example.org", django_capture_on_commit_callbacks)
    days = settings.INVITATION_VALID_DAYS
    assert [(m.subject, m.body) for m in mail.outbox] == [
        (
            "Invitation to join 南昌县测试企业 on techtransfer",
            f"applicant_admin invites you to join 南昌县测试企业 as Member. Open this link within {days} days: "
            f"{settings.SITE_URL}/invitations/{raw}/",
        )
    ]


def test_an_account_that_chose_no_language_reads_the_default(
    applicant_org, applicant_admin, django_capture_on_commit_callbacks
):
    UserFactory(username="friend", email="friend@example.org", language="")
    _invite(applicant_admin, applicant_org, "friend@example.org", django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == ["邀请您在 techtransfer 平台加入南昌县测试企业"]
