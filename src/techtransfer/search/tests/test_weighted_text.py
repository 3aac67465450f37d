"""The declared fields are indexed as one text, each field's tokens written as often as its weight
(BM25F, ADR 0028): a title match still ranks first, a lone character ranks the records that hold it
often and in their titles first, and a weight must be a whole number."""

import json

import pytest
import tantivy

from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.tantivy_backend import WORDS, TantivyBackend
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType


def _type(fields: dict[str, float]) -> SearchType:
    return SearchType(name="doc", label="doc", model_label="x.doc", fields=fields, load=lambda pks: iter(()))


def _doc(pk: str, title: str, body: str, keywords: str = "") -> SearchDocument:
    fields = {"title": title, "keywords": keywords, "body": body}
    return SearchDocument(type="doc", pk=pk, title=title, url="", fields=fields, visibility=[PUBLIC], summary=body)


@pytest.fixture
def backend(tmp_path):  # type: ignore[no-untyped-def]
    b = TantivyBackend(tmp_path / "index", [_type({"title": 3.0, "keywords": 2.0, "body": 1.0})])
    b.rebuild(
        [
            _doc("body", "电机控制方法", "本文研究永磁同步电机，其中转子采用稀土材料制成。"),
            _doc("title", "稀土冶炼废水处理", "本文研究冶炼厂废水的处理工艺与设备。"),
            _doc("keywords", "分离提纯工艺", "本文研究一种分离提纯的工艺流程与设备。", keywords="稀土"),
            _doc("lithium-title", "锂电池正极材料", "正极材料的合成工艺。"),
            _doc("lithium-body", "储能系统设计", "储能系统中的富锂材料。"),
            _doc("none", "水稻节水灌溉", "水稻种植的节水灌溉技术。"),
        ]
    )
    return b


def _ranked(backend: TantivyBackend, query: str) -> list[str]:
    req = SearchRequest(query=query, visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.LEXICAL)
    return [h.pk for h in backend.search(req).hits]


def test_title_before_keywords_before_body(backend):  # type: ignore[no-untyped-def]
    assert _ranked(backend, "稀土") == ["title", "keywords", "body"]


def test_each_field_is_written_as_often_as_its_weight(backend):  # type: ignore[no-untyped-def]
    searcher = backend.index.searcher()
    # One text field; the title's words are in it three times, the body's once.
    assert backend.weights == {"title": 3, "keywords": 2, "body": 1}
    with pytest.raises(ValueError):  # no field per declared field any more
        searcher.doc_freq("f_title", "_稀土")
    assert searcher.doc_freq(WORDS, "_稀土") == 3
    # The term frequency BM25 reads: 冶炼 three times from the title (稀土冶炼废水处理), once from the body.
    query = tantivy.Query.term_query(backend.schema, WORDS, "_冶炼")
    [(_score, address)] = searcher.search(query, limit=10).hits
    freq = _find(json.loads(query.explain(searcher, address).to_json()), "freq, occurrences of term within document")
    assert freq == 4.0


def _find(node: dict, description: str) -> float | None:
    if node.get("description") == description:
        return float(node["value"])
    for child in node.get("details", []):
        if (found := _find(child, description)) is not None:
            return found
    return None
    assert backend.document_frequencies(["_稀土", "_锂电", "_水稻"]) == {
        "_稀土": (3, 6),
        "_锂电": (1, 6),
        "_水稻": (1, 6),
    }


def test_a_lone_character_ranks_records_holding_it_in_their_title_first(backend):  # type: ignore[no-untyped-def]
    # 锂 is in a title bigram (锂电) of one record and inside another's body (富锂): both are found.
    assert _ranked(backend, "锂") == ["lithium-title", "lithium-body"]


@pytest.mark.parametrize("weight", [1.5, 0.0, -1.0])
def test_a_weight_must_be_a_whole_number(tmp_path, weight):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="whole number"):
        TantivyBackend(tmp_path / "index", [_type({"title": weight, "body": 1.0})])
