"""Online matchmaking events: created by officials, programme by invitation or proposal, registration,
sessions, results and the outcome shown on the event page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.matchmaking import events
from techtransfer.matchmaking.choices import ItemStatus
from techtransfer.needs import services as need_services
from techtransfer.needs.tests.factories import need_data, published_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(province_official):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return events.create_event(
        actor=province_official, title="稀土新材料线上对接会", theme="稀土永磁", starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
    )  # fmt: skip


def test_only_government_creates_events(applicant_admin, province_official):
    with pytest.raises(DomainError) as exc:
        events.create_event(actor=applicant_admin, title="t", theme="t", starts_on=timezone.localdate(),
                            ends_on=timezone.localdate())  # fmt: skip
    assert exc.value.code == "permission_denied"
    with pytest.raises(DomainError) as exc:
        events.create_event(actor=province_official, title="t", theme="t", starts_on=timezone.localdate(),
                            ends_on=timezone.localdate() - datetime.timedelta(days=1))  # fmt: skip
    assert exc.value.code == "event_dates"


def test_programme_registration_sessions_results(
    client, event, province_official, applicant_org, applicant_admin, county_reviewer, outsider
):
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    second = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="第二个需求")
    draft = need_services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    invited = events.add_item(actor=province_official, event_id=event.pk, need_id=need.pk)
    assert invited.status == ItemStatus.INVITED
    with pytest.raises(DomainError):
        events.decide_item(actor=outsider, item_id=invited.pk, accept=True)
    events.decide_item(actor=applicant_admin, item_id=invited.pk, accept=True)
    proposed = events.add_item(actor=applicant_admin, event_id=event.pk, need_id=second.pk)
    assert proposed.status == ItemStatus.PROPOSED
    events.decide_item(actor=province_official, item_id=proposed.pk, accept=False)
    with pytest.raises(DomainError) as exc:
        events.add_item(actor=applicant_admin, event_id=event.pk, need_id=draft.pk)
    assert exc.value.code == "event_item_not_published"
    with pytest.raises(DomainError) as exc:
        events.add_item(actor=province_official, event_id=event.pk, need_id=need.pk)
    assert exc.value.code == "event_item_duplicate"
    events.register(actor=outsider, event_id=event.pk)
    events.register(actor=outsider, event_id=event.pk)
    events.add_session(actor=province_official, event_id=event.pk, title="路演一",
                       starts_at=timezone.now() + datetime.timedelta(hours=3), link="https://meeting.example/1")  # fmt: skip
    with pytest.raises(DomainError):
        events.record_result(actor=outsider, event_id=event.pk, kind="intention", parties="x", amount=Decimal("1"))
    events.record_result(
        actor=province_official, event_id=event.pk, kind="intention", parties="甲—乙", amount=Decimal("120.50")
    )
    events.record_result(
        actor=province_official, event_id=event.pk, kind="contract", parties="丙—丁", amount=Decimal("80")
    )
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert page.status_code == 200
    assert page.context["total_amount"] == Decimal("200.50")
    assert [i.need_id for i in page.context["accepted"]] == [need.pk]
    body = page.content.decode()
    assert "稀土永磁体高温退磁问题" in body and "第二个需求" not in body
    assert "https://meeting.example/1" not in body  # links only for registered participants
    client.force_login(outsider)
    assert "https://meeting.example/1" in client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert AuditEvent.objects.filter(object_type="matchmaking.event", action="event.register").count() == 1
    assert client.get(reverse("events:list")).status_code == 200


def test_event_pages_validate(client, province_official):
    client.force_login(province_official)
    bad = client.post(
        reverse("events:create"), {"title": "会", "theme": "题", "starts_on": "2026-12-10", "ends_on": "2026-12-01"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["ends_on"]
    ok = client.post(
        reverse("events:create"), {"title": "会", "theme": "题", "starts_on": "2026-12-10", "ends_on": "2026-12-11"}
    )
    assert ok.status_code == 302


def test_events_api(client, event, province_official, outsider):
    events.record_result(
        actor=province_official, event_id=event.pk, kind="contract", parties="甲—乙", amount=Decimal("9.90")
    )
    assert client.get("/api/v1/events").json()["count"] == 1
    assert client.get(f"/api/v1/events/{event.pk}/results").json() == [
        {"kind": "contract", "parties": "甲—乙", "amount": "9.90"}
    ]
    assert client.post(f"/api/v1/events/{event.pk}/register").status_code == 401
    client.force_login(outsider)
    assert client.post(f"/api/v1/events/{event.pk}/register").status_code == 204
    assert event.registrations.count() == 1


def test_an_internal_achievement_cannot_be_on_a_public_programme(client, event, province_official, applicant_org):
    """A QA pass put an internal achievement on an event; its title showed to anonymous visitors."""
    from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
    from techtransfer.achievements.tests.factories import AchievementFactory

    internal = AchievementFactory(
        organisation=applicant_org, status=AchievementStatus.PUBLISHED, secrecy=SecrecyLevel.INTERNAL,
        registration_number="360202610099", published_at=timezone.now(),
    )  # fmt: skip
    public = AchievementFactory(
        organisation=applicant_org, status=AchievementStatus.PUBLISHED, registration_number="360202610100",
        published_at=timezone.now(),
    )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        events.add_item(actor=province_official, event_id=event.pk, achievement_id=internal.pk)
    assert exc.value.code == "event_item_not_public"
    # The page's form takes the registration number the achievement's page shows (it took the id).
    client.force_login(province_official)
    url = reverse("events:post", args=[event.pk, "item"])
    client.post(url, {"achievement": "360202610100"})
    assert list(event.items.values_list("achievement_id", flat=True)) == [public.pk]
    page = client.post(url, {"achievement": "360202619999"}).content.decode()
    assert "没有使用该登记号的已登记成果。" in page


def test_deciding_an_item_that_is_not_a_number_is_not_found(client, event, province_official):
    client.force_login(province_official)
    assert client.post(reverse("events:post", args=[event.pk, "accept"]), {"item": "abc"}).status_code == 404


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("３６０２０２６１０１００", "found"),
        ("3602 0261 0100", "found"),
        ("36020261010A", "A registration number has digits only (0–9), no letters or signs."),
        ("3602-0261-0100", "A registration number has 12 digits; this one has 14 characters."),
        ("3602 0261 01", "A registration number has 12 digits; this one has 10 characters."),
        ("36020261010", "A registration number has 12 digits; this one has 11 characters."),  # one digit short
        ("12345678", "A registration number has 12 digits; this one has 8 characters."),
        ("1234567", "id"),  # fewer than 8 digits: an id, as the form always read it
        ("１７", "id"),
    ],
)
def test_the_item_form_reads_a_registration_number_as_typed(applicant_org, typed, expected):
    """The same reading as the achievements app (`registration_numbers`): full-width digits and
    spaces are the number; a short digit string is an id; anything else is told what a number looks
    like, an 11-digit number too (it was taken as an id)."""
    from django.utils import translation

    from techtransfer.achievements import registration_numbers
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory
    from techtransfer.matchmaking.event_forms import ItemForm

    public = AchievementFactory(
        organisation=applicant_org, status=AchievementStatus.PUBLISHED, registration_number="360202610100",
        published_at=timezone.now(),
    )  # fmt: skip
    form = ItemForm({"achievement": typed})
    if expected == "found":
        assert form.is_valid(), form.errors
        assert form.cleaned_data["achievement"] == public.pk
    elif expected == "id":
        assert form.is_valid(), form.errors
        assert form.cleaned_data["achievement"] == int(registration_numbers.normalise(typed))
    else:
        with translation.override("en"):
            assert not form.is_valid()
            assert form.errors["achievement"] == [expected]


def test_a_number_one_digit_short_is_not_taken_as_an_id(client, event, province_official, applicant_org):
    """36020261010 (a digit left out) was the id of whatever achievement had it: that one went on
    the programme."""
    from django.utils import translation

    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory
    from techtransfer.matchmaking.event_forms import ItemForm

    AchievementFactory(
        pk=36020261010, organisation=applicant_org, status=AchievementStatus.PUBLISHED,
        registration_number="360202610100", published_at=timezone.now(),
    )  # fmt: skip
    client.force_login(province_official)
    response = client.post(reverse("events:post", args=[event.pk, "item"]), {"achievement": "36020261010"})
    assert response.status_code == 400  # the page again, the form with its error
    assert "登记号为 12 位数字，当前填写了 11 个字符。" in response.content.decode()
    assert not event.items.exists()
    with translation.override("en"):
        form = ItemForm({"achievement": "36020261010"})
        assert form.errors == {"achievement": ["A registration number has 12 digits; this one has 11 characters."]}
