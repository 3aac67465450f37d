"""What events send through the notifications app: whoever must decide on an item is told, and whoever
put it forward learns the decision; each in their own language."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.matchmaking import events
from techtransfer.needs.tests.factories import published_need
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

EVENT = "稀土新材料线上对接会"


@pytest.fixture
def event(province_official, province_reviewer):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return events.create_event(
        actor=province_official, title=EVENT, theme="稀土永磁", starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
    )  # fmt: skip


@pytest.fixture
def needs(applicant_org, applicant_admin, applicant_member, county_reviewer):  # type: ignore[no-untyped-def]
    first = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="高温退磁")
    second = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="废料回收")
    Notification.objects.all().delete()  # the needs' own review notices
    User.objects.update(language="en")  # every user the tests use exists by now (applicant_member too)
    return first, second


def _sent(kind: str) -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "title", "url"))


def test_a_proposal_tells_the_organisers_and_their_decision_tells_the_proposer(
    event, needs, applicant_admin, applicant_member, province_official, province_reviewer
):
    url = f"/events/{event.pk}/"
    item = events.add_item(actor=applicant_member, event_id=event.pk, need_id=needs[0].pk)
    title = f"“高温退磁” is proposed for your event “{EVENT}”"
    assert _sent("events.item_to_decide") == [
        ("province_official", title, url),
        ("province_reviewer", title, url),
    ]
    events.decide_item(actor=province_reviewer, item_id=item.pk, accept=True)
    assert _sent("events.item_decided") == [
        ("applicant_member", f"“高温退磁” was accepted for the event “{EVENT}”", url)
    ]


def test_an_invitation_tells_the_owners_admins_and_their_decision_tells_the_organiser(
    event, needs, applicant_admin, applicant_member, province_official, province_reviewer
):
    url = f"/events/{event.pk}/"
    item = events.add_item(actor=province_official, event_id=event.pk, need_id=needs[1].pk)
    assert _sent("events.item_to_decide") == [("applicant_admin", f"“废料回收” is invited to the event “{EVENT}”", url)]
    with pytest.raises(DomainError):  # a plain member is not told, and may not decide
        events.decide_item(actor=applicant_member, item_id=item.pk, accept=False)
    assert _sent("events.item_decided") == []
    events.decide_item(actor=applicant_admin, item_id=item.pk, accept=False)
    assert _sent("events.item_decided") == [
        ("province_official", f"“废料回收” was declined for the event “{EVENT}”", url)
    ]


def test_refused_actions_notify_nobody(event, needs, applicant_admin, outsider, province_official):
    item = events.add_item(actor=applicant_admin, event_id=event.pk, need_id=needs[0].pk)
    Notification.objects.all().delete()
    with pytest.raises(DomainError):
        events.decide_item(actor=outsider, item_id=item.pk, accept=True)
    with pytest.raises(DomainError):
        events.add_item(actor=outsider, event_id=event.pk, need_id=needs[1].pk)
    assert Notification.objects.count() == 0
    # A decision tells the proposer only, not the organiser who made it.
    events.decide_item(actor=province_official, item_id=item.pk, accept=True)
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("applicant_admin", "events.item_decided")
    ]
