"""Each form of an inquiry's thread page says what was done once it is done (the page said nothing
after a message, a status change, a meeting, a contract number or a rating; only after naming a
broker).

Personas: the outsider (university, other_org) asks the applicant enterprise about its need; the
applicant's admin answers; platform_admin corrects a contract number.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import OrganisationFactory, member, verify
from techtransfer.matchmaking import services
from techtransfer.needs.tests.factories import published_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiry(applicant_org, applicant_admin, county_reviewer, outsider, other_org):  # type: ignore[no-untyped-def]
    agency = verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name="转移中心"))
    member("broker", agency, Role.BROKER)
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    return services.start_inquiry(
        actor=outsider, organisation_id=other_org.pk, subject="关于退磁问题", message="我们有晶界扩散技术",
        need_id=need.pk,
    )  # fmt: skip


def _said(user, inquiry, what: str, data: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Post one form of the page and follow the redirect: the notices the page then shows."""
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    response = c.post(reverse("matchmaking:post", args=[inquiry.pk, what]), data, follow=True)
    assert response.redirect_chain == [(reverse("matchmaking:detail", args=[inquiry.pk]), 302)]
    return [str(m) for m in response.context["messages"]]


def test_each_form_says_what_was_done(inquiry, applicant_admin, outsider, platform_admin):
    assert _said(applicant_admin, inquiry, "message", {"body": "欢迎来访"}) == ["Message sent."]
    at = timezone.localtime() + datetime.timedelta(days=3)
    meeting = {"at": at.strftime("%Y-%m-%dT%H:%M"), "note": "线上会谈"}
    assert _said(applicant_admin, inquiry, "meeting", meeting) == [
        f"Meeting scheduled for {at.strftime('%Y-%m-%d %H:%M')}."
    ]
    assert _said(applicant_admin, inquiry, "broker", {"username": "broker"}) == [
        "broker now brokers this inquiry and has been told."
    ]
    assert _said(applicant_admin, inquiry, "status", {"status": "negotiating", "reason": ""}) == [
        "The inquiry's status is now “Negotiating”."
    ]
    services.change_status(actor=applicant_admin, inquiry_id=inquiry.pk, status="intention_signed")
    assert _said(applicant_admin, inquiry, "status", {"status": "contract_signed", "reason": ""}) == [
        "The inquiry's status is now “Contract signed”."
    ]
    assert _said(outsider, inquiry, "contract", {"contract_reference": "3601212026000042"}) == [
        "Contract registration number recorded."
    ]
    correction = {"contract_reference": "3601212026000024", "reason": "两位数字颠倒"}
    assert _said(platform_admin, inquiry, "correct", correction) == [
        "Contract registration number corrected; both sides have been told."
    ]
    assert _said(outsider, inquiry, "rating", {"score": "5", "comment": ""}) == ["Rating saved."]
