"""Writing audit events. Every service that changes state calls `record_event` in its transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from techtransfer.audit.context import current
from techtransfer.audit.hooks import objects_changed
from techtransfer.audit.models import AuditEvent


def jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of `fields` on `obj` (foreign keys as their id), ready for `diff`."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = jsonable(getattr(obj, attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    organisation: Any = None,
    changes: dict[str, Any] | None = None,
    comment: str = "",
) -> AuditEvent:
    """Append one audit event for `obj`. Call inside the transaction that made the change.

    `actor` is a User or None (system); request id and IP come from the current request context.
    Listeners registered with `audit.hooks` (the search outbox) hear about the change here.
    """
    ctx = current()
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=jsonable(changes or {}),
        comment=comment,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )
    objects_changed(event.object_type, [event.object_id])
    return event
