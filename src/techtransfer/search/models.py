"""The search outbox: one row per changed object, written in the transaction of the change."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class SearchOutbox(models.Model):
    """An object whose index entry must be refreshed (upserted, or deleted when no longer indexable).

    Written by `search.outbox.on_objects_changed` inside the changing transaction, so a rolled-back
    change leaves no row. `search.tasks.apply_outbox` claims rows with a conditional update
    (`claimed_at`), applies them to the index and sets `done_at`; a claim older than
    `outbox.CLAIM_TIMEOUT` belongs to a crashed worker and is taken over.
    """

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["done_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"
