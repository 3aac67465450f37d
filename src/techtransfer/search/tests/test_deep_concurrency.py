"""Two workers filling the e5 queue at once on PostgreSQL take different batches: each batch is
locked while it is embedded (FOR UPDATE SKIP LOCKED), so no passage is embedded twice.

Threads need committed data and their own connections, so the test uses a transactional database
and is skipped on SQLite (which has one writer and no row locks); the PostgreSQL lane runs it. A
transactional test flushes every table afterwards, so the module puts the regions back when it ends.
"""

import contextlib
import threading

import numpy as np
import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from techtransfer.search.models import DeepVector
from techtransfer.search.semantic import deep

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions_after_module")]


@pytest.fixture(autouse=True)
def _postgresql_only(transactional_db):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; the PostgreSQL lane runs this test")


class MeetingEncoder:
    """Embeds nothing until both workers hold a batch, so that they really run at the same time."""

    version = "fake-1"

    def __init__(self, meeting: threading.Barrier) -> None:
        self.meeting = meeting
        self.embedded: list[str] = []
        self._lock = threading.Lock()

    def passages(self, texts):  # type: ignore[no-untyped-def]
        with contextlib.suppress(threading.BrokenBarrierError):  # the other worker is done: carry on alone
            self.meeting.wait(timeout=5)
        with self._lock:
            self.embedded.extend(texts)
        return np.ones((len(texts), 3), dtype=np.float32)


def test_two_workers_embed_different_batches():
    texts = [f"第{i}段文字" for i in range(8)]
    DeepVector.objects.bulk_create(
        DeepVector(uid=f"achievement:{i}", text=t, text_hash=deep.passage_hash(t), updated_at=timezone.now())
        for i, t in enumerate(texts)
    )
    meeting = threading.Barrier(2)
    encoder = MeetingEncoder(meeting)
    filled: list[int] = []

    def worker() -> None:
        try:
            filled.append(deep.fill_pending(encoder, batch=4, budget=10.0))
        finally:
            meeting.abort()  # a worker that is done never keeps the other waiting
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(encoder.embedded) == sorted(texts)  # every passage once, none twice
    assert sorted(filled) == [4, 4]  # each worker took one batch of its own
    assert deep.pending_count("fake-1") == 0
