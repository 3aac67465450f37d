"""Achievements are searchable by everyone who may open them, and by no one else: an organisation's
members find its drafts, the government departments of the record's region find what was submitted
to them, everyone finds what is published and public. Each status change reaches the index through
the outbox with the record's new tokens; subscriptions still notify published public records only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from techtransfer.achievements import services as achievement_services
from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.models import Achievement
from techtransfer.core import services as core_services
from techtransfer.notifications.models import Notification
from techtransfer.search import subscriptions
from techtransfer.search.models import SearchOutbox, SearchSubscription, SubscriptionMatch
from techtransfer.search.outbox import apply_pending, lag
from techtransfer.search.services import search

pytestmark = pytest.mark.django_db

S = AchievementStatus
NAME = "石墨烯涂层的防腐方案"
NOBODY = "anonymous", "outsider", "ganzhou_reviewer"
# Who finds a record, by status (`achievements.access`): its organisation and platform admins always;
# the departments whose jurisdiction holds 南昌县 (360121) once it left the organisation.
ORGANISATION = ["applicant_member", "applicant_admin", "platform_admin"]
REVIEWERS = ["county_reviewer", "city_reviewer", "province_reviewer"]
FACETS = {"plan_industry": [("green", 1)], "stage": [("middle", 1)], "kind": [("applied", 1)]}


def user_of(request, persona):  # type: ignore[no-untyped-def]
    return AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)


def found(request, persona, query="石墨烯", **kwargs):  # type: ignore[no-untyped-def]
    """(titles, total, type counts, facet counts) of a search by `persona`."""
    with translation.override("zh-hans"):  # the type labels in the platform's language
        page = search(user_of(request, persona), {"query": query, **kwargs})
    facets = {f.name: [(v, c) for v, _label, c in f.values] for f in page.facets if f.values}
    return [h.title for h in page.results.hits], page.results.total, page.type_counts, facets


def finders(request, personas=(*NOBODY, *ORGANISATION, *REVIEWERS)):  # type: ignore[no-untyped-def]
    """The personas whose search for 石墨烯 finds the record (exactly it, counted once)."""
    out = []
    for persona in personas:
        titles, total, _types, _facets = found(request, persona)
        assert (titles, total) in (([], 0), ([NAME], 1)), persona
        if titles:
            out.append(persona)
    return sorted(out)


@pytest.fixture
def worker(index_dir, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run one change as the application does: the outbox is applied when it commits."""

    def run(change):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            result = change()
        apply_pending()
        return result

    return run


@pytest.fixture
def record(worker, verified, applicant_member, gov_orgs):  # type: ignore[no-untyped-def]
    """A draft written through the service (audited, so indexed through the outbox)."""
    data = {
        "name": NAME, "abstract": "石墨烯涂层提高了钢结构的耐腐蚀性能。", "keywords": ["石墨烯", "防腐"],
        "plan_industry": "green", "stage": "middle",
    }  # fmt: skip
    return worker(
        lambda: achievement_services.create_achievement(actor=applicant_member, organisation_id=verified.pk, data=data)
    )


def submit(worker, a, admin):  # type: ignore[no-untyped-def]
    """An organisation admin's submission is confirmed at once: the record goes to the reviewers."""
    done = worker(lambda: achievement_services.submit_achievement(actor=admin, achievement_id=a.pk))
    assert done.status == S.SUBMITTED
    return done


def in_review(worker, a, admin, reviewer):  # type: ignore[no-untyped-def]
    submit(worker, a, admin)
    return worker(lambda: achievement_services.start_review(actor=reviewer, achievement_id=a.pk))


