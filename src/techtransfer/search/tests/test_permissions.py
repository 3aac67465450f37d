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
        # A change to a draft goes through the outbox too: indexed for its organisation only.
        from techtransfer.audit.services import record_event

        record_event(actor=applicant_member, action="achievement.touch", obj=unpublished)
    apply_pending()
    internal.refresh_from_db()
    assert internal.status == AchievementStatus.PUBLISHED  # published, but internal only
    return public, internal, unpublished


# Who finds which of the three records (`achievements.access`): everyone the public one; its
# organisation and platform admins all three; the department of the records' county the published
# internal one too, never the draft.
SEES = {
    "anonymous": [PUBLIC_NAME],
    "outsider": [PUBLIC_NAME],
    "applicant_member": [PUBLIC_NAME, INTERNAL_NAME, DRAFT_NAME],
    "county_reviewer": [PUBLIC_NAME, INTERNAL_NAME],
    "ganzhou_reviewer": [PUBLIC_NAME],
    "platform_admin": [PUBLIC_NAME, INTERNAL_NAME, DRAFT_NAME],
}
INDUSTRY = {PUBLIC_NAME: "new_materials", INTERNAL_NAME: "new_energy", DRAFT_NAME: "green"}
STAGE = {PUBLIC_NAME: "early", INTERNAL_NAME: "mature", DRAFT_NAME: "middle"}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_only_records_the_user_may_see_in_results_facets_and_counts(request, records, persona):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    seen = SEES[persona]
    page = search(user, {"query": "石墨烯"})
    assert sorted(h.title for h in page.results.hits) == sorted(seen)
    assert [h.public for h in page.results.hits if h.title == PUBLIC_NAME] == [True]
    assert all(not h.public for h in page.results.hits if h.title != PUBLIC_NAME)
    assert page.results.total == len(seen)
    assert page.type_counts == [("achievement", "科技成果", len(seen))]
    facets = {f.name: sorted((v, c) for v, _label, c in f.values) for f in page.facets}
    assert facets["plan_industry"] == sorted((INDUSTRY[t], 1) for t in seen)
    assert facets["stage"] == sorted((STAGE[t], 1) for t in seen)
    # Browsing without a query and filtering on a hidden record's values finds nothing.
    for title in (PUBLIC_NAME, INTERNAL_NAME, DRAFT_NAME):
        expected = 1 if title in seen else 0
        assert search(user, {"query": "", "terms": {"plan_industry": [INDUSTRY[title]]}}).results.total == expected
        assert search(user, {"query": "", "terms": {"stage": [STAGE[title]]}}).results.total == expected


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
    # shares only 测试, one of three words: listed as the only record holding some of them).
    found = search(AnonymousUser(), {"query": "南昌县测试企业"}).results
    assert ([h.title for h in found.hits], found.partial) == ([other_org.name], True)
    assert [h.title for h in search(AnonymousUser(), {"query": "测试企业 大学"}).results.hits] == [other_org.name]
    assert applicant_org.status == "registered"
