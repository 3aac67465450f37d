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


class SearchVector(models.Model):
    """The semantic vector of one indexed document, kept so the vector index can be rebuilt (and a
    reindex skips unchanged documents) without embedding again.

    `model_version` names the embedding table; `content_hash` the embedded text. The document's type,
    visibility tokens and filter values are kept beside it, because the vector index applies them
    itself. A document removed from the index keeps its row with `active` false until a reindex
    prunes it, so other processes learn of the removal (they follow `updated_at`).
    """

    uid = models.CharField(max_length=200, unique=True)
    model_version = models.CharField(max_length=40)
    content_hash = models.CharField(max_length=40)
    vector = models.BinaryField()  # float16, little endian
    doc_type = models.CharField(max_length=100)
    visibility = models.JSONField(default=list)
    filters = models.JSONField(default=dict)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.uid
