"""Newest first: the same records and counts as the order by relevance, listed by their date; a search
without a question is always listed newest first (every record would score the same)."""

from datetime import UTC, datetime, timedelta

import pytest

from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.registry import PUBLIC, FilterSpec, SearchDocument, SearchType

DAY0 = datetime(2026, 1, 1, tzinfo=UTC)


def _doc(pk: str, body: str, industry: str, days: int | None) -> SearchDocument:
    return SearchDocument(
        type="doc", pk=pk, title=pk, url="", fields={"title": "", "body": body}, visibility=[PUBLIC],
        summary=body, filters={"industry": [industry]}, date=None if days is None else DAY0 + timedelta(days=days),
    )  # fmt: skip


DOCS = [
    _doc("old", "石墨烯导热膜 石墨烯 石墨烯", "materials", 1),  # the best word match, the oldest
    _doc("new", "一种含石墨烯的电极材料", "energy", 30),
    _doc("mid", "石墨烯散热涂层的制备", "materials", 10),
    _doc("rice", "水稻种植的节水灌溉技术", "farming", 20),
    _doc("undated", "稀土永磁同步电机", "energy", None),
]


@pytest.fixture
def backend(tmp_path):  # type: ignore[no-untyped-def]
    st = SearchType(
        name="doc", label="doc", model_label="x.doc", fields={"title": 3.0, "body": 1.0},
        filters=[FilterSpec("industry", "industry")], load=lambda pks: iter(()),
    )  # fmt: skip
    b = HybridBackend(tmp_path / "index", [st])
    b.rebuild(DOCS)
    return b


def _request(query: str, mode: SearchMode, **kw) -> SearchRequest:  # type: ignore[no-untyped-def]
    return SearchRequest(query=query, visibility=frozenset({PUBLIC}), mode=mode, facets=["type", "industry"], **kw)


@pytest.mark.parametrize("mode", [SearchMode.LEXICAL, SearchMode.HYBRID])
def test_the_same_word_matches_newest_first(backend, mode):  # type: ignore[no-untyped-def]
    backend.min_similarity = backend.short_min_similarity = 2.0  # nothing is found by meaning alone
    best = backend.search(_request("石墨烯", mode, limit=10))
    newest = backend.search(_request("石墨烯", mode, limit=10, newest=True))
    assert best.hits[0].pk == "old"
    assert [h.pk for h in newest.hits] == ["new", "mid", "old"]
    assert newest.total == best.total == 3
    assert newest.facets == best.facets
    # The order key is a date, not a score: no BM25 is shown for it.
    assert {h.lexical_score for h in newest.hits} == {None}


def test_hybrid_newest_first_lists_what_the_page_counts_including_records_found_by_meaning(backend):  # type: ignore[no-untyped-def]
    backend.min_similarity = backend.short_min_similarity = -1.0  # every record is a candidate by meaning
    best = backend.search(_request("石墨烯", SearchMode.HYBRID, limit=10))
    newest = backend.search(_request("石墨烯", SearchMode.HYBRID, limit=10, newest=True))
    assert best.total == newest.total == 5
    assert [h.pk for h in newest.hits] == ["new", "rice", "mid", "old", "undated"]
    assert sorted(h.pk for h in newest.hits) == sorted(h.pk for h in best.hits)
    assert all(h.semantic_similarity is not None and h.fused_score is None for h in newest.hits)


def test_newest_first_pages_and_filters(backend):  # type: ignore[no-untyped-def]
    backend.min_similarity = backend.short_min_similarity = -1.0
    pages = [
        [h.pk for h in backend.search(_request("石墨烯", SearchMode.HYBRID, limit=2, offset=o, newest=True)).hits]
        for o in (0, 2, 4)
    ]
    assert pages == [["new", "rice"], ["mid", "old"], ["undated"]]
    energy = backend.search(
        _request("石墨烯", SearchMode.SEMANTIC, limit=10, newest=True, terms={"industry": ["energy"]})
    )
    assert [h.pk for h in energy.hits] == ["new", "undated"]
    assert energy.total == 2
    assert sorted(energy.facets["industry"]) == [("energy", 2), ("farming", 1), ("materials", 2)]


@pytest.mark.parametrize("query", ["", "-稀土"])
def test_without_a_question_records_are_listed_newest_first(backend, query):  # type: ignore[no-untyped-def]
    results = backend.search(_request(query, SearchMode.HYBRID, limit=10))
    expected = ["new", "rice", "mid", "old", "undated"]
    assert [h.pk for h in results.hits] == [pk for pk in expected if not (query and pk == "undated")]


