"""A submission refused because the organisation is not verified says "your organisation" to its
members and names the organisation to a platform admin acting for it (API and pages alike)."""

from __future__ import annotations

import pytest
from django.utils import translation

from techtransfer.achievements import services as achievements
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts import services as contracts
from techtransfer.contracts.tests.factories import draft, pdf
from techtransfer.core.errors import DomainError
from techtransfer.market import services as market
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.needs import services as needs
from techtransfer.needs.tests.factories import need_data

pytestmark = pytest.mark.django_db


def _refusal(call) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc, translation.override("en"):
        call()
    with translation.override("en"):
        return exc.value.message, exc.value.details


def test_an_achievement(applicant_org, applicant_admin, platform_admin):
    a = AchievementFactory(organisation=applicant_org, created_by=applicant_admin)
    assert _refusal(lambda: achievements.submit_achievement(actor=applicant_admin, achievement_id=a.pk)) == (
        "Your organisation must be verified before it submits achievements.", {},
    )  # fmt: skip
    assert _refusal(lambda: achievements.submit_achievement(actor=platform_admin, achievement_id=a.pk)) == (
        "南昌县测试企业 must be verified before it submits achievements.", {"organisation": "南昌县测试企业"},
    )  # fmt: skip


def test_a_need(applicant_org, applicant_admin, platform_admin):
    n = needs.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    assert _refusal(lambda: needs.submit_need(actor=applicant_admin, need_id=n.pk))[0] == (
        "Your organisation must be verified before it can submit needs."
    )
    assert _refusal(lambda: needs.submit_need(actor=platform_admin, need_id=n.pk))[0] == (
        "南昌县测试企业 must be verified before it can submit needs."
    )


def test_a_contract(applicant_org, applicant_admin, platform_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = draft(applicant_org, applicant_admin)
    contracts.attach_signed_contract(actor=applicant_admin, contract_id=c.pk, upload=pdf())
    assert _refusal(lambda: contracts.submit_contract(actor=applicant_admin, contract_id=c.pk))[0] == (
        "Your organisation must be verified before it registers contracts."
    )
    assert _refusal(lambda: contracts.submit_contract(actor=platform_admin, contract_id=c.pk))[0] == (
        "南昌县测试企业 must be verified before it registers contracts."
    )


def test_the_api_names_it_to_a_platform_admin(client, applicant_org, applicant_admin, platform_admin):
    a = AchievementFactory(organisation=applicant_org, created_by=applicant_admin)
    client.force_login(platform_admin)
    response = client.post(
        f"/api/v1/achievements/{a.pk}/submit", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert (response.status_code, response.json()["message"]) == (409, "南昌县测试企业通过核验后方可提交科技成果。")


def test_a_listing(applicant_org, applicant_admin, platform_admin):
    listing = ListingFactory(organisation=applicant_org, created_by=applicant_admin, achievement=None)
    assert _refusal(lambda: market.submit_listing(actor=applicant_admin, listing_id=listing.pk))[0] == (
        "Your organisation must be verified before it can list or trade."
    )
    assert _refusal(lambda: market.submit_listing(actor=platform_admin, listing_id=listing.pk))[0] == (
        "南昌县测试企业 must be verified before it can list or trade."
    )
