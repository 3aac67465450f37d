"""A review action pressed on a page that is out of date, and a comment that is too long.

Two reviewers of the city department (`city_reviewer`, "A", and `city_reviewer2`, "B") share the
records of the route city → province; the enterprise's admin submits (and so confirms).
"""

import pytest
from django.test import Client

from techtransfer.achievements import services
from techtransfer.achievements.choices import AchievementStatus as S
from techtransfer.achievements.models import Achievement, ReviewRoute
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import Role
from techtransfer.core.tests.factories import member, verify
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

COMMENT = "请补充第三方检测报告。"


@pytest.fixture
def city_reviewer2(gov_orgs):
    return member("city_reviewer2", gov_orgs["city"], Role.GOV_REVIEWER)


@pytest.fixture
def record(applicant_org, applicant_admin, gov_orgs):
    """Submitted by the admin, so held by the city."""
    verify(applicant_org)
    ReviewRoute.objects.create(region_id="360000", levels=["city", "province"])
    a = AchievementFactory(organisation=applicant_org, created_by=applicant_admin)
    return services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)


def _as(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _act(client, a, **data):
    """Press an action button; the messages the record's page then shows."""
    response = client.post(f"/achievements/{a.pk}/action/", data, follow=True)
    assert response.redirect_chain == [(f"/achievements/{a.pk}/", 302)]
    return [str(m) for m in response.context["messages"]]


def _seen(client, a):
    """The `seen` value of the action form on the record's page, as the browser would send it."""
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    start = page.index('name="seen" value="') + len('name="seen" value="')
    return page[start : page.index('"', start)]


def _unchanged(a, status, holder):
    """The record is as it was: its state, its holder, no comment, no new step in its history."""
    a_now = Achievement.objects.get(pk=a.pk)
    return (a_now.status, a_now.holder_region_id, a_now.review_comment) == (status, holder, "")


def test_returning_a_record_another_reviewer_passed_on_says_where_it_went_and_gives_the_comment_back(
    record, city_reviewer, city_reviewer2, province_reviewer
):
    services.start_review(actor=city_reviewer, achievement_id=record.pk)
    b = _as(city_reviewer2)
    seen = _seen(b, record)  # B opens the record, A passes it on meanwhile
    assert seen == "under_review:360100"
    services.approve_achievement(actor=city_reviewer, achievement_id=record.pk)
    events, notices = AuditEvent.objects.count(), Notification.objects.count()
    assert _act(b, record, action="return", comment=f"  {COMMENT}\r\n", seen=seen) == [
        "This record has meanwhile moved on: it is now with 江西省科学技术厅, so you can no longer act on it. "
        f"Your comment was not sent: {COMMENT}"
    ]
    assert _unchanged(record, S.SUBMITTED, "360000")
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, notices)
    # A page that did not say what it showed (or showed the step as it is): no more is known than the refusal.
    for data in ({}, {"seen": "submitted:360000"}):
        assert _act(b, record, action="return", comment=COMMENT, **data) == [
            f"You are not allowed to do this. Your comment was not sent: {COMMENT}"
        ]
    assert _unchanged(record, S.SUBMITTED, "360000")


def test_approving_a_record_another_reviewer_published_says_it_is_published(
    applicant_org, applicant_admin, province_reviewer, gov_orgs
):
    """The record left every reviewer: not "sent back to its applicant", but what it is now."""
    verify(applicant_org)
    a = services.submit_achievement(
        actor=applicant_admin,
        achievement_id=AchievementFactory(organisation=applicant_org, created_by=applicant_admin).pk,
    )  # the default route: the province alone
    other = member("province_reviewer2", gov_orgs["province"], Role.GOV_REVIEWER)
    services.start_review(actor=province_reviewer, achievement_id=a.pk)
    client = _as(other)
    seen = _seen(client, a)
    services.approve_achievement(actor=province_reviewer, achievement_id=a.pk)
    assert _act(client, a, action="approve", comment="", seen=seen) == [
        "This record is now “Published”: this action is no longer possible."
    ]


