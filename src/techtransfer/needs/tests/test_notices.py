"""What needs and challenges send: links and titles, never proposal content."""

from __future__ import annotations

import pytest

from techtransfer.core.tests.factories import verify
from techtransfer.needs import challenges, services
from techtransfer.needs.models import Need
from techtransfer.needs.tests.conftest import after
from techtransfer.needs.tests.factories import need_data
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_challenge_notices_carry_no_proposal_content(world):
    assert Notification.objects.filter(user=world.expert, kind="needs.panel").count() == 1
    assert Notification.objects.filter(user=world.seeker, kind="needs.proposal_received").count() == 2
    with after(world.challenge):
        challenges.set_shortlist(actor=world.seeker, challenge_id=world.challenge.pk, proposal_ids=[world.proposal.pk])
        challenges.award_challenge(actor=world.seeker, challenge_id=world.challenge.pk, winner_ids=[world.proposal.pk])
    results = Notification.objects.filter(kind="needs.results")
    assert sorted(results.values_list("user__username", flat=True)) == ["other_solver", "outsider"]
    for n in Notification.objects.all():
        assert "晶界扩散镝" not in n.title + n.body and "方案" not in n.title + n.body
    assert Notification.objects.filter(user=world.seeker, kind="needs.reviewed").count() == 2  # two needs published


def _waiting() -> list[tuple[str, str, str]]:
    rows = Notification.objects.filter(kind="needs.waiting").order_by("user__username")
    return [(n.user.username, n.title, n.body) for n in rows]


def _submit(org, author):  # type: ignore[no-untyped-def]
    verify(org)
    need = services.create_need(actor=author, organisation_id=org.pk, data=need_data(title="高温合金疲劳寿命预测"))
    services.submit_need(actor=author, need_id=need.pk)
    return need


def test_a_submitted_need_tells_the_nearest_departments_reviewers(
    applicant_org, applicant_admin, county_reviewer, city_reviewer, province_reviewer
):
    _submit(applicant_org, applicant_admin)
    assert _waiting() == [("county_reviewer", "待您审核的技术需求：“高温合金疲劳寿命预测”", "南昌县测试企业")]


def test_without_county_reviewers_the_citys_are_told(applicant_org, applicant_admin, city_reviewer, province_reviewer):
    _submit(applicant_org, applicant_admin)
    assert [row[0] for row in _waiting()] == ["city_reviewer"]


def test_without_any_reviewer_nobody_is_told_and_the_need_is_submitted(applicant_org, applicant_admin, gov_orgs):
    need = _submit(applicant_org, applicant_admin)
    assert (Need.objects.get(pk=need.pk).status, _waiting()) == ("submitted", [])
