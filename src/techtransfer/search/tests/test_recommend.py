"""Recommendations (need → achievements, listings, experts, institutions; achievement → needs,
enterprises) with every component of the score, and "more like this"; both only ever show records
the viewer may see, and answer 404 for a record the viewer may not see."""

import dataclasses
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from techtransfer.achievements.choices import AchievementStatus, PlanIndustry, SecrecyLevel
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationType, ReviewStatus
from techtransfer.core.tests.factories import OrganisationFactory
from techtransfer.market.choices import ListingMode
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.needs import services as need_services
from techtransfer.needs.choices import Confidentiality
from techtransfer.needs.tests.factories import need_data, published_need
from techtransfer.search import recommend
from techtransfer.search.backends import get_backend
from techtransfer.search.services import reindex, search

pytestmark = pytest.mark.django_db

TITLE = "钕铁硼磁体高温退磁"


def _achievement(org, name, abstract, n, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("keywords", ["钕铁硼"])
    return AchievementFactory(
        organisation=org, name=name, abstract=abstract, status=AchievementStatus.PUBLISHED,
        published_at=timezone.now(), registration_number=f"36020261000{n}", **kw,
    )  # fmt: skip


@pytest.fixture
def world(index_dir, applicant_org, applicant_admin, applicant_member, county_reviewer, other_org):  # type: ignore[no-untyped-def]
    need = published_need(
        org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title=TITLE,
        summary="需要降低钕铁硼磁体的高温不可逆退磁。", description="钕铁硼磁体在180℃下退磁严重。",
        industry="new_materials", cooperation_modes=["licence"], budget_min=Decimal("50"),
        budget_max=Decimal("200"), required_trl=6, confidentiality=Confidentiality.PUBLIC,
    )  # fmt: skip
    hidden_need = need_services.create_need(
        actor=applicant_member, organisation_id=applicant_org.pk,
        data=need_data(title="钕铁硼磁体晶界扩散的草稿需求", summary="钕铁硼磁体晶界扩散"),
    )  # fmt: skip
    uni = OrganisationFactory(
        type=OrganisationType.UNIVERSITY, region_id="360102", name="钕铁硼磁体研究大学", description="钕铁硼磁体"
    )
    ganzhou = OrganisationFactory(
        type=OrganisationType.ENTERPRISE, region_id="360702", name="钕铁硼磁体生产企业", description="钕铁硼磁体"
    )
    fit = _achievement(
        uni, "钕铁硼磁体晶界扩散技术", "通过晶界扩散降低钕铁硼磁体高温退磁。", 1,
        plan_industry="new_materials", trl=7, price=Decimal("100"), transfer_modes=["licence"],
    )  # fmt: skip
    poor = _achievement(
        ganzhou, "钕铁硼磁体回收工艺", "钕铁硼磁体废料回收再利用。", 2,
        plan_industry="new_energy", trl=5, price=Decimal("280"), transfer_modes=["assignment"],
    )  # fmt: skip
    internal = _achievement(
        uni, "钕铁硼磁体高温退磁内部方案", "钕铁硼磁体高温退磁的内部方案。", 3, secrecy=SecrecyLevel.INTERNAL,
        plan_industry="new_materials", trl=9, price=Decimal("10"), transfer_modes=["licence"],
    )  # fmt: skip
    listing = ListingFactory(
        organisation=uni, title="钕铁硼磁体晶界扩散专利许可", industry="new_materials",
        mode=ListingMode.NON_EXCLUSIVE_LICENCE, price_min=Decimal("250"), price_max=Decimal("300"),
        status=ReviewStatus.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    reindex()
    return {
        "need": need, "hidden_need": hidden_need, "uni": uni, "ganzhou": ganzhou, "fit": fit, "poor": poor,
        "internal": internal, "listing": listing, "other_org": other_org,
    }  # fmt: skip


def _groups(user, type_name, pk):  # type: ignore[no-untyped-def]
    doc = recommend.source_document(user, type_name, str(pk))
    assert doc is not None
    return {g.target.type: g.items for g in recommend.recommend(user, doc)}


def _parts(item):  # type: ignore[no-untyped-def]
    return {c.name: c.value for c in item.components}


def test_need_recommendations_show_each_component(world, outsider):
    groups = _groups(outsider, "need", world["need"].pk)
    achievements = groups["achievement"]
    assert [r.pk for r in achievements] == [str(world["fit"].pk), str(world["poor"].pk)]
    best, poor = achievements
    # Same industry, same city (南昌), TRL 7 ≥ 6, 100 ≤ budget 200, licence both.
    assert {k: v for k, v in _parts(best).items() if k != "relevance"} == {
        "industry": 1.0, "region": 1.0, "maturity": 1.0, "price": 1.0, "mode": 1.0,
    }  # fmt: skip
    # Other industry, same province (赣州), TRL 5 one short, 280 within 150 % of 200, assignment only.
    assert {k: v for k, v in _parts(poor).items() if k != "relevance"} == {
        "industry": 0.0, "region": 0.5, "maturity": 0.5, "price": 0.5, "mode": 0.0,
    }  # fmt: skip
    labels = {c.name: c.detail_label for c in poor.components}
    assert labels["region"] == "章贡区：同省，另一城市（计一半）"
    # A mismatched industry names both sides; the "Why" list has a line for every part.
    assert labels["industry"] == "新能源（本记录：新材料）"
    assert [c.why for c in poor.components][1:3] == [
        "行业：新能源（本记录：新材料）",
        "所在地区：章贡区：同省，另一城市（计一半）",
    ]
    rel_best, rel_poor = _parts(best)["relevance"], _parts(poor)["relevance"]
    assert rel_best == 1.0 and 0 < rel_poor <= 1.0
    assert best.score == pytest.approx(0.5 * rel_best + 0.15 + 0.10 + 0.10 + 0.10 + 0.05, abs=1e-4)
    assert poor.score == pytest.approx(0.5 * rel_poor + 0.10 * 0.5 + 0.10 * 0.5 + 0.10 * 0.5, abs=1e-4)
    # The listing asks 250–300 for a budget of 200: within 150 %; its licence mode maps to "licence".
    (listing,) = groups["listing"]
    assert (_parts(listing)["price"], _parts(listing)["mode"], _parts(listing)["maturity"]) == (0.5, 1.0, None)
    assert next(c.why for c in listing.components if c.name == "maturity") == "成熟度：一方未填写（按一半计）"
    # Institutions only (the enterprise is left out); experts of other seekers' panels are hidden.
    assert [r.pk for r in groups["organisation"]] == [str(world["uni"].pk)]
    assert groups["expert"] == []


def test_institutions_are_also_found_through_their_records(world, outsider, client):
    """A university whose description says nothing of the need is recommended through its achievement
    that fits, and the "Why" names that achievement; the enterprise owning the other one is no
    institution; the need's own organisation is never its own match."""
    from techtransfer.core.choices import OrganisationStatus

    lab = OrganisationFactory(
        type=OrganisationType.RESEARCH_INSTITUTE, region_id="360102", name="江西应用物理研究所",
        description="从事光学与声学研究。", status=OrganisationStatus.VERIFIED,
    )  # fmt: skip
    _achievement(
        lab, "钕铁硼磁体高温退磁抑制方法", "降低钕铁硼磁体180℃高温不可逆退磁。", 4, plan_industry="new_materials"
    )
    reindex()
    institutions = _groups(outsider, "need", world["need"].pk)["organisation"]
    assert sorted(r.pk for r in institutions) == sorted([str(world["uni"].pk), str(lab.pk)])
    found = next(r for r in institutions if r.pk == str(lab.pk))
    why = found.components[0].why
    assert why.startswith("相关度：通过其记录“钕铁硼磁体高温退磁抑制方法”：") and "相对于这些记录中最好的一条" in why
    # From the achievement side, the need's enterprise is recommended through its need.
    enterprises = _groups(outsider, "achievement", world["fit"].pk)["organisation"]
    assert str(world["need"].organisation_id) in [r.pk for r in enterprises]
    # The API names the record an organisation was found through (none for one found by its own text).
    client.force_login(outsider)
    api = client.get(f"/api/v1/needs/{world['need'].pk}/recommendations").json()
    (group,) = [g for g in api["groups"] if g["type"] == "organisation"]
    through = {r["id"]: r["through"] for r in group["results"]}
    record = next(a for a in Achievement.objects.filter(organisation=lab))
    assert through[str(lab.pk)] == {"type": "achievement", "id": str(record.pk), "title": record.name}


def test_a_records_own_organisations_records_are_not_recommended_to_it(world, outsider):
    """A company's own achievement is no news for its need, nor its need for its achievement."""
    own = _achievement(
        world["need"].organisation, "钕铁硼磁体高温退磁改进工艺", "降低钕铁硼磁体高温退磁的自有工艺。", 5,
        plan_industry="new_materials",
    )  # fmt: skip
    reindex()
    achievements = [r.pk for r in _groups(outsider, "need", world["need"].pk)["achievement"]]
    assert str(own.pk) not in achievements and str(world["fit"].pk) in achievements
    needs = [r.pk for r in _groups(outsider, "achievement", own.pk)["need"]]
    assert str(world["need"].pk) not in needs
    assert str(world["need"].pk) in [r.pk for r in _groups(outsider, "achievement", world["fit"].pk)["need"]]


def test_unknown_components_count_half(world):
    parts = [recommend.Component("relevance", 1.0), recommend.Component("industry", None)]
    assert recommend.total(parts) == 0.5 + 0.15 * 0.5
    assert sum(recommend.WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "applicant_member", "platform_admin"])
def test_an_internal_achievement_is_never_recommended(request, world, persona):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    groups = _groups(user, "need", world["need"].pk)
    assert str(world["internal"].pk) not in [r.pk for r in groups["achievement"]]
    assert str(world["fit"].pk) in [r.pk for r in groups["achievement"]]


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_an_achievement_the_viewer_may_find_but_not_public_is_never_offered(request, world, persona):
    """A draft is searchable by its organisation and platform admins, but matches and "more like this"
    offer public achievements only (`recommend.PUBLIC_CANDIDATES`), even a draft as the source."""
    unpublished = AchievementFactory(
        organisation=world["other_org"], name="钕铁硼磁体晶界扩散的草稿", abstract="通过晶界扩散降低钕铁硼磁体高温退磁。",
        keywords=["钕铁硼"], plan_industry="new_materials", trl=7, transfer_modes=["licence"],
    )  # fmt: skip
    reindex()
    user = request.getfixturevalue(persona)  # the outsider is an admin of the draft's organisation
    assert unpublished.name in [h.title for h in search(user, {"query": "钕铁硼 晶界扩散"}).results.hits]
    fit, poor = str(world["fit"].pk), str(world["poor"].pk)
    assert [r.pk for r in _groups(user, "need", world["need"].pk)["achievement"]] == [fit, poor]
    source = recommend.source_document(user, "achievement", fit)
    assert source is not None
    assert {h.pk for h in recommend.similar(user, source)} == {poor}
    own = recommend.source_document(user, "achievement", str(unpublished.pk))
    assert own is not None and own.visibility != ["public"]
    assert {h.pk for h in recommend.similar(user, own)} <= {fit, poor}
    assert {h.pk for h in recommend.similar(user, own)}


def test_achievement_recommends_needs_the_viewer_may_see_and_enterprises(world, outsider, applicant_member):
    fit = world["fit"]
    seen_by_outsider = _groups(outsider, "achievement", fit.pk)
    assert [r.pk for r in seen_by_outsider["need"]] == [str(world["need"].pk)]
    assert str(world["ganzhou"].pk) in [r.pk for r in seen_by_outsider["organisation"]]
    assert str(world["uni"].pk) not in [r.pk for r in seen_by_outsider["organisation"]]
    # The draft need is recommended to its own organisation's members only.
    seen_by_member = _groups(applicant_member, "achievement", fit.pk)
    assert sorted(r.pk for r in seen_by_member["need"]) == sorted([str(world["need"].pk), str(world["hidden_need"].pk)])
    # From the need side, maturity and price are read the other way round (the need is the demand).
    need_item = next(r for r in seen_by_outsider["need"] if r.pk == str(world["need"].pk))
    assert (_parts(need_item)["maturity"], _parts(need_item)["price"]) == (1.0, 1.0)


def test_more_like_this_excludes_itself_and_hidden_records(world, client, outsider, applicant_member):
    client.force_login(outsider)
    r = client.get(reverse("search:similar", args=["achievement", world["fit"].pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert reverse("achievements:detail", args=[world["poor"].pk]) in body
    assert reverse("achievements:detail", args=[world["fit"].pk]) not in body
    assert reverse("achievements:detail", args=[world["internal"].pk]) not in body
    data = client.get(f"/api/v1/search/similar/need/{world['need'].pk}").json()
    assert [x["id"] for x in data["results"]] == []  # the draft is not the outsider's to see
    client.force_login(applicant_member)
    data = client.get(f"/api/v1/search/similar/need/{world['need'].pk}").json()
    assert [x["id"] for x in data["results"]] == [str(world["hidden_need"].pk)]
    assert [x["public"] for x in data["results"]] == [False]  # a draft: only its organisation sees it
    data = client.get(f"/api/v1/search/similar/achievement/{world['fit'].pk}").json()
    assert {x["id"]: x["public"] for x in data["results"]}[str(world["poor"].pk)] is True


def test_endpoints_answer_404_for_records_the_user_may_not_see(world, client, outsider, applicant_member):
    client.force_login(outsider)
    hidden, internal = world["hidden_need"].pk, world["internal"].pk
    assert client.get(reverse("search:similar", args=["need", hidden])).status_code == 404
    assert client.get(reverse("search:recommend", args=["need", hidden])).status_code == 404
    assert client.get(reverse("search:similar", args=["achievement", internal])).status_code == 404
    assert client.get(reverse("search:similar", args=["nosuchtype", 1])).status_code == 404
    assert client.get(f"/api/v1/search/similar/need/{hidden}").status_code == 404
    assert client.get(f"/api/v1/needs/{hidden}/recommendations").status_code == 404
    assert client.get(f"/api/v1/achievements/{internal}/recommendations").status_code == 404
    assert client.get("/api/v1/needs/999999/recommendations").status_code == 404
    client.force_login(applicant_member)
    assert client.get(reverse("search:recommend", args=["need", hidden])).status_code == 200
    assert client.get(f"/api/v1/needs/{hidden}/recommendations").status_code == 200


def test_api_lists_weights_and_components(world, client):
    data = client.get(f"/api/v1/needs/{world['need'].pk}/recommendations").json()
    assert data["weights"] == recommend.WEIGHTS
    groups = {g["type"]: g for g in data["groups"]}
    first = groups["achievement"]["results"][0]
    assert first["id"] == str(world["fit"].pk)
    assert [c["name"] for c in first["components"]] == ["relevance", "industry", "region", "maturity", "price", "mode"]
    assert {c["name"]: c["value"] for c in first["components"]}["price"] == 1.0
    details = {c["name"]: (c["detail"], c["detail_label"]) for c in first["components"]}
    assert details["region"] == ("360102", "东湖区：同一城市")
    assert details["mode"][0] == "licence" and details["mode"][1] != "licence"
    assert details["industry"] == ("new_materials", str(PlanIndustry("new_materials").label))


def test_detail_pages_load_the_panels_lazily(world, client):
    need_page = client.get(reverse("needs:detail", args=[world["need"].pk])).content.decode()
    assert f'hx-get="{reverse("search:recommend", args=["need", world["need"].pk])}" hx-trigger="load"' in need_page
    assert f'hx-get="{reverse("search:similar", args=["need", world["need"].pk])}" hx-trigger="load"' in need_page
    page = client.get(reverse("achievements:detail", args=[world["fit"].pk])).content.decode()
    assert f'hx-get="{reverse("search:recommend", args=["achievement", world["fit"].pk])}"' in page
    page = client.get(reverse("market:detail", args=[world["listing"].pk])).content.decode()
    assert f'hx-get="{reverse("search:similar", args=["listing", world["listing"].pk])}"' in page
    page = client.get(reverse("core:organisation", args=[world["uni"].pk])).content.decode()
    assert f'hx-get="{reverse("search:similar", args=["organisation", world["uni"].pk])}"' in page


def test_panels_render_the_why_table_within_a_query_budget(world, client, outsider, django_assert_max_num_queries):
    client.force_login(outsider)
    # session, user, memberships, notification badge, the need, then one load per target type with
    # candidates (achievements, listings, experts, organisations), the organisations of the
    # recommended records not found by their own text, the names of the regions shown, and one look
    # for new e5 passage vectors (at most every SYNC_INTERVAL seconds per process): constant in the
    # number of candidates.
    with django_assert_max_num_queries(12):
        r = client.get(reverse("search:recommend", args=["need", world["need"].pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="recommend-achievement"' in body
    assert f'data-pk="{world["fit"].pk}"' in body
    assert "Industry" in body and "✓" in body
    assert (
        'title="东湖区 (Donghu District): in the same city"' in body and 'title="Licence (许可)"' in body
    )  # names, not codes
    # session, user, memberships (visibility), the record, the candidates re-loaded (the database is
    # the truth), the unread-notification badge (the passage vectors were looked for just now)
    with django_assert_max_num_queries(6):
        r = client.get(reverse("search:similar", args=["achievement", world["fit"].pk]))
    assert r.status_code == 200


def test_structured_fit_alone_does_not_recommend_an_unrelated_record(world, outsider):
    # Same industry, city, maturity, price and mode as the need; its text shares one word only.
    farm = OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360102", name="农业大学")
    weak = _achievement(
        farm, "水稻抗倒伏栽培", "水稻抗倒伏栽培管理，田间试验三年，亩产提高，倒伏严重时减产。", 4,
        plan_industry="new_materials", trl=9, price=Decimal("10"), transfer_modes=["licence"], keywords=["水稻"],
    )  # fmt: skip
    reindex()
    doc = recommend.source_document(outsider, "need", str(world["need"].pk))
    hits = recommend._hits(outsider, doc, "achievement", {}, recommend.CANDIDATES)
    scores = {h.pk: h.score for h in hits}
    weak_hit = next(h for h in hits if h.pk == str(weak.pk))
    # a candidate the engine finds (one shared word), far below the others in words and in meaning
    assert 0 < scores[str(weak.pk)] / max(scores.values()) < 0.5
    assert weak_hit.semantic_similarity is not None and weak_hit.semantic_similarity < recommend.MIN_MEANING
    titles = [r.title for r in _groups(outsider, "need", world["need"].pk)["achievement"]]
    assert titles == ["钕铁硼磁体晶界扩散技术", "钕铁硼磁体回收工艺"]


def test_experts_of_the_seekers_panels_are_recommended_to_the_seeker_only(
    world, applicant_admin, outsider, county_reviewer, django_capture_on_commit_callbacks
):
    from techtransfer.core.tests.factories import UserFactory
    from techtransfer.needs import challenges
    from techtransfer.needs.tests.factories import open_challenge
    from techtransfer.search.outbox import apply_pending

    UserFactory(username="magnet_expert", display_name="王磁材")
    with django_capture_on_commit_callbacks(execute=True):
        challenge = open_challenge(need=world["need"], seeker=applicant_admin)
        challenges.add_expert(actor=applicant_admin, challenge_id=challenge.pk, username="magnet_expert")
        # The seeker's next need on a like problem: the panel of the first is worth asking.
        second = published_need(
            org=world["need"].organisation, author=applicant_admin, reviewer=county_reviewer,
            title="钕铁硼磁体高温退磁的晶界扩散改进", summary="降低钕铁硼磁体的高温不可逆退磁。",
            industry="new_materials", confidentiality=Confidentiality.PUBLIC,
        )  # fmt: skip
    apply_pending()
    (expert,) = _groups(applicant_admin, "need", second.pk)["expert"]
    assert expert.title == "王磁材"
    assert {k: v for k, v in _parts(expert).items() if k != "relevance"} == {
        "industry": 1.0, "region": 1.0, "maturity": None, "price": None, "mode": None,
    }  # fmt: skip
    # Not for the need whose own challenge they judge (a perfect match of the panel it already has),
    # and never for another organisation.
    assert _groups(applicant_admin, "need", world["need"].pk)["expert"] == []
    assert _groups(applicant_admin, "challenge", challenge.pk)["expert"] == []
    assert _groups(outsider, "need", second.pk)["expert"] == []
    # The challenge page loads "more like this" too; the challenge is as visible as its need.
    page = _page_for(applicant_admin, reverse("challenges:detail", args=[challenge.pk]))
    assert f'hx-get="{reverse("search:similar", args=["challenge", challenge.pk])}"' in page


def _page_for(user, url):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_listing_recommends_needs_with_price_read_against_the_budget(world, outsider):
    groups = _groups(outsider, "listing", world["listing"].pk)
    (need,) = groups["need"]
    assert need.pk == str(world["need"].pk)
    # Asking 250–300 against a budget up to 200 (within 150 %); licence on both sides; same city.
    parts = _parts(need)
    assert (parts["price"], parts["mode"], parts["region"], parts["industry"]) == (0.5, 1.0, 1.0, 1.0)
    assert parts["maturity"] is None  # a listing by patent numbers states no TRL


def test_a_candidate_unrelated_in_meaning_is_not_recommended(world, outsider, monkeypatch):
    """The relative relevance gives the best candidate 1.0 however poor it is; an absolute floor on the
    meaning similarity keeps a lone unrelated candidate out (e.g. the only listing of the market)."""
    doc = recommend.source_document(outsider, "need", str(world["need"].pk))
    real = recommend._hits

    def with_similarity(sim):  # type: ignore[no-untyped-def]
        def hits(*args, **kwargs):  # type: ignore[no-untyped-def]
            return [dataclasses.replace(h, semantic_similarity=sim) for h in real(*args, **kwargs)]

        return hits

    monkeypatch.setattr(recommend, "_hits", with_similarity(recommend.MIN_MEANING - 0.01))
    groups = {g.target.type: g.items for g in recommend.recommend(outsider, doc)}
    assert groups["achievement"] == [] and groups["listing"] == []
    monkeypatch.setattr(recommend, "_hits", with_similarity(recommend.MIN_MEANING))
    groups = {g.target.type: g.items for g in recommend.recommend(outsider, doc)}
    assert [r.pk for r in groups["achievement"]] == [str(world["fit"].pk), str(world["poor"].pk)]


def test_more_like_this_explains_itself_with_its_rarest_shared_words():
    frequencies = {"研究": (900, 1000), "方法": (400, 1000), "稀土": (30, 1000), "永磁": (12, 1000), "667m2": (5, 1000)}
    words = ["研究", "稀土", "方法", "667m2", "永磁"]
    assert recommend.telling_words(words, frequencies) == ["永磁", "稀土"]
    assert recommend.telling_words(words, {}) == words[: recommend.WHY_WORDS]
    # Place names say where two records are, not what they share: 南昌, 江西省 and 赣州 are left out
    # (a county's name only in full: 合作市 does not make 合作 a place).
    places = {"南昌": (3, 1000), "江西省": (4, 1000), "赣州": (5, 1000), "合作": (6, 1000), "稀土": (30, 1000)}
    assert recommend.telling_words(list(places), places) == ["合作", "稀土"]


def test_similar_hits_carry_only_telling_words(world, outsider):
    _achievement(world["uni"], "晶界扩散工艺的改进", "改进钕铁硼磁体的晶界扩散工艺。", 4)
    reindex()
    doc = recommend.source_document(outsider, "achievement", str(world["fit"].pk))
    hits = recommend.similar(outsider, doc)
    words = {h.title: h.matched_terms for h in hits}["晶界扩散工艺的改进"]
    assert "钕铁硼" not in words and "磁体" not in words  # in every record here: explains nothing
    assert set(words) & {"晶界扩散", "晶界", "扩散"}
    frequencies = get_backend().document_frequencies([w for h in hits for w in h.matched_terms])
    assert any(h.matched_terms for h in hits)
    for h in hits:
        counts = [frequencies[w][0] for w in h.matched_terms]
        assert len(counts) <= recommend.WHY_WORDS and counts == sorted(counts)  # rarest first
        assert all(n <= recommend.FEW_DOCUMENTS for n in counts)  # a small index: common words dropped


def test_more_like_this_is_ordered_by_the_passage_vectors_when_there_are_some(world, outsider, monkeypatch):
    """The worker's e5 passage vectors decide the order of "more like this"; without vectors the first
    stage's order stays."""
    import numpy as np

    _achievement(world["uni"], "晶界扩散工艺的改进", "改进钕铁硼磁体的晶界扩散工艺。", 4)
    _achievement(world["uni"], "钕铁硼磁体的表面防护", "钕铁硼磁体表面镀层的耐蚀性研究。", 5)
    reindex()
    doc = recommend.source_document(outsider, "achievement", str(world["fit"].pk))
    first = recommend.similar(outsider, doc)
    assert len(first) >= 2 and all(h.context_similarity is None for h in first)
    last = first[-1]
    own = np.array([1.0, 0.0], dtype=np.float32)

    class Vectors:
        def vectors(self, uids):  # type: ignore[no-untyped-def]
            # The record itself, the first stage's last hit close to it, the others far.
            near = {doc.uid: own, f"{last.type}:{last.pk}": np.array([0.9, 0.436], dtype=np.float32)}
            return {u: near.get(u, np.array([0.0, 1.0], dtype=np.float32)) for u in uids}

    monkeypatch.setattr(get_backend(), "deep_vectors", Vectors(), raising=False)
    again = recommend.similar(outsider, doc)
    assert again[0].pk == last.pk and again[0].context_similarity == pytest.approx(0.9)
    assert {h.pk for h in again} >= {h.pk for h in first}


class _StoredVectors:
    """Stand-in for the worker's e5 passage vectors."""

    def __init__(self, known):  # type: ignore[no-untyped-def]
        self.known = known

    def vectors(self, uids):  # type: ignore[no-untyped-def]
        return {u: self.known[u] for u in uids if u in self.known}


def _near_poor(doc, fit, poor):  # type: ignore[no-untyped-def]
    """The source's passage says what the `poor` achievement's says; `fit`'s is farther."""
    import numpy as np

    return _StoredVectors(
        {
            doc.uid: np.array([1.0, 0.0], dtype=np.float32),
            f"achievement:{poor}": np.array([1.0, 0.0], dtype=np.float32),
            f"achievement:{fit}": np.array([0.6, 0.8], dtype=np.float32),
        }
    )


def test_need_recommendations_mix_in_how_close_the_passages_are(world, outsider, monkeypatch):
    """With e5 passage vectors for the need and its candidates, CONTEXT_WEIGHT of the relevance is the
    candidates' closeness among themselves (closest 1, farthest 0); the tooltip gives both parts."""

    doc = recommend.source_document(outsider, "need", str(world["need"].pk))
    before = {r.pk: _parts(r)["relevance"] for r in _groups(outsider, "need", world["need"].pk)["achievement"]}
    fit, poor = str(world["fit"].pk), str(world["poor"].pk)

    # The need and the poorer word match say the same; the better one is farther.
    monkeypatch.setattr(get_backend(), "deep_vectors", _near_poor(doc, fit, poor), raising=False)
    items = {r.pk: r for r in _groups(outsider, "need", world["need"].pk)["achievement"]}
    w = recommend.CONTEXT_WEIGHT
    assert _parts(items[fit])["relevance"] == pytest.approx((1 - w) * before[fit] + w * 0.0, abs=1e-4)
    assert _parts(items[poor])["relevance"] == pytest.approx((1 - w) * before[poor] + w * 1.0, abs=1e-4)
    shown = items[poor].components[0]
    assert shown.detail == f"{before[poor]:.2f}/1.00"
    meaning = next(h.semantic_similarity for h in recommend._hits(outsider, doc, "achievement", {}, 20) if h.pk == poor)
    assert shown.shown_detail == (
        f"文字与语义 {before[poor]:.2f}（相对于这些候选中最好的一个）；全文相近度（在这些候选中）1.00；"
        f"语义相似度 {meaning:.2f}（至少 0.62 才会推荐）"
    )
    # Without vectors the relevance is the engine's alone, as before.
    monkeypatch.setattr(get_backend(), "deep_vectors", None, raising=False)
    again = {r.pk: _parts(r)["relevance"] for r in _groups(outsider, "need", world["need"].pk)["achievement"]}
    assert again == before


def test_context_fit_spreads_the_cosines_from_farthest_to_closest():
    assert recommend.context_fit({"a": 0.8, "b": 0.9, "c": 0.85}) == pytest.approx({"a": 0.0, "b": 1.0, "c": 0.5})
    assert recommend.context_fit({"a": 0.8, "b": 0.8}) == {"a": 1.0, "b": 1.0}
    assert recommend.context_fit({}) == {}


def test_more_like_this_leaves_out_a_record_hidden_since_it_was_indexed(world, outsider):
    """The index lags (here: a status changed without the outbox); the database decides, as for
    recommendations."""
    from techtransfer.achievements.models import Achievement

    doc = recommend.source_document(outsider, "achievement", str(world["fit"].pk))
    assert str(world["poor"].pk) in {h.pk for h in recommend.similar(outsider, doc)}
    Achievement.objects.filter(pk=world["poor"].pk).update(status=AchievementStatus.WITHDRAWN)
    assert str(world["poor"].pk) not in {h.pk for h in recommend.similar(outsider, doc)}


def test_a_lone_recommended_candidate_gets_no_context_part(world, outsider, monkeypatch):
    """Closeness is compared among the candidates that are recommended at all: with one left (the
    other under MIN_MEANING) there is nothing to compare, and the relevance is the engine's."""

    doc = recommend.source_document(outsider, "need", str(world["need"].pk))
    fit, poor = str(world["fit"].pk), str(world["poor"].pk)
    real = recommend._hits

    def poor_unrelated(*args, **kwargs):  # type: ignore[no-untyped-def]
        return [dataclasses.replace(h, semantic_similarity=0.1) if h.pk == poor else h for h in real(*args, **kwargs)]

    monkeypatch.setattr(recommend, "_hits", poor_unrelated)
    monkeypatch.setattr(get_backend(), "deep_vectors", _near_poor(doc, fit, poor), raising=False)
    (only,) = {g.target.type: g.items for g in recommend.recommend(outsider, doc)}["achievement"]
    assert only.pk == fit
    relevance = only.components[0]
    assert (relevance.value, relevance.detail) == (1.0, "")
    # The lone candidate is the best of its group, however far: the tooltip says so, with its meaning.
    assert relevance.detail_label.startswith("文字与语义 1.00（相对于这些候选中最好的一个）；语义相似度 0.")


def test_context_fit_does_not_stretch_a_small_spread():
    # 0.006 apart: both stay close to the top, not 0 and 1.
    assert recommend.context_fit({"a": 0.8274, "b": 0.8334}) == pytest.approx({"a": 0.94, "b": 1.0})
    assert recommend.context_fit({"a": 0.5, "b": 0.9}) == pytest.approx({"a": 0.0, "b": 1.0})


def test_components_say_what_the_candidate_offers_when_it_does_not_fit():
    from techtransfer.search.recommend import Profile, maturity_fit, mode_fit, price_fit

    need = Profile(industry=None, region=None, trl=6, price=(50.0, 200.0), modes=frozenset({"licence"}))
    offer = Profile(industry=None, region=None, trl=5, price=(280.0, 300.0), modes=frozenset({"assignment"}))
    mode = mode_fit(need, offer)
    assert (mode.value, mode.detail) == (0.0, "assignment")
    assert mode.detail_label == "转让（本记录：许可）"  # what is offered, and what this record wants
    price = price_fit(need, offer)
    assert (price.value, price.detail, price.detail_label) == (0.5, "280 / 200", "报价 280 万元，预算至多 200 万元")
    maturity = maturity_fit(need, offer)
    assert (maturity.value, maturity.detail_label) == (0.5, "技术就绪度 5，需要 6")


def test_the_similar_api_gives_what_orders_its_results(world, client):
    r = client.get(f"/api/v1/search/similar/achievement/{world['fit'].pk}")
    assert r.status_code == 200
    results = r.json()["results"]
    assert results and all("context_similarity" in h for h in results)
    assert [h["context_similarity"] for h in results] == [None] * len(results)  # no vectors stored here


def test_more_like_this_lists_only_records_close_in_meaning(world, outsider, monkeypatch):
    """Unlike recommendations (relative relevance), "more like this" has an absolute floor: a record
    with no close neighbour lists none rather than the least distant unrelated ones."""
    doc = recommend.source_document(outsider, "achievement", str(world["fit"].pk))
    real = recommend._hits
    poor = str(world["poor"].pk)

    def poor_at(sim):  # type: ignore[no-untyped-def]
        def hits(*args, **kwargs):  # type: ignore[no-untyped-def]
            return [
                dataclasses.replace(h, semantic_similarity=sim) if h.pk == poor else h for h in real(*args, **kwargs)
            ]

        return hits

    monkeypatch.setattr(recommend, "_hits", poor_at(recommend.SIMILAR_MIN_MEANING - 0.01))
    assert poor not in {h.pk for h in recommend.similar(outsider, doc)}
    monkeypatch.setattr(recommend, "_hits", poor_at(recommend.SIMILAR_MIN_MEANING))
    assert poor in {h.pk for h in recommend.similar(outsider, doc)}


def test_a_word_in_every_record_of_the_type_explains_nothing():
    # The same disclaimer in each of 24 listings: rare in the index, not among listings.
    assert recommend.telling_words(["demo", "储层"], {"demo": (24, 24), "储层": (2, 24)}) == ["储层"]
    # A small collection: a word in 3 of 4 records still tells them apart, one in all 4 does not.
    assert recommend.telling_words(["晶界", "钕铁硼"], {"晶界": (3, 4), "钕铁硼": (4, 4)}) == ["晶界"]


def test_shared_words_are_counted_among_the_records_of_the_type(world):
    backend = get_backend()
    everywhere = backend.document_frequencies(["钕铁硼"])["钕铁硼"]
    achievements = backend.document_frequencies(["钕铁硼", "回收"], "achievement")
    # The three achievements are indexed (the internal one for its organisation, reviewers and admins),
    # all with 钕铁硼.
    assert achievements == {"钕铁硼": (3, 3), "回收": (1, 3)}
    assert everywhere[1] > 3
