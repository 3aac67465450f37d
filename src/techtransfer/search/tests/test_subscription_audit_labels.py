"""The audit log reads a subscription's filters by their labels, a keyword filter's values by theirs, in
the page's language (they showed as `plan_industry: new_energy`), a range as "≥ 6"; a region stays its code."""

import pytest
from django.utils import translation

from techtransfer.audit.models import AuditEvent
from techtransfer.audit.templatetags.audit_tags import readable_changes, unlabelled
from techtransfer.core.tests.factories import UserFactory
from techtransfer.search import subscriptions

pytestmark = pytest.mark.django_db


def test_a_subscriptions_filters_read_by_their_labels() -> None:
    user = UserFactory(username="subscriber")
    criteria = subscriptions.clean_criteria(
        query="电池", terms={"plan_industry": ["new_energy"], "region": ["3601"]}, ranges={"trl": [6, None]}
    )
    subscriptions.create_subscription(actor=user, name="电池", criteria=criteria)
    event = AuditEvent.objects.get(action="search.subscription.create")
    assert unlabelled(event) == []
    with translation.override("zh-hans"):
        chinese = dict(readable_changes(event))
    with translation.override("en"):
        english = dict(readable_changes(event))
    # In the filters' declared order; a range as the subscriptions page says it.
    assert (chinese["筛选条件"], chinese["范围条件"]) == ("所在地区：3601，行业：新能源", "技术就绪度：≥ 6")
    assert (english["filters"], english["ranges"]) == (
        "Region: 3601, Industry: New energy",
        "Technology readiness level: ≥ 6",
    )
