"""Background task that keeps the index in step with the outbox. Takes no arguments; idempotent."""

from __future__ import annotations

from django_tasks import task

from techtransfer.search.outbox import apply_pending


@task()
def apply_outbox() -> int:
    """Apply every pending outbox row; a second delivery finds nothing left and does nothing."""
    return apply_pending().rows
