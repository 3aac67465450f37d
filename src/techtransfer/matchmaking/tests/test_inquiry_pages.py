"""The inquiry pages: the status form offers only the statuses the inquiry may move to now (none once
it is finished) and a post sent from an older page says what the inquiry is now; a meeting in the past
is refused; the start page names what the inquiry is about and who receives it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent
from techtransfer.matchmaking import services
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.matchmaking.models import Inquiry
from techtransfer.needs.tests.factories import published_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiry(applicant_org, applicant_admin, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    return services.start_inquiry(
        actor=outsider, organisation_id=other_org.pk, subject="关于退磁问题", message="我们有晶界扩散技术",
        need_id=need.pk,
    )  # fmt: skip


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def _offered(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [value for value, _label in response.context["status_form"].fields["status"].widget.choices]


@pytest.mark.parametrize(
    ("path", "offered"),
    [
        ([], [S.NEGOTIATING, S.CLOSED]),
        ([S.NEGOTIATING], [S.INTENTION_SIGNED, S.CLOSED]),
        ([S.NEGOTIATING, S.INTENTION_SIGNED], [S.CONTRACT_SIGNED, S.CLOSED]),
        ([S.NEGOTIATING, S.INTENTION_SIGNED, S.CONTRACT_SIGNED], []),
    ],
)
def test_the_status_form_offers_the_next_statuses_only(inquiry, applicant_admin, path, offered):
    for status in path:
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=status)
    response = _as(applicant_admin).get(reverse("matchmaking:detail", args=[inquiry.pk]))
    assert _offered(response) == offered
    assert ('id="status-form"' in response.content.decode()) is bool(offered)


def test_the_closed_inquiry_shows_no_status_form(inquiry, applicant_admin):
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="需求已解决")
    response = _as(applicant_admin).get(reverse("matchmaking:detail", args=[inquiry.pk]))
    assert _offered(response) == [] and 'id="status-form"' not in response.content.decode()


def test_a_status_sent_from_an_older_page_says_what_the_inquiry_is_now(inquiry, applicant_admin, outsider):
    """The other side closed it meanwhile: the status is no longer offered, yet the post reaches the
    service, which names the status, rather than "not one of the available choices"."""
    services.change_status(actor=outsider, inquiry_id=inquiry.pk, status=S.CLOSED, reason="不再合作")
    events = AuditEvent.objects.count()
    response = _as(applicant_admin).post(
        reverse("matchmaking:post", args=[inquiry.pk, "status"]), {"status": S.NEGOTIATING}
    )
    assert response.status_code == 400
    assert response.context["status_form"].non_field_errors() == [
        "This record is now “Closed”: this action is no longer possible."
    ]
    assert 'id="status-form"' in response.content.decode()  # the refusal is shown, without a form
    assert (Inquiry.objects.get(pk=inquiry.pk).status, AuditEvent.objects.count()) == (S.CLOSED, events)


@pytest.mark.parametrize("days", [-1, -400])
def test_a_meeting_in_the_past_is_refused(inquiry, applicant_admin, days):
    at = timezone.localtime(timezone.now() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")
    response = _as(applicant_admin).post(
        reverse("matchmaking:post", args=[inquiry.pk, "meeting"]), {"at": at, "note": "腾讯会议"}
    )
    assert response.status_code == 400
    assert response.context["meeting_form"].errors == {"at": ["The meeting time must be in the future."]}
    assert Inquiry.objects.get(pk=inquiry.pk).meeting_at is None


def test_a_meeting_in_the_future_is_scheduled(inquiry, applicant_admin):
    at = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    response = _as(applicant_admin).post(
        reverse("matchmaking:post", args=[inquiry.pk, "meeting"]), {"at": at.strftime("%Y-%m-%dT%H:%M"), "note": ""}
    )
    assert response.status_code == 302
    assert Inquiry.objects.get(pk=inquiry.pk).meeting_at == at


def test_the_start_page_names_the_achievement_and_its_owner(applicant_org, applicant_admin, outsider):
    achievement = AchievementFactory(
        organisation=applicant_org, created_by=applicant_admin, status=AchievementStatus.PUBLISHED,
        name="稀土永磁晶界扩散技术",
    )  # fmt: skip
    page = _as(outsider).get(f"/matchmaking/new/?achievement={achievement.pk}").content.decode()
    assert (
        '<p class="lead" id="inquiry-about">Achievement: <strong>稀土永磁晶界扩散技术</strong> · To: 南昌县测试企业</p>'
    ) in page


def test_the_start_page_names_the_need(inquiry, outsider):
    page = _as(outsider).get(f"/matchmaking/new/?need={inquiry.need_id}").content.decode()
    assert f'id="inquiry-about">Need: <strong>{inquiry.need.title}</strong> · To: 南昌县测试企业</p>' in page


def test_the_start_page_names_nothing_it_may_not_show(applicant_org, applicant_admin, outsider):
    draft = AchievementFactory(organisation=applicant_org, created_by=applicant_admin, name="未发布的成果")
    page = _as(outsider).get(f"/matchmaking/new/?achievement={draft.pk}").content.decode()
    assert 'id="inquiry-about"' not in page and "未发布的成果" not in page


def test_labels_end_in_the_page_language_s_colon(inquiry, applicant_admin):
    """Chinese pages read 下次会谈: 2027-… and 技术经纪人: — with a Latin colon and space."""
    at = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    services.schedule_meeting(actor=applicant_admin, inquiry_id=inquiry.pk, at=at, note="腾讯会议")
    client = _as(applicant_admin)
    shown = at.strftime("%Y-%m-%d %H:%M")
    chinese = client.get(f"/matchmaking/{inquiry.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(f"/matchmaking/{inquiry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<p id="meeting">下次会谈：{shown} 腾讯会议</p>' in chinese and " · 技术经纪人：—</p>" in chinese
    assert f'<p id="meeting">Next meeting: {shown} 腾讯会议</p>' in english and " · Broker: —</p>" in english
