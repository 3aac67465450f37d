"""Short queries: candidates that contain the whole query rank before partial matches."""

import pytest

from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import WHOLE_QUERY_BONUS, HybridBackend, whole_query_first
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType


def test_whole_query_first_adds_the_bonus_to_containing_candidates_only():
    ranked = [("t:a", 0.2, 3.0, 1.0), ("t:b", None, 2.0, 0.7), ("t:c", 0.5, None, 0.1), ("t:d", None, 1.0, 0.3)]
    payloads = {
        "t:a": {"title": "神经 网络", "text": "神经元与网络"},
        "t:b": {"title": "", "text": "基于ＢＰ神經網絡的预测"},  # full-width letters, traditional script
        "t:d": {"title": "bp神经网络", "text": ""},
    }
    out = whole_query_first("BP神经网络", ranked, payloads, 0.5)
    assert out == [("t:b", None, 2.0, 1.2), ("t:a", 0.2, 3.0, 1.0), ("t:d", None, 1.0, 0.8), ("t:c", 0.5, None, 0.1)]


def test_whole_query_first_reads_the_indexed_title_text_too():
    """An organisation shown by its Chinese name and found by its English one."""
    ranked = [("o:1", None, 2.0, 1.0), ("o:2", None, 1.0, 0.9)]
    payloads = {
        "o:1": {"title": "某稀土公司", "text": "稀土"},
        "o:2": {"title": "赣州稀土", "title_text": "赣州稀土 Rare Earth Co.", "text": "稀土分离"},
    }
    assert [u for u, *_ in whole_query_first("rare earth", ranked, payloads, 0.5)] == ["o:2", "o:1"]


def test_a_question_of_several_words_is_held_whole_by_a_record_holding_each_of_them():
    """稀土 永磁: a QA pass found the one record about both fourth, after records about either."""
    ranked = [("t:a", None, 3.0, 1.0), ("t:b", None, 2.5, 0.9), ("t:c", None, 2.0, 0.8), ("t:d", None, 1.0, 0.5)]
    payloads = {
        "t:a": {"title": "稀土纳米TiO2", "text": "稀土掺杂"},
        "t:b": {"title": "永磁同步电机", "text": "永磁体"},
        "t:c": {"title": "稀土", "text": "永 磁"},  # the two characters apart are not the word
        "t:d": {"title": "赣州示范稀土科技", "text": "钕铁硼永磁材料"},
    }
    out = whole_query_first("稀土 永磁", ranked, payloads, 0.5)
    assert out == [("t:a", None, 3.0, 1.0), ("t:d", None, 1.0, 1.0), ("t:b", None, 2.5, 0.9), ("t:c", None, 2.0, 0.8)]


def test_whole_query_first_keeps_the_order_for_an_empty_query():
    ranked = [("t:a", None, 1.0, 1.0), ("t:b", None, 0.5, 0.5)]
    assert whole_query_first("  ", ranked, {"t:b": {"title": "", "text": " "}}, 0.5) == ranked


def _doc(pk: str, body: str) -> SearchDocument:
    return SearchDocument(
        type="doc", pk=pk, title=pk, url="", fields={"title": "", "body": body}, visibility=[PUBLIC], summary=body
    )


@pytest.mark.parametrize("bonus", [0.0, WHOLE_QUERY_BONUS])
def test_hybrid_short_query_puts_the_document_with_the_whole_keyword_first(tmp_path, bonus):
    st = SearchType(
        name="doc", label="doc", model_label="x.doc", fields={"title": 3.0, "body": 1.0}, load=lambda pks: iter(())
    )
    backend = HybridBackend(tmp_path / "index", [st])
    backend.whole_query_bonus = bonus
    backend.rebuild(
        [
            _doc("partial", "神经 网络 " * 6),
            _doc("whole", "改进的神经网络模型。" + "电力负荷预测误差明显降低，收敛速度与稳定性提高。" * 12),
            _doc("other", "水稻种植的节水灌溉技术"),
        ]
    )
    request = SearchRequest(query="神经网络", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.HYBRID)
    lexical = backend.lexical.search(request)
    assert [h.pk for h in lexical.hits] == ["partial", "whole"]  # BM25 alone prefers the repeated parts
    hits = backend.search(request).hits
    expected = ["partial", "whole"] if bonus == 0.0 else ["whole", "partial"]
    assert [h.pk for h in hits][:2] == expected
    assert all(h.title for h in hits)  # payloads found for every shown hit
    # The hit that got the bonus says so (its combined score may exceed 1); the others do not.
    assert {h.pk: h.whole_query_bonus for h in hits if h.pk != "other"} == {
        "whole": bonus or None,
        "partial": None,
    }
