"""Who sees Accept / Decline on an event's programme, and how the event page refuses actions that only
its organisers (or an item's owner) may take: back to the page with a message, never a bare 400."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.matchmaking import events
from techtransfer.matchmaking.choices import ItemStatus
from techtransfer.matchmaking.models import EventItem, Result, Session
from techtransfer.needs.tests.factories import published_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(province_official):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return events.create_event(
        actor=province_official, title="稀土新材料线上对接会", theme="稀土永磁", starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
    )  # fmt: skip


@pytest.fixture
def items(event, province_official, applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    """One item invited by the organiser, one proposed by the owning enterprise."""
    first = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    second = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="第二个需求")
    invited = events.add_item(actor=province_official, event_id=event.pk, need_id=first.pk)
    proposed = events.add_item(actor=applicant_admin, event_id=event.pk, need_id=second.pk)
    return invited, proposed


def _page(user, event):  # type: ignore[no-untyped-def]
    c = Client()
    if user is not None:
        c.force_login(user)
    return c.get(reverse("events:detail", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en")


def _buttons(body: str) -> int:
    return body.count('name="item" value=')


def test_accept_and_decline_show_only_to_who_may_decide(
    event, items, province_official, applicant_admin, applicant_member, outsider, county_reviewer
):
    invited, proposed = items
    expected = {
        "province_official": {proposed.pk},  # the organiser decides the proposal
        "applicant_admin": {invited.pk},  # the owning organisation's admins decide the invitation
        "applicant_member": set(),  # a plain member is not told of the invitation and may not decide it
        "outsider": set(),
        "county_reviewer": set(),  # an official of another department
    }
    people = [province_official, applicant_admin, applicant_member, outsider, county_reviewer]
    for user in people:
        page = _page(user, event)
        assert page.status_code == 200
        assert page.context["decidable"] == expected[user.username], user.username
        assert sorted(i.pk for i in page.context["pending"]) == sorted([invited.pk, proposed.pk])
        body = page.content.decode()
        assert _buttons(body) == 2 * len(expected[user.username])  # an Accept and a Decline form each
        for pk in expected[user.username]:
            assert f'name="item" value="{pk}"' in body
    anonymous = _page(None, event)
    assert anonymous.context["pending"] == [] and _buttons(anonymous.content.decode()) == 0


def test_a_result_posted_to_another_departments_event_returns_with_a_message(event, county_reviewer):
    c = Client()
    c.force_login(county_reviewer)
    url = reverse("events:post", args=[event.pk, "result"])
    data = {"kind": "intention", "parties": "甲—乙", "amount": "12.50", "note": ""}
    response = c.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only the department organising this event can record its results."
    ]
    # An incomplete form is refused the same way: its errors would sit in a form this person is not shown.
    response = c.post(url, {"kind": "intention"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert Result.objects.count() == 0
    assert not AuditEvent.objects.filter(action="event.record_result").exists()


def _schedule(event, user, link: str, **kwargs):  # type: ignore[no-untyped-def]
    """`user` posts the event page's session form (路演一, 2026-12-10 09:00, `link`), in English."""
    c = Client()
    c.force_login(user)
    form = {"title": "路演一", "starts_at": "2026-12-10T09:00", "link": link}
    return c.post(reverse("events:post", args=[event.pk, "session"]), form, HTTP_ACCEPT_LANGUAGE="en", **kwargs)


