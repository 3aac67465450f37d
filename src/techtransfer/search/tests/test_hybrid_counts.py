"""The total and the facet counts of a hybrid or semantic search cover the same records: the word
matches and the records found by meaning alone."""

import pytest

from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.registry import PUBLIC, FilterKind, FilterSpec, SearchDocument, SearchType


def _doc(pk: str, body: str, industry: str, price: list[float] | None = None) -> SearchDocument:
    filters: dict[str, list] = {"industry": [industry]}
    if price is not None:
        filters["price"] = price
    return SearchDocument(
        type="doc", pk=pk, title=pk, url="", fields={"title": "", "body": body}, visibility=[PUBLIC],
        summary=body, filters=filters,
    )  # fmt: skip


@pytest.fixture
def backend(tmp_path):  # type: ignore[no-untyped-def]
    st = SearchType(
        name="doc", label="doc", model_label="x.doc", fields={"title": 3.0, "body": 1.0},
        filters=[FilterSpec("industry", "industry"), FilterSpec("price", "price", kind=FilterKind.FLOAT, facet=False)],
        load=lambda pks: iter(()),
    )  # fmt: skip
    b = HybridBackend(tmp_path / "index", [st])
    b.rebuild(
        [
            _doc("graphene", "石墨烯导热膜的连续化制备", "materials"),
            _doc("magnet", "稀土永磁同步电机的矢量控制", "energy"),
            _doc("rice", "水稻种植的节水灌溉技术", "farming"),
        ]
    )
    b.min_similarity = b.short_min_similarity = -1.0  # every record is a candidate by meaning
    return b


@pytest.mark.parametrize(
    ("mode", "total", "industries"),
    [
        (SearchMode.LEXICAL, 1, [("materials", 1)]),
        # One word match and two records found by meaning alone, counted in the facets too.
        (SearchMode.HYBRID, 3, [("materials", 1), ("energy", 1), ("farming", 1)]),
        (SearchMode.SEMANTIC, 3, [("materials", 1), ("energy", 1), ("farming", 1)]),
    ],
)
def test_total_and_facets_count_the_same_records(backend, mode, total, industries):  # type: ignore[no-untyped-def]
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type", "industry"]
    )
    results = backend.search(request)
    assert results.total == len(results.hits) == total
    assert results.facets["type"] == ([("doc", total)] if total else [])
    assert sorted(results.facets["industry"]) == sorted(industries)


@pytest.mark.parametrize("mode", [SearchMode.HYBRID, SearchMode.SEMANTIC])
def test_a_selected_facet_counts_its_other_values_too(backend, mode):  # type: ignore[no-untyped-def]
    """As on the lexical side: the other values stay on offer, each with what adding it would bring."""
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type", "industry"],
        terms={"industry": ["materials"]}, types=["doc"],
    )  # fmt: skip
    results = backend.search(request)
    assert [h.pk for h in results.hits] == ["graphene"]
    assert results.total == 1
    assert sorted(results.facets["industry"]) == [("energy", 1), ("farming", 1), ("materials", 1)]
    assert results.facets["type"] == [("doc", 1)]


def test_a_candidate_matching_the_words_beyond_the_lexical_list_is_counted_once(backend, monkeypatch):  # type: ignore[no-untyped-def]
    backend.depth = 1  # one lexical candidate for a one-hit page
    backend.rebuild(
        [
            _doc("graphene", "石墨烯 石墨烯 石墨烯导热膜", "materials"),
            _doc("graphene2", "一种电极材料的制备方法，所用原料含少量石墨烯与炭黑以及粘结剂", "energy"),
            _doc("rice", "水稻种植的节水灌溉技术", "farming"),
        ]
    )
    # By meaning: the second word match (not among the lexical candidates) and one record without the word.
    monkeypatch.setattr(backend.vectors, "search", lambda q, r, k: [("doc:graphene2", 0.9), ("doc:rice", 0.8)])
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=1, mode=SearchMode.HYBRID, facets=["industry"]
    )
    lexical = backend.lexical.candidates(request)
    assert lexical.total == 2 and [u for u, _ in lexical.scores] == ["doc:graphene"]
    results = backend.search(request)
    assert results.total == 3  # two word matches, one record by meaning alone
    assert sorted(results.facets["industry"]) == [("energy", 1), ("farming", 1), ("materials", 1)]


