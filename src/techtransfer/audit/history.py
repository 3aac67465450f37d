"""A record's history as its page shows it: the audit events of that one record, oldest first, each
labelled with its step in words. The apps give their labels; the events are the truth (ADR 0004)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.functional import Promise

from techtransfer.audit.models import AuditEvent


def history(obj: models.Model, labels: Mapping[str, str | Promise]) -> list[AuditEvent]:
    """Every event recorded on `obj`, oldest first; each carries `label`, `labels[action]` in the
    active language (the action code itself when no label is known)."""
    events = list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for e in events:
        e.label = str(labels.get(e.action, e.action))  # type: ignore[attr-defined]
    return events
