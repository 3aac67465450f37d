"""The workspace counts what waits for its user beside each queue's link: achievements to confirm
(an organisation's admin) or to review, needs to review, contracts to register (a reviewer whose
jurisdiction covers them); nothing for people with no such queue."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from techtransfer.achievements import services as achievements
from techtransfer.achievements.models import Achievement, ReviewRoute
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts.tests.factories import submitted
from techtransfer.core.choices import OrganisationStatus
from techtransfer.needs import services as needs
from techtransfer.needs.tests.factories import need_data

pytestmark = pytest.mark.django_db


def _badges(user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    page = c.get("/workspace/").content.decode()
    return {k: int(n) for k, n in re.findall(r'id="waiting-(\w+)" title="Waiting for you">(\d+)</span>', page)}


@pytest.fixture
def world(settings, tmp_path, applicant_org, applicant_admin, applicant_member, county_reviewer, city_reviewer):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    applicant_org.status = OrganisationStatus.VERIFIED
    applicant_org.save(update_fields=["status"])
    ReviewRoute.objects.create(region_id="360000", levels=["city", "province"])
    for title in ("稀土永磁回收", "锂电池梯次利用"):
        need = needs.create_need(actor=applicant_member, organisation_id=applicant_org.pk, data=need_data(title=title))
        needs.submit_need(actor=applicant_member, need_id=need.pk)
    submitted(applicant_org, applicant_admin)
    for name in ("成果一", "成果二", "成果三"):
        a = AchievementFactory(organisation=applicant_org, created_by=applicant_member, name=name)
        achievements.submit_achievement(actor=applicant_member, achievement_id=a.pk)  # waits for the admin
    achievements.confirm_achievement(
        actor=applicant_admin, achievement_id=Achievement.objects.get(name="成果一").pk
    )  # now held by the city


def test_each_user_sees_what_waits_for_them(world, applicant_admin, applicant_member, county_reviewer, city_reviewer):
    assert _badges(applicant_admin) == {"achievements": 2}  # two to confirm
    assert _badges(county_reviewer) == {"needs": 2, "contracts": 1}  # the city holds the achievement
    assert _badges(city_reviewer) == {"achievements": 1, "needs": 2, "contracts": 1}
    assert _badges(applicant_member) == {}


def test_nothing_is_counted_for_someone_without_queues(outsider):
    assert _badges(outsider) == {}
