"""Writing and applying the search outbox (the index is derived data; the database is the truth)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from techtransfer.search import subscriptions
from techtransfer.search.backends import get_backend
from techtransfer.search.backends.base import BackendBusy
from techtransfer.search.models import SearchOutbox
from techtransfer.search.registry import SearchDocument, is_indexed, type_for_model, types
from techtransfer.search.semantic import store as vector_store

# A claim older than this is a dead worker's (a batch takes seconds): its rows are free again. A
# worker killed mid-batch holds its rows at most this long; the catch-up round then applies them.
CLAIM_TIMEOUT = datetime.timedelta(minutes=2)
BATCH = 500


def on_objects_changed(object_type: str, object_ids: Sequence[str]) -> None:
    """Audit-hook listener: an outbox row per changed object of a registered type, then one task.

    Runs inside the caller's transaction; the task is enqueued on commit (once per transaction).
    """
    if not is_indexed(object_type):
        return
    SearchOutbox.objects.bulk_create([SearchOutbox(object_type=object_type, object_id=i) for i in object_ids])
    schedule_apply()


class _Enqueue:
    """The on-commit callback; `done` tells a pending callback from one that already ran."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        from techtransfer.search.tasks import apply_outbox

        self.done = True
        apply_outbox.enqueue()


def schedule_apply() -> None:
    """Enqueue `apply_outbox` when the current transaction commits (at most once per transaction).

    A rolled-back block drops its callbacks from `run_on_commit`, so a callback found there that has
    not run yet will run on this commit.
    """
    pending = (entry[1] for entry in connection.run_on_commit)
    if connection.in_atomic_block and any(isinstance(f, _Enqueue) and not f.done for f in pending):
        return
    transaction.on_commit(_Enqueue())


@dataclass
class Applied:
    rows: int = 0
    upserted: int = 0
    deleted: int = 0
    busy: bool = False  # stopped because another process held the index writer (a reindex)


def _claim(token: str, now: datetime.datetime) -> list[SearchOutbox]:
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    ids = list(
        SearchOutbox.objects.filter(free, done_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return []
    # Conditional update: a row another worker claimed meanwhile no longer matches `free`.
    SearchOutbox.objects.filter(free, pk__in=ids, done_at__isnull=True).update(claimed_at=now, claim_token=token)
    return list(SearchOutbox.objects.filter(claim_token=token, done_at__isnull=True))


def apply_pending(*, max_batches: int | None = None) -> Applied:
    """Apply unapplied outbox rows to the index, batch by batch, until none is left.

    Idempotent: applying a row re-reads the current database state of its object, so applying it
    twice (after a crash between index commit and `done_at`) gives the same index.
    """
    total = Applied()
    backend = get_backend()
    batches = 0
    while max_batches is None or batches < max_batches:
        token = uuid.uuid4().hex
        rows = _claim(token, timezone.now())
        if not rows:
            break
        batches += 1
        by_type: dict[str, set[str]] = {}
        for row in rows:
            by_type.setdefault(row.object_type, set()).add(row.object_id)
        # Documents built from other objects (an achievement shows its organisation's name).
        for declared in types().values():
            for source, our_pks in declared.dependents.items():
                if source in by_type:
                    by_type.setdefault(declared.model_label, set()).update(our_pks(sorted(by_type[source])))
        upserts: list[SearchDocument] = []
        deletes: list[str] = []
        for model_label, pks in by_type.items():
            st = type_for_model(model_label)
            if st is None:
                continue
            found = {doc.pk: doc for doc in st.load(sorted(pks))}
            upserts.extend(found.values())
            deletes.extend(f"{st.name}:{pk}" for pk in pks if pk not in found)
        vectors = vector_store.vectors_for(upserts)  # stored with the model version (rebuild without embedding)
        vector_store.mark_deleted(deletes)
        try:
            backend.apply(upserts, deletes, vectors)
        except BackendBusy:
            SearchOutbox.objects.filter(claim_token=token).update(claimed_at=None, claim_token="")
            total.busy = True
            break
        # Before `done_at`: a worker dying here re-applies and re-matches (matches notify at most once).
        subscriptions.match_changed(upserts)
        SearchOutbox.objects.filter(claim_token=token).update(done_at=timezone.now())
        total.rows += len(rows)
        total.upserted += len(upserts)
        total.deleted += len(deletes)
    return total


def lag() -> dict[str, object]:
    """Unapplied outbox rows: how many, and the age in seconds of the oldest; and the passages still
    waiting for their e5 vector (the re-ranking stage, `semantic.deep`), for /healthz."""
    from techtransfer.search.semantic.deep import pending_count

    pending = SearchOutbox.objects.filter(done_at__isnull=True)
    agg = pending.aggregate(oldest=Min("created_at"))
    oldest = agg["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"pending": pending.count(), "oldest_seconds": round(age, 1), "rerank_pending": pending_count()}
