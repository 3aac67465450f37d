"""A bounty below 1,000 yuan (most likely typed in 10,000 yuan) or of 100 million yuan or more is saved
only once the seeker confirms it: on the page, through the API and in the service."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from techtransfer.core.errors import DomainError
from techtransfer.needs import challenges
from techtransfer.needs.errors import NeedErrors
from techtransfer.needs.models import Challenge
from techtransfer.needs.tests.factories import published_need

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _deadline() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=30)


def test_the_service_refuses_an_unusual_bounty_unless_confirmed(applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    args = {
        "actor": applicant_admin, "need_id": need.pk, "split": [Decimal(100)], "deadline": _deadline(),
        "eligible_types": ["individual"], "eligible_regions": [], "agreement": "协议", "criteria": [("可行性", 100)],
    }  # fmt: skip
    with pytest.raises(DomainError) as small:
        challenges.create_challenge(bounty=Decimal("50"), **args)
    with pytest.raises(DomainError) as large:
        challenges.create_challenge(bounty=Decimal("500000000"), **args)
    assert (small.value.error, small.value.details) == (
        NeedErrors.BOUNTY_UNUSUAL,
        {"field": "bounty", "bounty": "50.00", "unusual": "small"},
    )
    assert large.value.details == {"field": "bounty", "bounty": "500000000.00", "unusual": "large"}
    assert Challenge.objects.count() == 0
    challenges.create_challenge(bounty=Decimal("50"), confirm_bounty=True, **args)
    assert Challenge.objects.get().bounty == Decimal("50.00")


def test_the_api_refuses_an_unusual_bounty_until_confirmed(applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    payload = {
        "need_id": need.pk, "bounty": "50", "split": ["100"], "deadline": _deadline().isoformat(),
        "eligible_types": ["individual"], "agreement": "协议", "criteria": [["可行性", 100]],
    }  # fmt: skip
    client = Client(headers={"accept-language": "en"})
    client.force_login(applicant_admin)
    refused = client.post("/api/v1/challenges", payload, content_type=JSON)
    assert (refused.status_code, refused.json()) == (
        409,
        {
            "code": "challenge_bounty_unusual",
            "message": "The bounty is unusual (less than 1,000 yuan, or 100 million yuan or more): check the unit "
            "and the digits, or confirm that the amount is right.",
            "details": {"field": "bounty", "bounty": "50.00", "unusual": "small"},
        },
    )
    ok = client.post("/api/v1/challenges", {**payload, "confirm_bounty": True}, content_type=JSON)
    assert (ok.status_code, Challenge.objects.get().bounty) == (201, Decimal("50.00"))


def test_the_form_asks_with_the_other_errors_and_keeps_the_input(applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    data = {
        "bounty": "50", "split": "60,40", "deadline": timezone.localtime(_deadline()).strftime("%Y-%m-%dT%H:%M"),
        "eligible_types": ["individual"], "eligible_regions": "", "criteria": "可行性 | 60\n成本 | 30",
        "agreement": "协议",
    }  # fmt: skip
    client = Client()
    client.force_login(applicant_admin)
    first = client.post(f"/needs/{need.pk}/challenge/", data)
    page = first.content.decode()
    assert (first.status_code, Challenge.objects.count()) == (200, 0)
    with translation.override("zh-hans"):
        errors = {name: [str(m) for m in messages] for name, messages in first.context["form"].errors.items()}
    assert errors == {
        "bounty": ["奖金 50 元不足 1,000 元：是否误按万元填写？如确认无误，请勾选“金额无误”后保存。"],
        "criteria": ["标准权重须为正数，且合计恰好为 100。"],
    }
    assert 'type="checkbox" name="confirm_bounty"' in page and 'name="bounty" value="50"' in page
    english = Client(headers={"accept-language": "en"})
    english.force_login(applicant_admin)
    large = english.post(f"/needs/{need.pk}/challenge/", {**data, "bounty": "120000000", "criteria": "可行性 | 100"})
    assert large.context["form"].errors == {
        "bounty": [
            "The bounty of 120,000,000 yuan is 100 million yuan or more: check the unit and the number of digits. "
            "Tick “The amount is right” to save it anyway."
        ]
    }
    done = client.post(f"/needs/{need.pk}/challenge/", {**data, "criteria": "可行性 | 100", "confirm_bounty": "on"})
    challenge = Challenge.objects.get()
    assert (done.status_code, done["Location"], challenge.bounty) == (
        302,
        f"/challenges/{challenge.pk}/",
        Decimal("50.00"),
    )
