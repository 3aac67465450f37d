"""The review page's lists are paged, oldest first, with their totals: none is cut off."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.achievements.views import REVIEW_PAGE_SIZE

pytestmark = pytest.mark.django_db


def en_client(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def waiting(applicant_org, gov_orgs):
    """REVIEW_PAGE_SIZE + 3 submissions held by the province, the newest last."""
    records = AchievementFactory.create_batch(
        REVIEW_PAGE_SIZE + 3,
        organisation=applicant_org,
        status=AchievementStatus.SUBMITTED,
        holder_region_id=gov_orgs["province"].region_id,
    )
    start = timezone.now() - datetime.timedelta(days=1)
    for i, a in enumerate(records):
        Achievement.objects.filter(pk=a.pk).update(updated_at=start + datetime.timedelta(minutes=i))
    return records


def test_the_newest_submissions_are_on_the_last_page(waiting, province_reviewer, django_assert_max_num_queries):
    c = en_client(province_reviewer)
    with django_assert_max_num_queries(9):
        first = c.get("/achievements/review/")
    assert first.status_code == 200
    queue = first.context["queue"]
    assert (queue.paginator.count, [a.pk for a in queue]) == (53, [a.pk for a in waiting[:REVIEW_PAGE_SIZE]])
    html = first.content.decode()
    assert "1–50 of 53" in html
    assert 'href="?queue_page=2#queue"' in html
    with django_assert_max_num_queries(9):
        second = c.get("/achievements/review/?queue_page=2&confirmations_page=1")
    assert [a.pk for a in second.context["queue"]] == [a.pk for a in waiting[REVIEW_PAGE_SIZE:]]
    assert "51–53 of 53" in second.content.decode()
    assert 'href="?queue_page=1&amp;confirmations_page=1#queue"' in second.content.decode()


def test_each_list_pages_on_its_own(applicant_org, applicant_admin, applicant_member):
    pending = AchievementFactory.create_batch(
        REVIEW_PAGE_SIZE + 1,
        organisation=applicant_org,
        created_by=applicant_member,
        status=AchievementStatus.PENDING_CONFIRMATION,
    )
    page = en_client(applicant_admin).get("/achievements/review/?confirmations_page=2")
    assert [a.pk for a in page.context["confirmations"]] == [pending[-1].pk]
    assert page.context["queue"].paginator.count == 0
    assert "51–51 of 51" in page.content.decode()
