"""The search outbox: one row per changed object, written in the transaction of the change."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class SearchSubscription(models.Model):
    """A saved search or a profile of interests whose new and changed matches are pushed to its owner.

    Both kinds are stored as one engine request (query, types, keyword/prefix `terms`, `ranges`); a
    profile's keywords become an OR query. Matching runs in `search.subscriptions` after the outbox
    was applied, with the owner's visibility; `last_digest_at` is when the last digest went out (the
    creation time at first), so a daily or weekly digest is due one period after it. A paused
    subscription (`active` False) records no matches and sends nothing.
    """

    class Kind(models.TextChoices):
        SEARCH = "search", _("Saved search")
        PROFILE = "profile", _("Interest profile")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="search_subscriptions")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SEARCH)
    query = models.CharField(_("search terms"), max_length=200, blank=True)
    types = models.JSONField(_("record types"), default=list, blank=True)
    terms = models.JSONField(_("filters"), default=dict, blank=True)
    ranges = models.JSONField(_("ranges"), default=dict, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_digest_at = models.DateTimeField(_("last digest sent at"), default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["active", "frequency"])]
        verbose_name = _("search subscription")
        verbose_name_plural = _("search subscriptions")

    def __str__(self) -> str:
        return self.name


class SubscriptionMatch(models.Model):
    """A record that matched a subscription: at most one row per (subscription, record), ever.

    The unique constraint is what makes notification at-most-once: whoever inserts the row (the
    first of two concurrent workers, the first of two changes of the record) notifies; everyone else
    finds it there. `notified_at` is empty while the match waits for its digest.
    """

    subscription = models.ForeignKey(SearchSubscription, on_delete=models.CASCADE, related_name="matches")
    object_uid = models.CharField(max_length=120)
    title = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=300, blank=True)
    matched_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["subscription", "object_uid"], name="search_subscription_match_once")
        ]
        indexes: ClassVar = [models.Index(fields=["subscription", "notified_at"])]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.object_uid}"


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


class DeepVector(models.Model):
    """A record's passage for the contextual re-ranking stage (`search.semantic.deep`) and, once the
    worker has embedded it, its multilingual-e5-small vector.

    Queued (vector empty) whenever the passage of an indexed record changes; `text_hash` guards the
    worker's write against a passage that changed while it was being embedded. A record leaving the
    index takes its row with it (`store.mark_deleted`, `store.prune`).
    """

    uid = models.CharField(max_length=200, unique=True)
    text = models.TextField()
    text_hash = models.CharField(max_length=40)
    model_version = models.CharField(max_length=60, blank=True)
    vector = models.BinaryField(null=True)  # float16, little endian
    updated_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.uid