def test_a_refusal_for_the_records_state_says_what_it_is_now(record, city_reviewer):
    """Starting the review twice (two windows), with or without the step the page showed: it was the
    bare "This action is not possible in the record's current state." (`DomainError.refusal`)."""
    client = _as(city_reviewer)
    seen = _seen(client, record)
    services.start_review(actor=city_reviewer, achievement_id=record.pk)  # in the other window
    for data in ({"seen": seen}, {}):
        assert _act(client, record, action="start_review", **data) == [
            "This record is now “Under review”: this action is no longer possible."
        ]
    assert AuditEvent.objects.filter(action="achievement.start_review").count() == 1


def test_a_comment_over_2000_characters_is_refused_and_nothing_is_done(record, city_reviewer):
    client = _as(city_reviewer)
    page = client.get(f"/achievements/{record.pk}/").content.decode()
    assert '<textarea class="form-control mb-2" name="comment" id="id_comment" rows="2" maxlength="2000">' in page
    events = AuditEvent.objects.count()
    long = "改" * 2001
    assert _act(client, record, action="return", comment=long, seen=_seen(client, record)) == [
        "A comment may hold at most 2000 characters (this one has 2001); nothing was done. "
        f"Your comment was not sent: {long}"
    ]
    assert _unchanged(record, S.SUBMITTED, "360100")
    assert AuditEvent.objects.count() == events
    # Exactly 2,000 is taken; a line break counts once, as the box counted it (the browser sends CR LF).
    exact = "改" * 999 + "\r\n" + "改" * 1000
    assert _act(client, record, action="return", comment=exact) == ["Done: the record is now “Returned for changes”."]
    a = Achievement.objects.get(pk=record.pk)
    assert (a.status, a.review_comment) == (S.RETURNED, "改" * 999 + "\n" + "改" * 1000)
    assert len(a.review_comment) == 2000


def test_the_approve_button_says_whether_it_passes_the_record_on(record, city_reviewer, province_reviewer):
    assert _act(_as(city_reviewer), record, action="start_review") == [
        "Done: the record is now with 南昌市科学技术局 (Under review)."
    ]
    city = _as(city_reviewer).get(f"/achievements/{record.pk}/").content.decode()
    assert 'value="approve">Approve and pass to the next level</button>' in city
    services.approve_achievement(actor=city_reviewer, achievement_id=record.pk)
    services.start_review(actor=province_reviewer, achievement_id=record.pk)
    province = _as(province_reviewer).get(f"/achievements/{record.pk}/").content.decode()
    assert 'value="approve">Approve</button>' in province  # the last level publishes


def test_the_comment_box_says_required_only_to_who_may_return(record, city_reviewer, applicant_admin):
    required = 'for="id_comment">Comment (required when returning or rejecting)</label>'
    optional = 'for="id_comment">Comment (optional)</label>'
    reviewer_page = _as(city_reviewer).get(f"/achievements/{record.pk}/").content.decode()
    assert required in reviewer_page and optional not in reviewer_page
    services.return_achievement(actor=city_reviewer, achievement_id=record.pk, comment=COMMENT)
    applicant_page = _as(applicant_admin).get(f"/achievements/{record.pk}/").content.decode()
    assert optional in applicant_page and required not in applicant_page
    assert f'<span id="review-comment">{COMMENT}</span>' in applicant_page


def test_a_resubmitted_record_no_longer_shows_the_answered_comment(record, city_reviewer, applicant_admin):
    services.return_achievement(actor=city_reviewer, achievement_id=record.pk, comment=COMMENT)
    services.submit_achievement(actor=applicant_admin, achievement_id=record.pk)
    a = Achievement.objects.get(pk=record.pk)
    assert (a.status, a.review_comment) == (S.SUBMITTED, "")
    page = _as(city_reviewer).get(f"/achievements/{record.pk}/").content.decode()
    assert 'id="review-comment"' not in page
    assert COMMENT in page  # the timeline keeps it
