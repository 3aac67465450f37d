"""A need's page lists its history (created, submitted, returned with the comment, …) to its
organisation's editors and its reviewers, not to the public."""

from __future__ import annotations

import pytest
from django.test import Client

from techtransfer.core.tests.factories import history_lines
from techtransfer.needs import services
from techtransfer.needs.tests.factories import need_data, verify

pytestmark = pytest.mark.django_db


def _history(user, need) -> list[str]:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "zh-hans"})
    if user is not None:
        c.force_login(user)
    return history_lines(c.get(f"/needs/{need.pk}/").content.decode(), "need-history")


@pytest.fixture
def need(applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    verify(applicant_org)
    n = services.create_need(
        actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data(title="耐高温涂层")
    )
    services.submit_need(actor=applicant_admin, need_id=n.pk)
    services.review_need(actor=county_reviewer, need_id=n.pk, action="start_review")
    services.review_need(actor=county_reviewer, need_id=n.pk, action="return", comment="请补充技术指标")
    services.submit_need(actor=applicant_admin, need_id=n.pk)
    services.review_need(actor=county_reviewer, need_id=n.pk, action="start_review")
    return services.review_need(actor=county_reviewer, need_id=n.pk, action="publish")


def test_the_editor_and_the_reviewer_see_the_history(need, applicant_admin, county_reviewer):
    expected = [
        "applicant_admin · 创建",
        "applicant_admin · 已提交",
        "county_reviewer · 开始审核",
        "county_reviewer · 退回修改 — 请补充技术指标",
        "applicant_admin · 已提交",
        "county_reviewer · 开始审核",
        "county_reviewer · 已发布",
    ]
    assert _history(applicant_admin, need) == expected
    assert _history(county_reviewer, need) == expected


def test_the_public_and_other_organisations_do_not(need, outsider, ganzhou_reviewer):
    assert _history(None, need) == []
    assert _history(outsider, need) == []
    assert _history(ganzhou_reviewer, need) == []