@pytest.mark.parametrize("mode", [SearchMode.LEXICAL, SearchMode.HYBRID])
def test_a_facet_with_a_selection_still_counts_its_other_values(backend, mode):  # type: ignore[no-untyped-def]
    hidden = _doc("secret", "石墨烯的内部配方", "farming")
    hidden.visibility = ["org:9"]
    backend.rebuild([_doc("film", "石墨烯导热膜", "materials"), _doc("electrode", "石墨烯电极", "energy"), hidden])
    backend.min_similarity = 1.01  # words only: the counts below are the word matches'
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type", "industry"],
        terms={"industry": ["materials"]},
    )  # fmt: skip
    results = backend.search(request)
    assert [h.pk for h in results.hits] == ["film"] and results.total == 1
    assert results.facets["type"] == [("doc", 1)]  # other facets count the selection's results
    # The selected facet counts without its own selection: energy is offered (adding it gives one
    # more result); the record the user may not see is not counted.
    assert sorted(results.facets["industry"]) == [("energy", 1), ("materials", 1)]


@pytest.mark.parametrize("mode", [SearchMode.HYBRID, SearchMode.SEMANTIC])
def test_counts_stay_the_same_across_pages_and_each_facet_count_is_what_its_link_shows(backend, mode):  # type: ignore[no-untyped-def]
    """The records found by meaning are the `depth` nearest whatever the page or the filters: a deeper
    page does not find more of them, and a filter keeps those of them that pass it."""
    backend.rebuild(
        [
            _doc("film", "石墨烯导热膜的连续化制备", "materials"),
            _doc("magnet", "稀土永磁同步电机的矢量控制", "energy"),
            _doc("rice", "水稻种植的节水灌溉技术", "farming"),
            _doc("battery", "锂离子电池正极材料的包覆改性", "energy"),
            _doc("cement", "低碳水泥熟料的煅烧工艺", "materials"),
        ]
    )
    backend.depth = 2  # two records by meaning
    ask = {"query": "石墨烯", "visibility": frozenset({PUBLIC}), "mode": mode, "facets": ["type", "industry"]}
    first = backend.search(SearchRequest(**ask, limit=1))
    by_meaning = {h.pk for h in backend.search(SearchRequest(**{**ask, "mode": SearchMode.SEMANTIC}, limit=9)).hits}
    assert len(by_meaning) == 2
    assert first.total == len(by_meaning | ({"film"} if mode == SearchMode.HYBRID else set()))  # film has the word
    for offset in (1, 2, 4):
        assert backend.search(SearchRequest(**ask, limit=1, offset=offset)).total == first.total
    assert sum(n for _, n in first.facets["industry"]) == first.total
    for value, count in first.facets["industry"]:
        clicked = backend.search(SearchRequest(**ask, limit=10, terms={"industry": [value]}))
        assert (value, clicked.total, len(clicked.hits)) == (value, count, count)
        assert sorted(clicked.facets["industry"]) == sorted(first.facets["industry"])


def test_a_request_without_facets_takes_its_own_nearest(backend):  # type: ignore[no-untyped-def]
    """Recommendations and "more like this" count nothing: a type or filter restricted request gets the
    nearest records that pass it, not the few of the unfiltered nearest that do."""
    backend.depth = 1
    ask = {"query": "石墨烯", "visibility": frozenset({PUBLIC}), "mode": SearchMode.SEMANTIC, "limit": 5}
    assert [h.pk for h in backend.search(SearchRequest(**ask)).hits] == ["graphene"]
    farming = backend.search(SearchRequest(**ask, terms={"industry": ["farming"]}))
    assert [h.pk for h in farming.hits] == ["rice"]


@pytest.mark.parametrize("mode", [SearchMode.HYBRID, SearchMode.SEMANTIC])
def test_ids_restrict_the_meaning_side_too(backend, mode):  # type: ignore[no-untyped-def]
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=5, mode=mode, facets=["type", "industry"],
        ids=["doc:rice"],
    )  # fmt: skip
    results = backend.search(request)
    assert ([h.pk for h in results.hits], results.total) == (["rice"], 1)
    assert results.facets["industry"] == [("farming", 1)]


