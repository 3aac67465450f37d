"""Background task that keeps the index in step with the outbox. Takes no arguments; idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from techtransfer.search.outbox import apply_pending

# When the index writer is busy (a reindex is running), the task tries again this much later rather
# than leaving the rows to the next catch-up round.
RETRY_WHEN_BUSY = datetime.timedelta(seconds=5)


@task()
def apply_outbox() -> int:
    """Apply every pending outbox row; a second delivery finds nothing left and does nothing."""
    applied = apply_pending()
    # Only where tasks can wait (the database backend): an immediate backend would retry at once,
    # forever; there the catch-up round applies the rows.
    if applied.busy and apply_outbox.get_backend().supports_defer:
        apply_outbox.using(run_after=timezone.now() + RETRY_WHEN_BUSY).enqueue()
    return applied.rows