# --- drafts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["applicant_member", "applicant_admin", "platform_admin"])
def test_a_draft_is_found_by_its_organisation_and_platform_admins(request, record, persona):
    assert found(request, persona) == ([NAME], 1, [("achievement", "科技成果", 1)], FACETS)
    page = search(user_of(request, persona), {"query": "石墨烯"})
    assert [h.public for h in page.results.hits] == [False]
    # Browsing by the draft's filter values finds it too.
    assert found(request, persona, "", terms={"plan_industry": ["green"]})[:2] == ([NAME], 1)


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "county_reviewer", "province_reviewer"])
def test_a_draft_is_not_found_by_anyone_else_not_in_results_facets_or_counts(request, record, persona):
    assert found(request, persona) == ([], 0, [], {})
    assert found(request, persona, "", terms={"plan_industry": ["green"]})[:2] == ([], 0)
    assert found(request, persona, "", terms={"stage": ["middle"]})[:2] == ([], 0)
    assert found(request, persona, "", type_names=["achievement"])[:2] == ([], 0)


def test_the_search_page_and_api_show_a_draft_to_its_organisation_only(record, client, applicant_member, outsider):
    client.force_login(applicant_member)
    html = client.get(reverse("search:search"), {"q": "石墨烯"}).content.decode()
    assert NAME in html and html.count("search-not-public") == 1
    api = client.get("/api/v1/search", {"q": "石墨烯"}).json()
    assert [(r["title"], r["public"]) for r in api["results"]] == [(NAME, False)]
    assert (api["total"], api["types"]) == (1, [{"value": "achievement", "label": "科技成果", "count": 1}])

    client.force_login(outsider)
    html = client.get(reverse("search:search"), {"q": "石墨烯"}).content.decode()
    assert NAME not in html and "search-not-public" not in html
    api = client.get("/api/v1/search", {"q": "石墨烯"}).json()
    assert (api["results"], api["total"], api["types"]) == ([], 0, [])


# --- the workflow -------------------------------------------------------------------------------


def test_waiting_for_the_organisations_confirmation_is_still_private(request, worker, record, applicant_member):
    done = worker(lambda: achievement_services.submit_achievement(actor=applicant_member, achievement_id=record.pk))
    assert done.status == S.PENDING_CONFIRMATION
    assert finders(request) == sorted(ORGANISATION)


def test_a_submission_is_found_by_the_departments_of_its_region_only(request, worker, record, applicant_admin):
    submit(worker, record, applicant_admin)
    assert finders(request) == sorted([*ORGANISATION, *REVIEWERS])
    # The reviewer sees it counted and faceted like any record of theirs, marked "not public".
    assert found(request, "county_reviewer")[2:] == ([("achievement", "科技成果", 1)], FACETS)
    page = search(request.getfixturevalue("county_reviewer"), {"query": "石墨烯"})
    assert [h.public for h in page.results.hits] == [False]


def test_publishing_makes_it_public(request, worker, record, applicant_admin, province_reviewer):
    in_review(worker, record, applicant_admin, province_reviewer)
    assert finders(request) == sorted([*ORGANISATION, *REVIEWERS])
    done = worker(lambda: achievement_services.approve_achievement(actor=province_reviewer, achievement_id=record.pk))
    assert done.status == S.PUBLISHED
    assert finders(request) == sorted([*NOBODY, *ORGANISATION, *REVIEWERS])
    assert [h.public for h in search(AnonymousUser(), {"query": "石墨烯"}).results.hits] == [True]


@pytest.mark.parametrize("ending", ["withdraw", "reject", "return"])
def test_withdrawn_rejected_and_returned_records_stay_with_the_organisation_and_its_reviewers(
    request, worker, record, applicant_admin, province_reviewer, ending
):
    in_review(worker, record, applicant_admin, province_reviewer)
    if ending == "withdraw":
        worker(lambda: achievement_services.approve_achievement(actor=province_reviewer, achievement_id=record.pk))
        done = worker(
            lambda: achievement_services.withdraw_achievement(
                actor=applicant_admin, achievement_id=record.pk, comment="撤回"
            )
        )
    else:
        act = getattr(achievement_services, f"{ending}_achievement")
        done = worker(lambda: act(actor=province_reviewer, achievement_id=record.pk, comment="理由"))
    assert done.status == {"withdraw": S.WITHDRAWN, "reject": S.REJECTED, "return": S.RETURNED}[ending]
    assert finders(request) == sorted([*ORGANISATION, *REVIEWERS])
    assert search(request.getfixturevalue("applicant_member"), {"query": "石墨烯"}).results.hits[0].public is False