def test_meaning_only_never_counts_a_record_whose_vector_entry_lags_behind_a_permission_change(backend):  # type: ignore[no-untyped-def]
    """The vector index still says "public" while the word index already hides the record: the total
    and the facets come from the word index's filters too, and the record is neither counted nor shown."""
    hidden = _doc("rice", "水稻种植的节水灌溉技术", "farming")
    hidden.visibility = ["org:9"]
    backend.lexical.apply([hidden], [])  # the vector entry is not updated
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.SEMANTIC, facets=["type", "industry"]
    )
    results = backend.search(request)
    assert sorted(h.pk for h in results.hits) == ["graphene", "magnet"]
    assert results.total == 2
    assert sorted(results.facets["industry"]) == [("energy", 1), ("materials", 1)]


@pytest.mark.parametrize(
    ("query", "most_words", "total"),
    [
        ("石墨烯导热", True, 1),  # words and their bigrams
        ("永磁电机控制", True, 1),  # a word the record does not hold (永磁电机) but bigrams it does
        ("稀土 石墨烯 水稻", True, 0),  # no record holds two of the three words
        ("稀土 石墨烯 水稻", False, 3),  # any word (a subscription's request)
        ("灌溉 graphene", False, 1),  # a Latin word is never left out of the counts
    ],
)
def test_the_counts_leave_out_words_their_bigrams_cover_with_the_same_numbers(backend, query, most_words, total):  # type: ignore[no-untyped-def]
    """The word search scores every token; its counts leave out the CJK words (their first bigram
    matches wherever they do). With a record type selected, the type facet is counted by that
    reduced query and the total by the scored one: they must agree."""
    request = SearchRequest(
        query=query, visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.LEXICAL,
        facets=["type", "industry"], types=["doc"], most_words=most_words, some_words_if_none=False,
    )  # fmt: skip
    results = backend.search(request)
    assert results.total == len(results.hits) == total
    assert results.facets["type"] == ([("doc", total)] if total else [])


@pytest.mark.parametrize("mode", [SearchMode.LEXICAL, SearchMode.HYBRID])
def test_a_short_question_no_record_holds_most_of_lists_those_holding_some(backend, mode):  # type: ignore[no-untyped-def]
    """No record holds two of 稀土 石墨烯 水稻: each record holding one of them is listed and counted,
    and the results say they hold only some of the words."""
    request = SearchRequest(
        query="稀土 石墨烯 水稻", visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type"], types=["doc"]
    )
    results = backend.search(request)
    assert (results.total, results.partial) == (3, True)
    assert sorted(h.pk for h in results.hits) == ["graphene", "magnet", "rice"]
    assert all(h.lexical_score for h in results.hits)
    assert results.facets["type"] == [("doc", 3)]
    # A question some record holds most of is not widened.
    held = backend.search(SearchRequest(query="石墨烯导热", visibility=frozenset({PUBLIC}), limit=10, mode=mode))
    assert (held.partial, held.hits[0].pk, held.hits[0].lexical_score is not None) == (False, "graphene", True)
    assert [h.pk for h in held.hits if h.lexical_score is not None] == ["graphene"]


def test_only_cjk_words_of_two_or_more_characters_are_covered_by_bigrams():
    from techtransfer.search import text

    tokens = text.query_tokens("稀土永磁 nd2o3 x射线")
    assert [t for t in tokens if text.covered_by_bigrams(t)] == ["稀土", "永磁", "射线"]


def test_a_short_question_needs_a_closer_meaning_than_a_long_one(backend, monkeypatch):  # type: ignore[no-untyped-def]
    """A record found by meaning alone at 0.55 is shown for a long question, not for a short one
    (SHORT_MIN_SIMILARITY): a word or two give a vector close to many unrelated records."""
    backend.min_similarity, backend.short_min_similarity = 0.5, 0.57
    monkeypatch.setattr(backend.vectors, "search", lambda qvec, request, depth: [("doc:rice", 0.55)])

    def ask(query: str):  # type: ignore[no-untyped-def]
        request = SearchRequest(
            query=query, visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.HYBRID, facets=["type"]
        )
        return backend.search(request)

    short = ask("钕铁硼")
    assert (short.total, short.hits) == (0, [])
    long = ask("钕铁硼磁体的高温退磁问题如何解决")
    assert (long.total, [h.pk for h in long.hits]) == (1, ["rice"])
    assert long.hits[0].semantic_similarity == pytest.approx(0.55)


