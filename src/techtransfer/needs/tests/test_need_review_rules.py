"""Needs follow the rules of the other registries: no deadline in the past, a reason to return or
reject, and review by the government of the organisation's region (the need's own region is where
the technology is wanted, typed by the submitter, and chooses no reviewer)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import ReviewStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Region
from techtransfer.needs import access, services
from techtransfer.needs.forms import NeedForm
from techtransfer.needs.models import Need
from techtransfer.needs.search import need_visibility
from techtransfer.needs.tests.factories import need_data, verify
from techtransfer.search.permissions import reviewed_record_visibility

pytestmark = pytest.mark.django_db

S = ReviewStatus


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def form_post(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "测试需求", "summary": "摘要", "description": "描述", "cooperation_modes": ["service"],
        "confidentiality": "summary",
    }  # fmt: skip
    data.update(overrides)
    return data


def submitted_need(org, author, **overrides) -> Need:  # type: ignore[no-untyped-def]
    verify(org)
    need = services.create_need(actor=author, organisation_id=org.pk, data=need_data(**overrides))
    return services.submit_need(actor=author, need_id=need.pk)


# --- 4. No deadline in the past ------------------------------------------------------------------


def test_the_create_form_refuses_a_past_deadline_and_keeps_what_was_typed(applicant_org, applicant_admin):
    verify(applicant_org)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = login(applicant_admin).post(
        reverse("needs:create"), form_post(deadline=yesterday, organisation=applicant_org.pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors == {"deadline": ["The deadline must not be in the past."]}
    body = response.content.decode()
    assert f'value="{yesterday}"' in body and 'value="测试需求"' in body
    assert Need.objects.count() == 0


def test_a_deadline_of_today_is_accepted():
    form = NeedForm(form_post(deadline=timezone.localdate().isoformat()))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == timezone.localdate()


def test_the_edit_form_refuses_a_past_deadline(applicant_org, applicant_admin):
    verify(applicant_org)
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    past = "2020-01-31"
    response = login(applicant_admin).post(
        reverse("needs:edit", args=[need.pk]), form_post(deadline=past), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"deadline": ["The deadline must not be in the past."]}
    assert f'value="{past}"' in response.content.decode()
    need.refresh_from_db()
    assert (need.deadline, need.title) == (None, "稀土永磁体高温退磁问题")


def test_the_api_refuses_a_past_deadline(applicant_org, applicant_admin):
    verify(applicant_org)
    response = login(applicant_admin).post(
        "/api/v1/needs",
        {"organisation_id": applicant_org.pk, "title": "x", "summary": "s", "description": "d",
         "cooperation_modes": ["service"], "deadline": "2020-01-31"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["details"]["fields"]["deadline"] == ["The deadline must not be in the past."]
    assert Need.objects.count() == 0


# --- 5. A reason to return or reject -------------------------------------------------------------


@pytest.mark.parametrize(("action", "message"), [("return", "Say what must change."), ("reject", "Give the reason.")])
def test_returning_or_rejecting_without_a_reason_is_refused(
    applicant_org, applicant_admin, county_reviewer, action, message
):
    need = submitted_need(applicant_org, applicant_admin)
    services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    events = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(DomainError) as exc:
        services.review_need(actor=county_reviewer, need_id=need.pk, action=action, comment="  ")
    assert exc.value.error == Errors.VALIDATION
    assert exc.value.details == {"comment": [message]}
    need.refresh_from_db()
    assert (need.status, need.review_comment) == (S.UNDER_REVIEW, "")
    assert AuditEvent.objects.count() == events
    done = services.review_need(actor=county_reviewer, need_id=need.pk, action=action, comment="指标不清楚")
    assert (done.status, done.review_comment) == (S.RETURNED if action == "return" else S.REJECTED, "指标不清楚")


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [(S.SUBMITTED, "return", "Say what must change."), (S.UNDER_REVIEW, "reject", "Give the reason.")],
)
def test_the_web_action_says_a_reason_is_needed_at_the_comment_box(
    applicant_org, applicant_admin, county_reviewer, status, action, message
):
    """It was a message above the page after a redirect ("部分字段填写有误。 请说明需要修改的内容。"),
    the comment box emptied."""
    need = submitted_need(applicant_org, applicant_admin)
    if status == S.UNDER_REVIEW:
        services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    events = AuditEvent.objects.count()
    response = login(county_reviewer).post(
        reverse("needs:action", args=[need.pk]), {"action": action, "comment": "  "}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["comment_form"].errors == {"comment": [message]}
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Some fields are not valid."]
    page = response.content.decode()
    box = page[page.index('id="need-actions"') :]
    assert '<textarea name="comment" cols="40" rows="2"' in box and ">\n  </textarea>" in box
    assert f'<div class="invalid-feedback d-block" role="alert">{message}</div>' in box
    assert f'value="{action}">' in box  # the buttons are offered again
    need.refresh_from_db()
    assert (need.status, need.review_comment) == (status, "")
    assert AuditEvent.objects.count() == events


def test_the_reason_is_said_in_chinese_at_the_comment_box(applicant_org, applicant_admin, county_reviewer):
    need = submitted_need(applicant_org, applicant_admin)
    response = login(county_reviewer).post(
        reverse("needs:action", args=[need.pk]), {"action": "return", "comment": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert response.context["comment_form"].errors == {"comment": ["请说明需要修改的内容。"]}
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["部分字段填写有误。"]
    assert (
        '<div class="invalid-feedback d-block" role="alert">请说明需要修改的内容。</div>' in response.content.decode()
    )


@pytest.mark.parametrize(
    ("action", "status", "said"),
    [
        ("start_review", S.UNDER_REVIEW, "Review started. Publish the need, or return or reject it with a reason."),
        ("publish", S.PUBLISHED, "Published: the need is on the public list of needs."),
        ("return", S.RETURNED, "Returned to the organisation with your comment."),
        ("reject", S.REJECTED, "Rejected. The organisation is told your reason."),
    ],
)
def test_each_review_action_on_the_web_says_what_it_did(
    applicant_org, applicant_admin, county_reviewer, action, status, said
):
    """Starting the review and publishing said nothing that told them apart."""
    need = submitted_need(applicant_org, applicant_admin)
    if action != "start_review":
        services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    response = login(county_reviewer).post(
        reverse("needs:action", args=[need.pk]), {"action": action, "comment": "指标不清楚"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (response.status_code, response["Location"]) == (302, f"/needs/{need.pk}/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [said]
    need.refresh_from_db()
    assert need.status == status


@pytest.mark.parametrize(("action", "message"), [("return", "Say what must change."), ("reject", "Give the reason.")])
def test_the_api_action_says_a_reason_is_needed(applicant_org, applicant_admin, county_reviewer, action, message):
    need = submitted_need(applicant_org, applicant_admin)
    services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    response = login(county_reviewer).post(
        f"/api/v1/needs/{need.pk}/{action}", {"comment": ""}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Some fields are not valid.",
        "details": {"fields": {"comment": [message]}},
    }
    need.refresh_from_db()
    assert need.status == S.UNDER_REVIEW


# --- 6. Review by the organisation's region ------------------------------------------------------


def test_a_need_wanted_in_ganzhou_is_reviewed_by_the_organisations_region(
    applicant_org, applicant_admin, county_reviewer, ganzhou_reviewer
):
    # applicant_org is in 南昌县 (360121); the need says the technology is wanted in 赣州 (360702).
    need = submitted_need(applicant_org, applicant_admin, region=Region.objects.get(code="360702"))
    assert need.region_id == "360702"
    assert services.can_review_need(county_reviewer, need) is True
    assert services.can_review_need(ganzhou_reviewer, need) is False
    assert list(access.review_queue(county_reviewer)) == [need]
    assert list(access.review_queue(ganzhou_reviewer)) == []
    assert list(access.needs_visible_to(ganzhou_reviewer)) == []
    assert list(access.needs_visible_to(county_reviewer)) == [need]
    with pytest.raises(DomainError) as exc:
        services.review_need(actor=ganzhou_reviewer, need_id=need.pk, action="start_review")
    assert exc.value.error == Errors.NOT_FOUND
    assert login(ganzhou_reviewer).get(reverse("needs:detail", args=[need.pk])).status_code == 404
    assert need_visibility(need) == reviewed_record_visibility(S.SUBMITTED, applicant_org.pk, "360121")
    done = services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    assert done.status == S.UNDER_REVIEW


def test_a_review_comment_over_2000_characters_is_refused_with_the_box_as_typed(
    applicant_org, applicant_admin, county_reviewer
):
    """It was cut at 2,000 characters without a word; the box had no limit."""
    need = submitted_need(applicant_org, applicant_admin)
    client = login(county_reviewer)
    page = client.get(reverse("needs:detail", args=[need.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'maxlength="2000"' in page[page.index('id="need-actions"') :]
    events = AuditEvent.objects.count()
    long = "指" * 2001
    response = client.post(
        reverse("needs:action", args=[need.pk]), {"action": "return", "comment": long}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "A comment may hold at most 2000 characters (this one has 2001); nothing was done."
    ]
    box = response.content.decode()[response.content.decode().index('id="need-actions"') :]
    assert f">\n{long}</textarea>" in box and 'value="return">' in box
    need.refresh_from_db()
    assert (need.status, need.review_comment) == (S.SUBMITTED, "")
    assert AuditEvent.objects.count() == events
    # Exactly 2,000 is taken; a line break counts once, as the box counted it (the browser sends CR LF).
    exact = "指" * 999 + "\r\n" + "指" * 1000
    response = client.post(
        reverse("needs:action", args=[need.pk]), {"action": "return", "comment": exact}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.review_comment) == (S.RETURNED, "指" * 999 + "\n" + "指" * 1000)
