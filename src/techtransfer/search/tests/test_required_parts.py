"""A quoted part of the question is required: only records holding it are listed and counted, also
among those found by meaning; recommendations and the benchmark read quotes as punctuation."""

import pytest

from techtransfer.search import text
from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType


def test_required_parts_and_literal():
    assert text.required_parts('"稀土 元素" 回收') == ["稀土 元素"]
    assert text.required_parts("“稀土元素”的提取") == ["稀土元素"]
    assert text.required_parts('稀土 "" “ ”') == []
    assert text.required_parts('unclosed "稀土') == []
    assert text.literal("关于“一带一路”的研究 -Al2O3") == "关于 一带一路 的研究 Al2O3"
    assert text.positive_query('"稀土 元素" -荧光') == '"稀土 元素"'
    # A minus sign before quotes excludes the quoted part (it was read as required).
    assert text.split_exclusions('稀土 -"荧光 粉"') == ("稀土", ["荧光 粉"])
    assert text.split_exclusions("稀土 －“荧光粉”") == ("稀土", ["荧光粉"])
    assert text.required_parts('-"稀土 元素" 回收') == []


def _doc(pk: str, body: str) -> SearchDocument:
    return SearchDocument(
        type="doc", pk=pk, title=pk, url="", fields={"title": "", "body": body}, visibility=[PUBLIC], summary=body
    )


@pytest.fixture
def backend(tmp_path):  # type: ignore[no-untyped-def]
    st = SearchType(
        name="doc", label="doc", model_label="x.doc", fields={"title": 3.0, "body": 1.0}, load=lambda pks: iter(())
    )
    b = HybridBackend(tmp_path / "index", [st])
    b.rebuild(
        [
            _doc("both", "稀土元素的分离与提纯"),
            _doc("earth", "稀土永磁电机的控制"),
            _doc("element", "戏曲艺术中的传统元素"),
            _doc("neither", "水稻种植的节水灌溉"),
        ]
    )
    b.min_similarity = b.short_min_similarity = -1.0  # every record is a candidate by meaning
    return b


@pytest.mark.parametrize("mode", list(SearchMode))
@pytest.mark.parametrize("query", ['"稀土 元素"', "“稀土元素”"])
def test_only_records_holding_the_quoted_part_are_listed_and_counted(backend, mode, query):  # type: ignore[no-untyped-def]
    req = SearchRequest(query=query, visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type"])
    results = backend.search(req)
    assert [h.pk for h in results.hits] == ["both"]
    assert (results.total, results.facets["type"]) == (1, [("doc", 1)])


def test_without_quotes_most_words_or_any_word_match(backend):  # type: ignore[no-untyped-def]
    """A short question lists the records holding most of its words (here both, `text.key_words`);
    a subscription's request keeps any word. Quotes also require their words in records found by
    meaning (above)."""
    req = SearchRequest(query="稀土 元素", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.LEXICAL)
    assert sorted(h.pk for h in backend.search(req).hits) == ["both"]
    req.most_words = False
    assert sorted(h.pk for h in backend.search(req).hits) == ["both", "earth", "element"]


@pytest.mark.parametrize("mode", list(SearchMode))
def test_a_minus_before_quotes_leaves_out_the_records_holding_all_of_it(backend, mode):  # type: ignore[no-untyped-def]
    req = SearchRequest(query='稀土 -"稀土 元素"', visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type"])
    results = backend.search(req)
    assert "both" not in [h.pk for h in results.hits]
    if mode != SearchMode.SEMANTIC:  # by words: the other record about 稀土
        assert results.hits[0].pk == "earth"
    everything_else = SearchRequest(query='-"稀土 元素"', visibility=frozenset({PUBLIC}), limit=10, mode=mode)
    assert sorted(h.pk for h in backend.search(everything_else).hits) == ["earth", "element", "neither"]