def test_the_order_without_a_question_survives_a_rebuild_in_another_order(backend):  # type: ignore[no-untyped-def]
    before = [h.pk for h in backend.search(_request("", SearchMode.HYBRID, limit=10)).hits]
    backend.rebuild(list(reversed(DOCS)))
    assert [h.pk for h in backend.search(_request("", SearchMode.HYBRID, limit=10)).hits] == before


# --- the search page and the API --------------------------------------------------------------------


@pytest.fixture
def two_published(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from techtransfer.achievements.models import Achievement
    from techtransfer.search.tests.helpers import draft, publish

    made = []
    for name, abstract, days in (
        ("稀土永磁电机的控制方法", "稀土永磁电机 稀土永磁电机 矢量控制", 1),  # the better match, older
        ("一种新型电机", "用于电动汽车的永磁电机。", 40),
    ):
        a = draft(verified, applicant_member, name=name, abstract=abstract, keywords=["电机"])
        with django_capture_on_commit_callbacks(execute=True):
            publish(a, applicant_admin, province_reviewer)
        Achievement.objects.filter(pk=a.pk).update(published_at=DAY0 + timedelta(days=days))
        made.append(a)
    call_command("reindex", stdout=__import__("io").StringIO())
    return made


@pytest.mark.django_db
def test_page_orders_by_relevance_or_newest_with_links_that_keep_the_question(client, two_published):  # type: ignore[no-untyped-def]
    older, newer = two_published
    best = client.get("/search/", {"q": "稀土永磁电机", "type": "achievement"})
    body = best.content.decode()
    assert body.index(older.name) < body.index(newer.name)
    assert '<strong aria-current="true">相关度</strong>' in body
    assert (
        'href="?q=%E7%A8%80%E5%9C%9F%E6%B0%B8%E7%A3%81%E7%94%B5%E6%9C%BA&amp;type=achievement&amp;sort=newest"' in body
    )
    newest = client.get("/search/", {"q": "稀土永磁电机", "type": "achievement", "sort": "newest"}).content.decode()
    assert newest.index(newer.name) < newest.index(older.name)
    assert '<strong aria-current="true">最新在前</strong>' in newest
    # A new question keeps the order (a hidden field of the form).
    assert '<input type="hidden" name="sort" value="newest">' in newest


@pytest.mark.django_db
def test_page_without_a_question_says_newest_first_and_offers_no_order(client, two_published):  # type: ignore[no-untyped-def]
    older, newer = two_published
    body = client.get("/search/", {"type": "achievement"}).content.decode()
    assert body.index(newer.name) < body.index(older.name)
    assert '<span class="small text-muted" id="result-order">最新在前</span>' in body
    assert "sort=newest" not in body


@pytest.mark.django_db
def test_api_sort(client, two_published):  # type: ignore[no-untyped-def]
    older, newer = two_published

    def titles(**params):  # type: ignore[no-untyped-def]
        r = client.get("/api/v1/search", {"q": "稀土永磁电机", "type": "achievement", **params}).json()
        return r["sort"], [x["title"] for x in r["results"]]

    assert titles() == ("relevance", [older.name, newer.name])
    assert titles(sort="newest") == ("newest", [newer.name, older.name])
    assert titles(q="") == ("newest", [newer.name, older.name])
    wrong = client.get("/api/v1/search", {"q": "电机", "sort": "oldest"})
    assert wrong.status_code == 422
    assert list(wrong.json()["details"]["fields"]) == ["sort"]


def test_equal_matches_keep_their_order_after_a_rebuild_in_another_order(tmp_path):  # type: ignore[no-untyped-def]
    st = SearchType(name="doc", label="doc", model_label="x.doc", fields={"body": 1.0}, load=lambda pks: iter(()))
    b = HybridBackend(tmp_path / "index", [st])
    twins = [_doc(pk, "石墨烯导热膜的连续化制备", "materials", 1) for pk in ("b", "a", "c")]
    req = SearchRequest(query="石墨烯导热膜", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.HYBRID)
    orders = []
    for docs in (twins, list(reversed(twins))):
        b.rebuild(docs)
        hits = b.search(req).hits
        orders.append([h.pk for h in hits])
        # Equal word scores: nearest by meaning first (the titles differ), then by id.
        assert orders[-1] == [h.pk for h in sorted(hits, key=lambda h: (-round(h.semantic_similarity, 4), h.pk))]
    assert orders[0] == orders[1] and sorted(orders[0]) == ["a", "b", "c"]
