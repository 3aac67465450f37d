"""Vectors in the database (`SearchVector`): written when the outbox is applied or on reindex, read
by every process to bring its in-memory vector index up to date."""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from django.utils import timezone

from techtransfer.search.models import DeepVector, SearchVector
from techtransfer.search.registry import SearchDocument
from techtransfer.search.semantic import deep
from techtransfer.search.semantic.encoder import document_parts, get_encoder
from techtransfer.search.semantic.index import Entry

if TYPE_CHECKING:
    from techtransfer.search.backends.hybrid import HybridBackend

SYNC_OVERLAP = datetime.timedelta(seconds=2)  # rows committed late with an earlier timestamp
# At most one look at the database per this many seconds and process: a page that runs several
# semantic queries (the recommendation panel) checks once. Changes applied in this process reach its
# vector index at once (`HybridBackend.apply`); other processes' changes within this delay.
SYNC_INTERVAL = 1.0
CHUNK = 2000


def content_hash(doc: SearchDocument) -> str:
    return hashlib.sha1(" ".join(document_parts(doc)).encode("utf-8"), usedforsecurity=False).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<f2").astype(np.float32)


def vectors_for(docs: Sequence[SearchDocument]) -> dict[str, np.ndarray]:
    """The vectors of `docs`: stored ones when text and table are unchanged, new ones otherwise.
    Every row is (re)written so visibility and filters stay current."""
    if not docs:
        return {}
    encoder = get_encoder()
    stored = {
        r.uid: r
        for r in SearchVector.objects.filter(uid__in=[d.uid for d in docs]).only(
            "uid", "model_version", "content_hash", "vector"
        )
    }
    out: dict[str, np.ndarray] = {}
    hashes = {d.uid: content_hash(d) for d in docs}
    todo = []
    for d in docs:
        row = stored.get(d.uid)
        if row is not None and row.model_version == encoder.version and row.content_hash == hashes[d.uid]:
            out[d.uid] = from_bytes(row.vector)
        else:
            todo.append(d)
    if todo:
        for d, v in zip(todo, encoder.encode_parts([document_parts(d) for d in todo]), strict=True):
            out[d.uid] = v
    now = timezone.now()
    rows = [
        SearchVector(
            uid=d.uid,
            model_version=encoder.version,
            content_hash=hashes[d.uid],
            vector=to_bytes(out[d.uid]),
            doc_type=d.type,
            visibility=list(d.visibility),
            filters={k: list(v) for k, v in d.filters.items()},
            active=True,
            updated_at=now,
        )
        for d in docs
    ]
    deep.queue(docs)
    SearchVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["uid"],
        update_fields=[
            "model_version",
            "content_hash",
            "vector",
            "doc_type",
            "visibility",
            "filters",
            "active",
            "updated_at",
        ],
    )
    return out


def mark_deleted(uids: Iterable[str]) -> None:
    uids = list(uids)
    if uids:
        SearchVector.objects.filter(uid__in=uids).update(active=False, updated_at=timezone.now())
        DeepVector.objects.filter(uid__in=uids).delete()  # nothing left to re-order, nothing to embed


def prune(keep: set[str], since: datetime.datetime) -> int:
    """After a rebuild: rows of documents no longer indexed become inactive."""
    stale = SearchVector.objects.filter(active=True, updated_at__lt=since).exclude(uid__in=keep)
    DeepVector.objects.filter(uid__in=stale.values("uid")).delete()
    return stale.update(active=False, updated_at=timezone.now())


class DatabaseSync:
    """`HybridBackend.sync`: applies the rows changed since the last call to the vector index."""

    def __init__(self) -> None:
        self.seen: datetime.datetime | None = None
        self.version: str | None = None
        self.stamps: dict[str, datetime.datetime] = {}  # updated_at of each row applied
        self.checked = 0.0  # time.monotonic() of the last look at the database
        self._lock = threading.Lock()

    def __call__(self, backend: HybridBackend) -> None:
        with self._lock:
            version = backend.encoder.version
            if self.version == version and time.monotonic() - self.checked < SYNC_INTERVAL:
                return
            self.checked = time.monotonic()
            started = timezone.now()
            rows = SearchVector.objects.all()
            if self.seen is not None and self.version == version:
                rows = rows.filter(updated_at__gte=self.seen - SYNC_OVERLAP)
            elif self.version != version and self.seen is not None:
                backend.vectors.replace([], np.zeros((0, backend.encoder.dim), dtype=np.float32))
                self.stamps.clear()
            if self.seen is not None and not rows.exists():
                self.seen = started
                return
            fields = ("uid", "updated_at", "model_version", "vector", "doc_type", "visibility", "filters", "active")
            entries: list[Entry] = []
            vectors: list[np.ndarray] = []
            gone: list[str] = []
            for uid, stamp, mv, raw, doc_type, visibility, filters, active in rows.values_list(*fields).iterator(CHUNK):
                if self.stamps.get(uid) == stamp:
                    continue  # applied by an earlier call (the overlap window)
                self.stamps[uid] = stamp
                if not active or mv != version:
                    gone.append(uid)
                    continue
                entries.append(Entry(uid=uid, type=doc_type, visibility=visibility, filters=filters))
                vectors.append(from_bytes(raw))
            backend.vectors.delete(gone)
            if entries:
                backend.vectors.upsert(entries, np.stack(vectors))
            self.seen, self.version = started, version
