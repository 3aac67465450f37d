"""A short question (a term or two typed into the box) lists and counts only the records that hold most
of its words; a longer one stays an OR of its words, ranked. Records found by meaning are not held to
the words."""

import pytest

from techtransfer.search import text
from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType


@pytest.mark.parametrize(
    ("question", "words", "needed"),
    [
        ("锂离子电池", ("锂离子", "电池"), 2),
        ("稀土永磁", ("稀土", "永磁"), 2),
        ("稀土 永磁", ("稀土", "永磁"), 2),
        ("新能源汽车电池回收", ("新能源", "汽车", "电池", "回收"), 3),
        ("公路隧道施工技术", ("公路", "隧道", "施工", "技术"), 3),
        ("污水处理", ("污水", "处理"), 2),  # a compound kept whole is read as its parts…
        ("功率放大器 通信", ("功率", "放大器", "通信"), 2),  # … the fewest that cover it (not 放大 + 器)
        ("功率 放大器 通信", ("功率", "放大器", "通信"), 2),  # spaces or none: the same words
        ("二氧化钛 光催化", ("二氧化钛", "光催化"), 2),  # no parts cover 二氧化钛: kept whole
        ("污水处理膜", ("污水", "处理"), 2),  # a character joined at an end no word covers: as if apart…
        ("污水处理 膜", ("污水", "处理"), 2),  # … (QA: 331 records holding 处理 alone, against 6)
        ("废水处理剂", ("废水", "处理"), 2),
        ("石墨烯电极", ("石墨烯", "电极"), 2),  # 石墨 烯 → 石墨烯
        ("主成分 回归", ("主成分", "回归"), 2),  # 主 成分 → 主成分
        ("BP神经网络", ("bp", "神经", "网络"), 2),
        ("C反应蛋白", ("反应", "蛋白"), 2),  # a lone Latin letter is no word
        ("稀土永磁 -荧光", ("稀土", "永磁"), 2),  # an excluded term is not asked for
        ("电机控制稀土永磁回收提纯", ("电机", "控制", "稀土", "永磁", "回收", "提纯"), 4),
        ("石墨烯", (), 0),  # one word: its bigrams are found wherever they are (锂电池 ~ 锂离子电池)
        ("锂电池", (), 0),
        ("稀土", (), 0),
        ("锂", (), 0),
        ("研究", (), 0),
        ("MODIS", (), 0),
        ("5G通信", ("5g", "通信"), 2),  # a code of letters and digits is a word…
        ("石墨烯 -20", (), 0),  # … a number is not (a value: -20, 2024, 304)
        ("lithium ion battery", (), 0),  # longer than a term (19 characters)
        ("Navier-Stokes方程", (), 0),  # 13 characters
        ("一种用于稀土永磁电机的控制方法", (), 0),
    ],
)
def test_key_words(question, words, needed):
    assert text.key_words(question) == (words, needed)


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
            _doc("lithium_battery", "锂离子电池的热管理"),
            _doc("apart", "锂离子在正极材料中的迁移与电池容量"),
            _doc("lithium_ion", "锂离子在正极材料中的迁移"),
            _doc("fuel_cell", "燃料电池用阴离子交换膜"),
            _doc("graphene", "石墨烯片用作超级电容器电极"),
            _doc("graphite", "天然鳞片石墨电极的提纯"),
            _doc("electrode", "银电极的表面性能"),
            _doc("three_of_four", "新能源汽车的电池热管理"),
            _doc("two_of_four", "汽车电池的低温性能"),
        ]
    )
    return b


def _listed(backend, question: str, mode: SearchMode = SearchMode.LEXICAL) -> tuple[list[str], int, list]:  # type: ignore[no-untyped-def]
    req = SearchRequest(query=question, visibility=frozenset({PUBLIC}), limit=10, mode=mode, facets=["type"])
    results = backend.search(req)
    return sorted(h.pk for h in results.hits), results.total, results.facets["type"]


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("锂离子电池", ["apart", "lithium_battery"]),  # not 锂离子 alone, nor 离子 … 电池 of a fuel cell
        ("石墨烯电极", ["graphene"]),  # not graphite, nor another electrode
        ("新能源汽车电池回收", ["three_of_four"]),  # three of the four words, not two
        ("锂离子电池 -热管理", ["apart"]),
    ],
)
def test_a_short_question_lists_and_counts_records_holding_most_of_its_words(backend, question, listed):  # type: ignore[no-untyped-def]
    assert _listed(backend, question) == (listed, len(listed), [("doc", len(listed))])


def test_the_order_of_the_records_listed_is_the_words_order(backend):  # type: ignore[no-untyped-def]
    """The condition decides which records are listed, not their scores."""
    req = SearchRequest(query="锂离子电池", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.LEXICAL)
    hits = backend.search(req).hits
    assert [h.pk for h in hits] == ["lithium_battery", "apart"]
    assert hits[0].score > hits[1].score > 0


def test_a_long_question_still_lists_records_holding_any_of_its_words(backend):  # type: ignore[no-untyped-def]
    listed, total, _ = _listed(backend, "锂离子电池在低温条件下的容量衰减问题")
    assert "fuel_cell" in listed and "lithium_ion" in listed and total == len(listed)


def test_a_request_may_keep_any_word(backend):  # type: ignore[no-untyped-def]
    """Subscriptions read phrases between spaces as alternatives: their requests keep any word."""
    req = SearchRequest(
        query="锂离子电池", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.LEXICAL, most_words=False
    )
    assert "fuel_cell" in [h.pk for h in backend.search(req).hits]


def test_records_found_by_meaning_are_not_held_to_the_words(backend):  # type: ignore[no-untyped-def]
    backend.min_similarity = backend.short_min_similarity = -1.0  # every record is a candidate by meaning
    listed, total, facets = _listed(backend, "石墨烯电极", SearchMode.HYBRID)
    assert (len(listed), total, facets) == (9, 9, [("doc", 9)])
    assert _listed(backend, "石墨烯电极", SearchMode.SEMANTIC)[0] == listed


def test_records_found_by_meaning_alone_follow_the_word_matches_nearest_first(backend):  # type: ignore[no-untyped-def]
    """A short question ranks by words alone: the records found by meaning alone all score 0, and
    come after the word matches in the order of their similarity (they came in id order)."""
    backend.min_similarity = backend.short_min_similarity = -1.0
    req = SearchRequest(query="锂离子电池", visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.HYBRID)
    hits = backend.search(req).hits
    assert [h.pk for h in hits[:2]] == ["lithium_battery", "apart"]
    rest = hits[2:]
    assert len(rest) == 7 and all(h.lexical_score is None for h in rest)
    sims = [h.semantic_similarity for h in rest]
    assert sims == sorted(sims, reverse=True)
