"""Inquiries: start from a need, thread, status path with a reason to close, broker assignment and
what the broker sees, broker numbers, permissions on pages and API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.matchmaking import selectors, services
from techtransfer.matchmaking.choices import InquiryStatus as S
from techtransfer.needs.tests.factories import published_need
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(db):  # type: ignore[no-untyped-def]
    agency = OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心")
    user = UserFactory(username="broker")
    MembershipFactory(user=user, organisation=agency, role=Role.BROKER)
    return user


@pytest.fixture
def inquiry(applicant_org, applicant_admin, applicant_member, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    return services.start_inquiry(
        actor=outsider,
        organisation_id=other_org.pk,
        subject="关于退磁问题",
        message="我们有晶界扩散技术",
        need_id=need.pk,
    )


def test_start_notifies_the_other_side_and_audits(inquiry, applicant_admin, applicant_member, outsider):
    assert inquiry.recipient.name == "南昌县测试企业" and inquiry.status == S.CONTACTED
    # The need's author (also its organisation's admin), not every member (test_inquiry_notices.py).
    assert set(Notification.objects.filter(kind="matchmaking.inquiry").values_list("user__username", flat=True)) == {
        "applicant_admin"
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="inquiry.start", object_id=str(inquiry.pk)).count() == 1


def test_status_path_and_close_reason(inquiry, applicant_admin):
    with pytest.raises(DomainError) as exc:
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED)
    assert exc.value.code == "invalid_transition"
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.NEGOTIATING)
    with pytest.raises(DomainError) as exc:
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason=" ")
    assert exc.value.code == "inquiry_reason_required"
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.INTENTION_SIGNED)
    done = services.change_status(
        actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CONTRACT_SIGNED, contract_reference="3601002026000001"
    )
    assert (done.status, done.contract_reference) == (S.CONTRACT_SIGNED, "3601002026000001")
    with pytest.raises(DomainError):
        services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status=S.CLOSED, reason="x")


def test_the_api_refuses_closing_without_a_reason_with_its_422(client, inquiry, applicant_admin):
    """It answered 400 `inquiry_reason_required` with `details.field`, not the API's 422 shape."""
    client.force_login(applicant_admin)
    url = f"/api/v1/inquiries/{inquiry.pk}/status"
    refused = client.post(url, {"status": "closed", "reason": " "}, "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"reason": ["Give a reason for closing."]}},
        },
    )
    inquiry.refresh_from_db()
    assert inquiry.status == S.CONTACTED and not AuditEvent.objects.filter(action="inquiry.status").exists()
    closed = client.post(url, {"status": "closed", "reason": "价格谈不拢"}, "application/json")
    assert (closed.status_code, closed.json()["status"], closed.json()["close_reason"]) == (200, "closed", "价格谈不拢")
    again = client.post(url, {"status": "negotiating"}, "application/json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_broker_sees_both_sides_and_numbers(client, inquiry, applicant_admin, broker, outsider):
    client.force_login(broker)
    url = reverse("matchmaking:detail", args=[inquiry.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(DomainError) as exc:
        services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username="outsider")
    assert exc.value.code == "inquiry_not_broker"
    services.assign_broker(actor=applicant_admin, inquiry_id=inquiry.pk, username="broker")
    assert client.get(url).status_code == 200
    assert "我们有晶界扩散技术" in client.get(url).content.decode()
    assert client.get("/api/v1/inquiries").json()["count"] == 1
    rows = selectors.broker_numbers()
    assert [(r["broker"].username, r["open"], r["signed"], r["closed"], r["success_rate"]) for r in rows] == [
        ("broker", 1, 0, 0, None)
    ]
    services.change_status(actor=broker, inquiry_id=inquiry.pk, status=S.CLOSED, reason="价格谈不拢")
    rows = selectors.broker_numbers()
    assert (rows[0]["open"], rows[0]["closed"], rows[0]["success_rate"]) == (0, 1, 0)
    assert client.get(reverse("matchmaking:brokers")).status_code == 200


def test_outsiders_see_nothing(client, inquiry, ganzhou_reviewer):
    client.force_login(ganzhou_reviewer)
    assert client.get(reverse("matchmaking:detail", args=[inquiry.pk])).status_code == 404
    assert client.get(f"/api/v1/inquiries/{inquiry.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/inquiries/{inquiry.pk}/messages", {"body": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.logout()
    assert client.get("/api/v1/inquiries").status_code == 401


def test_thread_and_meeting_pages(client, inquiry, applicant_admin):
    client.force_login(applicant_admin)
    client.post(reverse("matchmaking:post", args=[inquiry.pk, "message"]), {"body": "欢迎来访"})
    at = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("matchmaking:post", args=[inquiry.pk, "meeting"]), {"at": at, "note": "腾讯会议"})
    bad = client.post(reverse("matchmaking:post", args=[inquiry.pk, "status"]), {"status": "closed", "reason": ""})
    assert bad.status_code == 400 and bad.context["status_form"].data["status"] == "closed"
    page = client.get(reverse("matchmaking:detail", args=[inquiry.pk])).content.decode()
    assert "欢迎来访" in page and "腾讯会议" in page
    assert inquiry.messages.count() == 2


def test_same_organisation_is_refused(applicant_org, applicant_admin):
    with pytest.raises(DomainError) as exc:
        services.start_inquiry(
            actor=applicant_admin, organisation_id=applicant_org.pk, subject="s", message="m",
            recipient_id=applicant_org.pk,
        )  # fmt: skip
    assert exc.value.code == "inquiry_same_org"


def test_an_inquiry_subject_is_a_subject_not_a_valuation_object():
    """ "Subject" means 主题 here and 评估对象 on the valuation form: two translations by context."""
    from django.utils import translation

    from techtransfer.market.valuation_forms import ValuationForm
    from techtransfer.matchmaking.forms import InquiryForm

    with translation.override("zh-hans"):
        assert str(InquiryForm().fields["subject"].label) == "主题"
        assert str(ValuationForm().fields["subject"].label) == "评估对象"