# --- the outbox ---------------------------------------------------------------------------------


def test_a_status_change_reaches_the_index_through_the_outbox_with_the_new_tokens(
    request, index_dir, worker_down, verified, applicant_member, applicant_admin, django_capture_on_commit_callbacks
):
    data = {"name": NAME, "abstract": "石墨烯涂层。", "keywords": ["石墨烯"]}
    with django_capture_on_commit_callbacks(execute=True):
        a = achievement_services.create_achievement(actor=applicant_member, organisation_id=verified.pk, data=data)
    assert finders(request) == []  # the worker is down: nothing indexed yet
    applied = apply_pending()
    assert (applied.upserted, applied.deleted) == (1, 0)  # a draft is indexed, not removed
    assert finders(request) == sorted(ORGANISATION)

    with django_capture_on_commit_callbacks(execute=True):
        achievement_services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
    pending = SearchOutbox.objects.filter(object_type="achievements.achievement", object_id=str(a.pk), done_at=None)
    assert pending.count() == lag()["pending"] == 2  # submitted, confirmed
    assert finders(request) == sorted(ORGANISATION)  # the index still holds the draft's tokens
    applied = apply_pending()
    assert (applied.rows, applied.upserted, applied.deleted) == (2, 1, 0)
    assert finders(request) == sorted([*ORGANISATION, *REVIEWERS])


def test_renaming_the_organisation_refreshes_its_drafts_too(request, worker, record, applicant_admin, verified):
    worker(
        lambda: core_services.update_organisation(
            actor=applicant_admin, organisation_id=verified.pk, data={"name": "赣江新材料科技"}
        )
    )
    titles = found(request, "applicant_member", "赣江新材料科技", type_names=["achievement"])[0]
    assert titles == [NAME]


# --- subscriptions ------------------------------------------------------------------------------


def test_subscriptions_notify_published_public_records_only_and_never_their_own_organisation(
    request, worker, record, applicant_admin, province_reviewer
):
    """The needs' rule: a push announces what is new to everyone, so it is matched with the public's
    visibility (nobody is told of a draft or a submission, not even those who may see it, and the
    one notice per record is not used up before publication); and a record of the subscriber's own
    organisation is never news to them, published or not."""
    personas = ["applicant_member", "outsider", "county_reviewer", "platform_admin"]
    subs = {
        p: subscriptions.create_subscription(
            actor=request.getfixturevalue(p), name="石墨烯", criteria=subscriptions.clean_criteria(query="石墨烯"),
            frequency=SearchSubscription.Frequency.IMMEDIATE,
        )
        for p in personas
    }  # fmt: skip
    uid = f"achievement:{record.pk}"

    def told() -> dict[str, list[str]]:
        return {
            p: list(Notification.objects.filter(user=s.user, kind=subscriptions.KIND).values_list("url", flat=True))
            for p, s in subs.items()
        }

    # Edited as a draft, submitted, reviewed: each change is matched, and none notifies.
    worker(
        lambda: achievement_services.update_achievement(
            actor=request.getfixturevalue("applicant_member"), achievement_id=record.pk, data={"abstract": "石墨烯。"}
        )
    )
    in_review(worker, record, applicant_admin, province_reviewer)
    assert told() == {p: [] for p in personas}
    assert not SubscriptionMatch.objects.exists()

    worker(lambda: achievement_services.approve_achievement(actor=province_reviewer, achievement_id=record.pk))
    assert Achievement.objects.get(pk=record.pk).status == S.PUBLISHED
    url = f"/achievements/{record.pk}/"
    assert told() == {"applicant_member": [], "outsider": [url], "county_reviewer": [url], "platform_admin": [url]}
    matched = SubscriptionMatch.objects.filter(object_uid=uid).values_list("subscription__user__username", flat=True)
    assert sorted(matched) == ["county_reviewer", "outsider", "platform_admin"]
