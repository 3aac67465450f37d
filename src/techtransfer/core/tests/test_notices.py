"""What verification and invitations send: the organisation's admins learn a verification decision, the
person who invited someone learns that the invitation was accepted. Refusals send nothing."""

from __future__ import annotations

import pytest

from techtransfer.core import services
from techtransfer.core.choices import Role
from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.core.tests.factories import PASSWORD
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _english() -> None:
    """Titles are written in each recipient's language: everyone here reads English."""
    User.objects.update(language="en")


def _sent(kind: str) -> list[tuple[str, str, str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "title", "body", "url"))


def test_verification_tells_the_organisations_admins(applicant_org, applicant_admin, applicant_member, county_reviewer):
    _english()
    services.verify_organisation(actor=county_reviewer, organisation_id=applicant_org.pk, comment="材料齐全")
    assert _sent("core.organisation_status") == [
        ("applicant_admin", "南昌县测试企业 is verified", "材料齐全", f"/organisations/{applicant_org.pk}/")
    ]


def test_suspension_and_reinstatement_tell_the_admins_with_the_reason(applicant_org, applicant_admin, city_reviewer):
    _english()
    services.suspend_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, reason="资质过期")
    services.reinstate_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, comment="已更新")
    url = f"/organisations/{applicant_org.pk}/"
    assert _sent("core.organisation_status") == [
        ("applicant_admin", "南昌县测试企业 is suspended", "资质过期", url),
        ("applicant_admin", "南昌县测试企业 is verified again: the suspension is lifted", "已更新", url),
    ]


def test_a_refused_review_notifies_nobody(applicant_org, applicant_admin, ganzhou_reviewer, city_reviewer):
    with pytest.raises(DomainError):
        services.verify_organisation(actor=ganzhou_reviewer, organisation_id=applicant_org.pk)
    with pytest.raises(DomainError):
        services.suspend_organisation(actor=city_reviewer, organisation_id=applicant_org.pk, reason=" ")
    assert Notification.objects.count() == 0


def test_an_accepted_invitation_tells_the_inviter(applicant_org, applicant_admin, outsider):
    _english()
    _inv, raw = services.invite_member(
        actor=applicant_admin, organisation_id=applicant_org.pk, email="friend@example.org", role=Role.MEMBER
    )
    assert Notification.objects.count() == 0
    services.register_user_and_accept(raw_token=raw, username="friend", password=PASSWORD, display_name="王小明")
    assert _sent("core.invitation_accepted") == [
        (
            "applicant_admin",
            "王小明 accepted your invitation to join 南昌县测试企业",
            "",
            f"/organisations/{applicant_org.pk}/",
        )
    ]
    # A refused acceptance (the link is used) tells nobody again.
    with pytest.raises(DomainError):
        services.accept_invitation(raw_token=raw, user=outsider)
    assert Notification.objects.filter(kind="core.invitation_accepted").count() == 1