@pytest.mark.parametrize("query", ["石墨烯", "石墨烯导热膜的连续化制备方法与装置"])  # short and long question
def test_pages_of_a_hybrid_search_show_each_result_once(backend, monkeypatch, query):  # type: ignore[no-untyped-def]
    """Every page ranks the same candidates: page by page, the results are the total's records, each
    once, in the order a one-page request gives them (deeper pages used to fuse a different set)."""
    docs = [_doc(f"g{i:02d}", "石墨烯" * (1 + i % 5) + f"导热膜样品{i}", "materials") for i in range(13)]
    docs += [_doc(f"m{i}", f"稀土永磁电机{i}", "energy") for i in range(3)]
    backend.rebuild(docs)
    backend.depth = 4  # four word matches fused with the records found by meaning, the rest follow

    def near(q, r, k):  # type: ignore[no-untyped-def]
        # by meaning: two word matches (one beyond the fused four) and two records without the word
        return [("doc:g12", 0.9), ("doc:m0", 0.85), ("doc:g03", 0.8), ("doc:m1", 0.7)][:k]

    monkeypatch.setattr(backend.vectors, "search", near)
    ask = {"query": query, "visibility": frozenset({PUBLIC}), "mode": SearchMode.HYBRID, "facets": ["type"]}
    whole = backend.search(SearchRequest(**ask, limit=50))
    assert whole.total == len(whole.hits) == 15  # 13 word matches, m0 and m1 by meaning alone
    paged = []
    for offset in range(0, 18, 3):
        page = backend.search(SearchRequest(**ask, limit=3, offset=offset))
        assert page.total == 15
        paged += [h.pk for h in page.hits]
    assert paged == [h.pk for h in whole.hits]
    assert len(set(paged)) == 15


@pytest.mark.parametrize("mode", [SearchMode.LEXICAL, SearchMode.HYBRID, SearchMode.SEMANTIC])
@pytest.mark.parametrize(
    ("lo", "hi", "found"),
    [
        (100, 120, ["band", "low", "point"]),  # 92–133 overlaps 100–120 though neither end is inside it
        (None, 95, ["band", "cheap", "low"]),
        (134, None, ["dear"]),
        (133, 133, ["band"]),  # the ends count
        (121, 125, ["band"]),
        (50, 60, []),
    ],
)
def test_a_price_range_finds_the_records_whose_prices_overlap_it(backend, mode, lo, hi, found):  # type: ignore[no-untyped-def]
    """A listing's price from–to and a need's budget are both indexed; a record passes a price filter
    when its range overlaps the filter's (as on the market list), in the word index and the vector
    index alike."""
    backend.rebuild(
        [
            _doc("band", "石墨烯导热膜", "materials", [92.0, 133.0]),
            _doc("low", "石墨烯电极", "materials", [80.0, 100.0]),
            _doc("point", "石墨烯涂料", "materials", [110.0]),
            _doc("cheap", "石墨烯墨水", "materials", [20.0, 40.0]),
            _doc("dear", "石墨烯薄膜设备", "materials", [140.0, 300.0]),
            _doc("none", "石墨烯纤维", "materials"),
        ]
    )
    request = SearchRequest(
        query="石墨烯", visibility=frozenset({PUBLIC}), limit=10, mode=mode, ranges={"price": (lo, hi)}
    )
    assert sorted(h.pk for h in backend.search(request).hits) == found


@pytest.mark.parametrize("mode", [SearchMode.LEXICAL, SearchMode.HYBRID, SearchMode.SEMANTIC])
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("石墨烯 -导热", ["ink"]),  # a term preceded by a minus sign excludes the records holding it
        ("石墨烯 -导热 -墨水", []),
        ("-导热", ["ink", "rice"]),  # exclusions alone: everything else
        ("石墨烯 -20", ["film", "ink"]),  # a negative number is a number, not an exclusion
    ],
)
def test_a_minus_sign_excludes_a_term_from_words_meaning_and_counts(backend, mode, query, found):  # type: ignore[no-untyped-def]
    backend.rebuild(
        [
            _doc("film", "石墨烯导热膜在-20℃的性能", "materials"),
            _doc("ink", "石墨烯导电墨水", "materials"),
            _doc("rice", "水稻种植的节水灌溉技术", "farming"),
        ]
    )
    request = SearchRequest(
        query=query, visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type", "industry"]
    )
    results = backend.search(request)
    if mode != SearchMode.LEXICAL and query.startswith("石墨烯"):  # every record is close in meaning here
        found = sorted({*found, "rice"})  # (rice holds neither excluded term)
    assert sorted(h.pk for h in results.hits) == found
    assert results.total == len(found) == sum(n for _, n in results.facets["type"])
    assert "导热" not in results.query_terms
