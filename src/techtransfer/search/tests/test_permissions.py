"""A record a user may not see never shows up: not in results, not in facets, not in counts."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.search.outbox import apply_pending
from techtransfer.search.services import search
from techtransfer.search.tests.helpers import draft, publish

pytestmark = pytest.mark.django_db

PUBLIC_NAME = "石墨烯导热膜的连续化制备"
INTERNAL_NAME = "石墨烯电极的内部工艺"
DRAFT_NAME = "石墨烯涂层的草稿方案"


@pytest.fixture
def records(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    public = draft(verified, applicant_member, name=PUBLIC_NAME, plan_industry="new_materials", stage="early")
    internal = draft(
        verified, applicant_member, name=INTERNAL_NAME, secrecy=SecrecyLevel.INTERNAL,
        plan_industry="new_energy", stage="mature",
    )  # fmt: skip
    unpublished = draft(verified, applicant_member, name=DRAFT_NAME, plan_industry="green", stage="middle")
    with django_capture_on_commit_callbacks(execute=True):
        publish(public, applicant_admin, province_reviewer)
        publish(internal, applicant_admin, province_reviewer)
        # A change to a draft goes through the outbox too, and must be left out of the index.
        from techtransfer.audit.services import record_event

        record_event(actor=applicant_member, action="achievement.touch", obj=unpublished)
    apply_pending()
    internal.refresh_from_db()
    assert internal.status == AchievementStatus.PUBLISHED  # published, but internal only
    return public, internal, unpublished


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "applicant_member", "county_reviewer", "platform_admin"])
def test_only_public_records_in_results_facets_and_counts(request, records, persona):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    page = search(user, {"query": "石墨烯"})
    assert [h.title for h in page.results.hits] == [PUBLIC_NAME]
    assert page.results.total == 1
    assert page.type_counts == [("achievement", "科技成果", 1)]
    facets = {f.name: [(v, c) for v, _label, c in f.values] for f in page.facets}
    assert facets["plan_industry"] == [("new_materials", 1)]
    assert facets["stage"] == [("early", 1)]
    # Browsing without a query and filtering on the hidden record's values finds nothing.
    assert search(user, {"query": "", "terms": {"plan_industry": ["new_energy"]}}).results.total == 0
    assert search(user, {"query": "", "terms": {"stage": ["middle"]}}).results.total == 0


def test_page_and_api_hide_them_too(client, records, outsider):
    client.force_login(outsider)
    page = client.get(reverse("search:search"), {"q": "石墨烯"})
    body = page.content.decode()
    assert page.status_code == 200
    assert PUBLIC_NAME in body
    assert INTERNAL_NAME not in body and DRAFT_NAME not in body
    api = client.get("/api/v1/search", {"q": "石墨烯"})
    assert api.status_code == 200
    data = api.json()
    assert [r["title"] for r in data["results"]] == [PUBLIC_NAME]
    assert data["total"] == 1
    assert data["types"] == [{"value": "achievement", "label": "科技成果", "count": 1}]


def test_only_verified_organisations_are_found(index_dir, applicant_org, other_org):
    from techtransfer.search.services import reindex

    reindex()
    # other_org (a verified university) is found; applicant_org is still only registered.
    assert [h.title for h in search(AnonymousUser(), {"query": "东湖测试大学"}).results.hits] == [other_org.name]
    # The registered enterprise holds every word of its own name, and still never shows (the university
    # shares only 测试, one of three words: a short question lists records holding most of them).
    assert [h.title for h in search(AnonymousUser(), {"query": "南昌县测试企业"}).results.hits] == []
    assert [h.title for h in search(AnonymousUser(), {"query": "测试企业 大学"}).results.hits] == [other_org.name]
    assert applicant_org.status == "registered"
