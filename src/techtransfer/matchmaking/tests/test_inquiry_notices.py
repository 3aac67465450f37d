"""Who an inquiry tells: a new inquiry the recipient organisation's admins and whoever created the
record it is about; a message the other side's participants (the inquirer; on the recipient side those
who have written, else its admins and the record's creator) and the broker. Never the rest of either
organisation, never someone who cannot open the thread; each in their own language."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.models import Inquiry
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

SUBJECT = "永磁材料许可"


@dataclass
class University:
    org: Organisation
    admin: User  # the technology-transfer office
    researcher: User  # registered the achievement
    colleague: User  # another researcher, not concerned


@pytest.fixture
def university(other_org, outsider) -> University:  # type: ignore[no-untyped-def]
    researcher = UserFactory(username="researcher")
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=researcher, organisation=other_org, role=Role.MEMBER)
    MembershipFactory(user=colleague, organisation=other_org, role=Role.MEMBER)
    return University(org=other_org, admin=outsider, researcher=researcher, colleague=colleague)


@pytest.fixture
def achievement(university):  # type: ignore[no-untyped-def]
    return AchievementFactory(
        organisation=university.org, created_by=university.researcher, status=AchievementStatus.PUBLISHED
    )


@pytest.fixture
def broker(db) -> User:  # type: ignore[no-untyped-def]
    agency = OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心")
    user = UserFactory(username="broker")
    MembershipFactory(user=user, organisation=agency, role=Role.BROKER)
    return user


def _english() -> None:
    User.objects.update(language="en")


def _start(actor: User, org: Organisation, achievement_id: int | None = None, recipient_id: int | None = None):  # type: ignore[no-untyped-def]
    inquiry = services.start_inquiry(
        actor=actor, organisation_id=org.pk, subject=SUBJECT, message="希望了解许可条件",
        achievement_id=achievement_id, recipient_id=recipient_id,
    )  # fmt: skip
    return inquiry


def _told() -> list[tuple[str, str, str]]:
    """(username, title, url) of every inquiry notice, then forgotten: each step reads only its own."""
    rows = sorted(Notification.objects.filter(kind="matchmaking.inquiry").values_list("user__username", "title", "url"))
    Notification.objects.all().delete()
    return rows


def test_a_new_inquiry_tells_the_admins_and_the_researcher_who_registered_the_achievement(
    university, achievement, applicant_org, applicant_admin, applicant_member
):
    _english()
    inquiry = _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    url = f"/matchmaking/{inquiry.pk}/"
    assert _told() == [
        ("outsider", f"New inquiry: {SUBJECT}", url),
        ("researcher", f"New inquiry: {SUBJECT}", url),
    ]  # not "colleague", nor "applicant_admin" of the inquirer's own side


def test_a_researcher_who_left_is_not_told(university, achievement, applicant_org, applicant_member):
    Membership.objects.filter(user=university.researcher).update(is_active=False)
    _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    assert [u for u, _t, _l in _told()] == ["outsider"]


def test_replies_tell_the_other_sides_participants_only(
    university, achievement, applicant_org, applicant_admin, applicant_member
):
    _english()
    inquiry = _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    url = f"/matchmaking/{inquiry.pk}/"
    _told()
    message = f"New message about {SUBJECT}"
    # Nobody of the university has written yet: the inquirer's follow-up goes to the first contacts again.
    services.post_message(actor=applicant_member, inquiry_id=inquiry.pk, body="补充一点")
    assert _told() == [("outsider", message, url), ("researcher", message, url)]
    # The researcher answers: the inquirer is told, not the inquirer's admin.
    services.post_message(actor=university.researcher, inquiry_id=inquiry.pk, body="可以许可")
    assert _told() == [("applicant_member", message, url)]
    # From now on the university's side is whoever has written in the thread: the researcher.
    services.post_message(actor=applicant_member, inquiry_id=inquiry.pk, body="价格如何")
    assert _told() == [("researcher", message, url)]
    # An admin of the inquiring side joins in: both sides' participants are then what they have become.
    services.post_message(actor=applicant_admin, inquiry_id=inquiry.pk, body="我们的法务也在")
    assert _told() == [("researcher", message, url)]
    services.post_message(actor=university.admin, inquiry_id=inquiry.pk, body="转移办公室跟进")
    assert _told() == [("applicant_admin", message, url), ("applicant_member", message, url)]
    services.post_message(actor=applicant_member, inquiry_id=inquiry.pk, body="好的")
    assert _told() == [("outsider", message, url), ("researcher", message, url)]
    assert "colleague" not in Notification.objects.values_list("user__username", flat=True)


def test_a_participant_who_left_is_not_told(university, achievement, applicant_org, applicant_admin, applicant_member):
    inquiry = _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    services.post_message(actor=university.researcher, inquiry_id=inquiry.pk, body="可以许可")
    _told()
    Membership.objects.filter(user=applicant_member).update(is_active=False)  # the inquirer left the enterprise
    services.post_message(actor=university.researcher, inquiry_id=inquiry.pk, body="还在吗")
    # Nobody of the enterprise takes part any more: its admin is told instead.
    assert [u for u, _t, _l in _told()] == ["applicant_admin"]


def test_the_broker_is_told_and_tells_both_sides(
    university, achievement, applicant_org, applicant_admin, applicant_member, broker
):
    _english()
    inquiry = _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username="broker")
    _told()
    services.post_message(actor=applicant_member, inquiry_id=inquiry.pk, body="补充一点")
    assert [u for u, _t, _l in _told()] == ["broker", "outsider", "researcher"]
    services.post_message(actor=broker, inquiry_id=inquiry.pk, body="我来协调")
    assert [u for u, _t, _l in _told()] == ["applicant_member", "outsider", "researcher"]


def test_status_changes_and_meetings_follow_the_same_rule(university, achievement, applicant_org, applicant_member):
    _english()
    inquiry = _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    _told()
    services.change_status(actor=university.researcher, inquiry_id=inquiry.pk, status=S.NEGOTIATING)
    assert [(u, t) for u, t, _l in _told()] == [("applicant_member", f"{SUBJECT}: Negotiating")]


def test_each_is_told_in_their_own_language(university, achievement, applicant_org, applicant_member):
    User.objects.filter(pk=university.admin.pk).update(language="en")
    User.objects.filter(pk=university.researcher.pk).update(language="zh-hans")
    _start(applicant_member, applicant_org, achievement_id=achievement.pk)
    assert [(u, t) for u, t, _l in _told()] == [
        ("outsider", f"New inquiry: {SUBJECT}"),
        ("researcher", f"新的对接意向：{SUBJECT}"),
    ]


def test_an_organisation_without_admins_is_told_through_its_members(applicant_org, applicant_member):
    """A general inquiry (no record) to an organisation with no active admin goes to its members, so it
    is not lost."""
    lab = OrganisationFactory(type=OrganisationType.RESEARCH_INSTITUTE, name="无管理员研究所")
    for name in ("lab_a", "lab_b"):
        MembershipFactory(user=UserFactory(username=name), organisation=lab, role=Role.MEMBER)
    inquiry = _start(applicant_member, applicant_org, recipient_id=lab.pk)
    assert [u for u, _t, _l in _told()] == ["lab_a", "lab_b"]
    assert Inquiry.objects.get().pk == inquiry.pk
