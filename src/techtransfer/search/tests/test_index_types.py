"""Needs, challenges, experts and listings are indexed through the outbox, each with the visibility
of those who may see it: a record a user may not see never appears in their results or counts."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from techtransfer.core.choices import ReviewStatus
from techtransfer.market import services as market_services
from techtransfer.market.choices import ListingMode
from techtransfer.market.search import document as listing_document
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.needs import challenges
from techtransfer.needs import services as need_services
from techtransfer.needs.choices import Confidentiality
from techtransfer.needs.search import challenge_document, expert_document, need_document
from techtransfer.needs.tests.factories import need_data, open_challenge, published_need, verify
from techtransfer.search.models import SearchOutbox
from techtransfer.search.outbox import apply_pending
from techtransfer.search.permissions import visibility_for
from techtransfer.search.services import search

pytestmark = pytest.mark.django_db


def titles(user, query, **kw):  # type: ignore[no-untyped-def]
    page = search(user or AnonymousUser(), {"query": query, **kw})
    return sorted(h.title for h in page.results.hits), page.results.total


@pytest.fixture
def needs_world(
    index_dir, applicant_org, applicant_admin, applicant_member, county_reviewer, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        public = published_need(
            org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="钕铁硼磁体高温退磁",
            confidentiality=Confidentiality.SUMMARY, summary="磁体高温退磁的公开摘要",
            description="保密细节：晶界扩散镝铽工艺", budget_min=Decimal("50"), budget_max=Decimal("200"),
        )  # fmt: skip
        draft = need_services.create_need(
            actor=applicant_member, organisation_id=applicant_org.pk,
            data=need_data(title="钕铁硼磁体草稿需求", industry="new_energy"),
        )  # fmt: skip
        submitted = need_services.create_need(
            actor=applicant_member, organisation_id=applicant_org.pk, data=need_data(title="钕铁硼磁体待审需求")
        )
        submitted = need_services.submit_need(actor=applicant_member, need_id=submitted.pk)
        challenge = open_challenge(need=public, seeker=applicant_admin)
        challenges.add_expert(actor=applicant_admin, challenge_id=challenge.pk, username=county_reviewer.username)
    apply_pending()
    return public, draft, submitted, challenge


def test_need_documents_carry_filters_and_visibility(needs_world, applicant_org):
    public, draft, submitted, challenge = needs_world
    doc = need_document(public)
    assert doc.visibility == ["public"]
    assert doc.filters["plan_industry"] == ["new_materials"]
    assert doc.filters["price"] == [50.0, 200.0]
    assert doc.filters["transfer_mode"] == ["commissioned"]
    assert doc.filters["region"] == ["36", "3601", "360121"]
    # Summary-only confidentiality: the hidden description is not in the public document.
    assert "晶界扩散" not in " ".join(doc.fields.values())
    assert need_document(draft).visibility == ["admin", f"org:{applicant_org.pk}"]
    assert need_document(submitted).visibility == [
        "admin", f"org:{applicant_org.pk}", "gov:36", "gov:3601", "gov:360121",
    ]  # fmt: skip
    cdoc = challenge_document(challenge)
    assert (cdoc.type, cdoc.visibility, cdoc.filters["price"]) == ("challenge", ["public"], [1.0])
    expert = challenge.experts.get()
    assert expert_document(expert).visibility == [
        "admin", f"orgadmin:{applicant_org.pk}", f"user:{public.created_by_id}",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", ["钕铁硼磁体高温退磁", "钕铁硼磁体高温退磁"]),  # the need and its challenge
        ("outsider", ["钕铁硼磁体高温退磁", "钕铁硼磁体高温退磁"]),
        ("applicant_member", ["钕铁硼磁体待审需求", "钕铁硼磁体草稿需求", "钕铁硼磁体高温退磁", "钕铁硼磁体高温退磁"]),
        ("county_reviewer", ["钕铁硼磁体待审需求", "钕铁硼磁体高温退磁", "钕铁硼磁体高温退磁"]),
        ("ganzhou_reviewer", ["钕铁硼磁体高温退磁", "钕铁硼磁体高温退磁"]),
        ("platform_admin", ["钕铁硼磁体待审需求", "钕铁硼磁体草稿需求", "钕铁硼磁体高温退磁", "钕铁硼磁体高温退磁"]),
    ],
)
def test_each_user_finds_exactly_the_needs_they_may_see(request, needs_world, persona, expected):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    found, total = titles(user, "钕铁硼", type_names=["need", "challenge"])
    assert found == expected
    assert total == len(expected)


def test_hidden_text_of_a_summary_only_need_is_not_searchable(needs_world, outsider):
    assert titles(outsider, "晶界扩散 镝铽", type_names=["need"]) == ([], 0)


def test_expert_seats_are_seen_by_the_seeker_only(
    needs_world, applicant_admin, applicant_member, outsider, county_reviewer
):
    name = county_reviewer.display_name or county_reviewer.username
    assert titles(applicant_admin, "", type_names=["expert"]) == ([name], 1)
    assert titles(applicant_member, "", type_names=["expert"]) == ([], 0)
    assert titles(outsider, "", type_names=["expert"]) == ([], 0)


def test_withdrawing_a_need_takes_it_out_of_public_results(
    needs_world, applicant_admin, outsider, django_capture_on_commit_callbacks
):
    public = needs_world[0]
    with django_capture_on_commit_callbacks(execute=True):
        need_services.withdraw_need(actor=applicant_admin, need_id=public.pk)
    apply_pending()
    assert titles(outsider, "钕铁硼", type_names=["need"]) == ([], 0)
    # …and the challenge follows its need (a dependent document).
    assert titles(outsider, "钕铁硼", type_names=["challenge"]) == ([], 0)
    assert titles(applicant_admin, "钕铁硼", type_names=["need"])[1] == 3


def test_visibility_tokens_of_personas(applicant_org, applicant_admin, county_reviewer, city_reviewer, platform_admin):
    assert visibility_for(AnonymousUser()) == {"public"}
    assert visibility_for(applicant_admin) == {
        "public", f"user:{applicant_admin.pk}", f"org:{applicant_org.pk}", f"orgadmin:{applicant_org.pk}",
    }  # fmt: skip
    assert "gov:360121" in visibility_for(county_reviewer)
    assert "gov:3601" in visibility_for(city_reviewer)
    assert "admin" in visibility_for(platform_admin)


def test_listings_are_indexed_through_the_market_services(
    index_dir, applicant_org, applicant_member, county_reviewer, outsider, django_capture_on_commit_callbacks
):
    verify(applicant_org)
    today = timezone.localdate()
    data = market_services.ListingInput(
        mode=ListingMode.EXCLUSIVE_LICENCE, listed_from=today, listed_until=today + datetime.timedelta(days=30),
        patent_numbers="CN202310000001.5", title="稀土永磁电机专利独占许可", industry="new_energy",
        price_min=Decimal("80"), price_max=Decimal("120"),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        listing = market_services.create_listing(actor=applicant_member, organisation_id=applicant_org.pk, data=data)
    assert SearchOutbox.objects.filter(object_type="market.listing", object_id=str(listing.pk)).exists()
    apply_pending()
    assert titles(outsider, "永磁电机", type_names=["listing"]) == ([], 0)
    assert titles(applicant_member, "永磁电机", type_names=["listing"]) == (["稀土永磁电机专利独占许可"], 1)
    doc = listing_document(listing)
    assert doc.filters["transfer_mode"] == ["licence"]
    assert doc.filters["listing_mode"] == ["exclusive_licence"]
    assert doc.filters["price"] == [80.0, 120.0]


def test_published_listing_document_is_public(db, applicant_org):
    listing = ListingFactory(organisation=applicant_org, status=ReviewStatus.PUBLISHED, published_at=timezone.now())
    doc = listing_document(listing)
    assert doc.visibility == ["public"]
    assert doc.filters["year"] == [timezone.localdate().year]


def test_a_listing_is_found_by_the_words_of_its_achievements_abstract(db, applicant_org):
    """A description of terms alone ("价格面议") must not hide what is offered: the listing's text is
    its description and its achievement's abstract, and the snippet shows both."""
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory

    achievement = AchievementFactory(
        organisation=applicant_org, status=AchievementStatus.PUBLISHED, name="磁体工艺",
        abstract="采用晶界扩散降低钕铁硼磁体的重稀土用量。", published_at=timezone.now(),
    )  # fmt: skip
    listing = ListingFactory(
        organisation=applicant_org, achievement=achievement, description="价格面议，可现场考察。",
        status=ReviewStatus.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    doc = listing_document(listing)
    assert doc.fields["body"] == "价格面议，可现场考察。\n采用晶界扩散降低钕铁硼磁体的重稀土用量。"
    assert doc.summary == doc.fields["body"]
    listing.description = ""
    assert listing_document(listing).fields["body"] == "采用晶界扩散降低钕铁硼磁体的重稀土用量。"


def test_tokens_follow_a_membership_change_without_reindexing(applicant_org, outsider):
    from techtransfer.core.roles import forget
    from techtransfer.core.tests.factories import MembershipFactory

    assert f"org:{applicant_org.pk}" not in visibility_for(outsider)
    MembershipFactory(user=outsider, organisation=applicant_org)
    forget(outsider)
    assert f"org:{applicant_org.pk}" in visibility_for(outsider)


def test_hits_say_whether_they_are_public_on_the_page_and_in_the_api(needs_world, applicant_member, client):
    page = search(applicant_member, {"query": "钕铁硼", "type_names": ["need"]})
    marks = sorted((h.title, h.public) for h in page.results.hits)
    assert marks == [("钕铁硼磁体待审需求", False), ("钕铁硼磁体草稿需求", False), ("钕铁硼磁体高温退磁", True)]
    client.force_login(applicant_member)
    html = client.get("/search/", {"q": "钕铁硼", "type": "need"}, headers={"accept-language": "en"}).content.decode()
    assert html.count("search-not-public") == 2
    api = client.get("/api/v1/search", {"q": "钕铁硼", "type": "need"}).json()
    assert sorted((r["title"], r["public"]) for r in api["results"]) == marks


def test_facet_values_are_labelled_by_whichever_type_knows_them(needs_world):
    from django.utils import translation

    with translation.override("en"):
        page = search(AnonymousUser(), {"query": "钕铁硼"})
        modes = {f.name: f.values for f in page.facets}["transfer_mode"]
        # The achievements type declares transfer_mode first, without this value; the needs types label it.
        assert modes == [("commissioned", "Commissioned development (委托开发)", 2)]  # the need and its challenge
        assert sorted(v for v, _label, _n in page.type_counts) == ["challenge", "need"]
        # With one type chosen, the others keep their counts (what choosing them would show).
        chosen = search(AnonymousUser(), {"query": "钕铁硼", "type_names": ["need"]})
        assert chosen.results.total == 1 and [h.type for h in chosen.results.hits] == ["need"]
        assert sorted((v, n) for v, _label, n in chosen.type_counts) == [("challenge", 1), ("need", 1)]


def test_discipline_values_are_named_in_the_users_language():
    from django.utils import translation

    from techtransfer.search.services import value_labeller

    with translation.override("en"):
        assert value_labeller("discipline")("计算机科学与技术") == "Computer science and technology"
        assert value_labeller("discipline")("unknown") == "unknown"
    with translation.override("zh-hans"):
        assert value_labeller("discipline")("计算机科学与技术") == "计算机科学与技术"


def test_an_organisations_name_finds_its_records_only_as_a_whole(db, index_dir, applicant_org):
    """A short question that is a word of an organisation's name does not list all its records."""
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory
    from techtransfer.core.models import Organisation
    from techtransfer.search.services import reindex

    Organisation.objects.filter(pk=applicant_org.pk).update(name="赣州稀土研究院")
    AchievementFactory(
        organisation_id=applicant_org.pk, name="高效水稻灌溉控制系统", abstract="节水灌溉的自动控制。",
        keywords=["灌溉"], status=AchievementStatus.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    reindex()
    assert titles(None, "稀土", type_names=["achievement"]) == ([], 0)
    assert titles(None, "赣州稀土研究院", type_names=["achievement"]) == (["高效水稻灌溉控制系统"], 1)
    assert titles(None, "赣州稀土研究院 ", type_names=["achievement"]) == (["高效水稻灌溉控制系统"], 1)
    # A leading marker in the name ([演示] on demo data) need not be typed.
    Organisation.objects.filter(pk=applicant_org.pk).update(name="[演示] 赣州稀土研究院")
    reindex()
    assert titles(None, "赣州稀土研究院", type_names=["achievement"]) == (["高效水稻灌溉控制系统"], 1)
    assert titles(None, "[演示] 赣州稀土研究院", type_names=["achievement"]) == (["高效水稻灌溉控制系统"], 1)


def test_every_keyword_filter_declares_its_values():
    """The search page, the API and saved searches refuse a value no record can have; a keyword filter
    declared without its values would let any through (the listings' stage did)."""
    from techtransfer.search.registry import FilterKind, types

    loose = [
        (n, f.name)
        for n, st in types().items()
        for f in st.filters
        if f.kind == FilterKind.KEYWORD and f.values is None
    ]
    assert loose == []