def test_a_session_scheduled_by_someone_else_returns_with_a_message(event, outsider):
    response = _schedule(event, outsider, "", follow=True)
    assert response.redirect_chain == [(reverse("events:detail", args=[event.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Only the department organising this event can schedule its sessions."
    ]
    assert "Only the department organising this event can schedule its sessions." in response.content.decode()
    assert Session.objects.count() == 0


def test_services_refuse_with_the_events_codes(event, items, outsider, province_official, applicant_admin):
    _invited, proposed = items
    with pytest.raises(DomainError) as exc:
        events.record_result(actor=outsider, event_id=event.pk, kind="intention", parties="x", amount=Decimal("1"))
    assert (exc.value.code, exc.value.http_status) == ("event_result_organisers_only", 403)
    with pytest.raises(DomainError) as exc:
        events.add_session(actor=outsider, event_id=event.pk, title="t", starts_at=timezone.now())
    assert (exc.value.code, exc.value.http_status) == ("event_session_organisers_only", 403)
    with pytest.raises(DomainError) as exc:
        events.decide_item(actor=applicant_admin, item_id=proposed.pk, accept=True)  # the organiser decides it
    assert (exc.value.code, exc.value.http_status) == ("event_item_not_decider", 403)
    events.decide_item(actor=province_official, item_id=proposed.pk, accept=True)
    with pytest.raises(DomainError) as exc:
        events.decide_item(actor=province_official, item_id=proposed.pk, accept=False)
    assert (exc.value.code, exc.value.http_status) == ("event_item_decided", 409)
    assert EventItem.objects.get(pk=proposed.pk).status == ItemStatus.ACCEPTED


def test_a_refused_decision_returns_with_a_message(event, items, outsider, province_official):
    _invited, proposed = items
    c = Client()
    c.force_login(outsider)
    response = c.post(
        reverse("events:post", args=[event.pk, "accept"]), {"item": proposed.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You may not decide on this item: the event's organisers decide on proposals, the owning organisation's "
        "admins on invitations."
    ]
    assert EventItem.objects.get(pk=proposed.pk).status == ItemStatus.PROPOSED


def test_an_item_of_another_event_is_not_found_on_this_ones_page(event, items, province_official):
    _invited, proposed = items
    today = timezone.localdate()
    other = events.create_event(actor=province_official, title="另一场", theme="t", starts_on=today, ends_on=today)
    c = Client()
    c.force_login(province_official)
    assert c.post(reverse("events:post", args=[other.pk, "accept"]), {"item": proposed.pk}).status_code == 404
    assert EventItem.objects.get(pk=proposed.pk).status == ItemStatus.PROPOSED


def test_an_invitation_is_decided_by_the_owning_organisations_admins_only(
    event, items, applicant_admin, applicant_member
):
    """The admins are the ones told of an invitation (`event_notices.item_added`); the decision is theirs."""
    invited, _proposed = items
    with pytest.raises(DomainError) as exc:
        events.decide_item(actor=applicant_member, item_id=invited.pk, accept=True)
    assert (exc.value.code, exc.value.http_status) == ("event_item_not_decider", 403)
    assert EventItem.objects.get(pk=invited.pk).status == ItemStatus.INVITED
    assert not AuditEvent.objects.filter(action="event.decide_item").exists()
    c = Client()
    c.force_login(applicant_member)
    response = c.post(reverse("events:post", args=[event.pk, "accept"]), {"item": invited.pk})
    assert response.status_code == 302
    assert EventItem.objects.get(pk=invited.pk).status == ItemStatus.INVITED
    events.decide_item(actor=applicant_admin, item_id=invited.pk, accept=False)
    assert EventItem.objects.get(pk=invited.pk).status == ItemStatus.DECLINED


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/a", "会议室"])
def test_a_session_link_must_be_a_web_address(event, province_official, link):
    response = _schedule(event, province_official, link)
    assert response.status_code == 400
    assert response.context["session_form"].errors == {
        "link": ["Enter a web address starting with http:// or https://."]
    }
    with pytest.raises(DomainError) as exc:  # the service refuses it too (the API, a script)
        events.add_session(actor=province_official, event_id=event.pk, title="t", starts_at=timezone.now(), link=link)
    assert (exc.value.code, exc.value.details) == ("event_session_link", {"field": "link"})
    assert Session.objects.count() == 0


def test_a_session_with_a_web_link_is_scheduled(event, province_official):
    response = _schedule(event, province_official, "https://meeting.tencent.com/dm/abc")
    assert response.status_code == 302
    assert list(Session.objects.values_list("title", "link")) == [("路演一", "https://meeting.tencent.com/dm/abc")]
