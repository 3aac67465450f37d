"""How an audit event's changes read on the log page: field names as the model labels them, choice
values by their labels, a related record by its name (`name_related` loads them for a page), the keys
of a JSON field by the labels its app registered (`register_key_labels`: a contract's checklist),
a change as "before → after", a time in local time, nothing shown as Python (None, True, [...])."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from techtransfer.audit.models import AuditEvent

register = template.Library()

# (object type, field) → {key: label}: what the keys of a JSON field's dict mean (`register_key_labels`).
_KEY_LABELS: dict[tuple[str, str], Mapping[str, Any]] = {}


def register_key_labels(object_type: str, field: str, labels: Mapping[str, Any]) -> None:
    """Show the keys of the dict held by `field` of `object_type` ("contracts.contract") by `labels`
    (lazy translations, read in the page's language)."""
    _KEY_LABELS[(object_type, field)] = labels


def name_related(events: Iterable[AuditEvent]) -> None:
    """Give each event `related_names`: {(model, id): name} for the ids its changes hold in foreign-key
    fields (decided_by 7 → 王审核), with one query per related model for all `events`."""
    events = list(events)
    wanted: dict[type[models.Model], set[Any]] = {}
    for event in events:
        for name, value in (event.changes or {}).items():
            field = _field(event.object_type, name)
            if field is not None and field.many_to_one and field.related_model is not None:
                ids = value if isinstance(value, list) else [value]
                wanted.setdefault(field.related_model, set()).update(i for i in ids if isinstance(i, int | str))  # type: ignore[arg-type]
    names = {
        (model, str(obj.pk)): str(obj)
        for model, ids in wanted.items()
        for obj in model._default_manager.filter(pk__in=ids)
    }
    for event in events:
        event.related_names = names  # type: ignore[attr-defined]


def _field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    try:
        model = apps.get_model(object_type)
        field = model._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.Field) else None


def _value(
    value: Any,
    field: models.Field[Any, Any] | None,
    names: Mapping[Any, str] | None = None,
    keys: Mapping[str, Any] | None = None,
) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, None) for v in value) or "—"
    if isinstance(value, dict):
        keys = keys or {}
        # In the registered order (PostgreSQL's jsonb keeps its own key order), then the others.
        order = [k for k in keys if k in value] + [k for k in value if k not in keys]
        return ", ".join(f"{keys.get(k, k)}: {_value(value[k], None)}" for k in order) or "—"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            # Stored as ISO in UTC (2026-12-08T02:11:01.347+00:00); read in local time, as the event's own time.
            return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime("%Y-%m-%d %H:%M:%S")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[arg-type]
    if field is not None and field.many_to_one and names:
        return names.get((field.related_model, str(value)), str(value))
    return str(value)


@register.filter
def readable_changes(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, text) for each change of `event`. A pair [before, after] of a plain model field reads
    "before → after"; a list held by a field of lists (a JSON field) or by no field is a value."""
    out = []
    names: Mapping[Any, str] = getattr(event, "related_names", {})
    for name, value in (event.changes or {}).items():
        field = _field(event.object_type, name)
        label = str(field.verbose_name) if field is not None else name
        keys = _KEY_LABELS.get((event.object_type, name))
        pair = isinstance(value, list) and len(value) == 2 and field is not None
        if pair and not isinstance(field, models.JSONField):
            text = f"{_value(value[0], field, names)} → {_value(value[1], field, names)}"
        elif pair and isinstance(value[0], dict) and isinstance(value[1], dict):  # a JSON dict changed
            text = f"{_value(value[0], field, keys=keys)} → {_value(value[1], field, keys=keys)}"
        else:
            text = _value(value, field, names, keys)
        out.append((label, text))
    return out
