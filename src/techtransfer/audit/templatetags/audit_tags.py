"""How an audit event's changes read on the log page: field names as the model labels them, choice
values by their labels, a change as "before → after", nothing shown as Python (None, True, [...])."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext

from techtransfer.audit.models import AuditEvent

register = template.Library()


def _field(object_type: str, name: str) -> models.Field[Any, Any] | None:
    try:
        model = apps.get_model(object_type)
        field = model._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.Field) else None


def _value(value: Any, field: models.Field[Any, Any] | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, None) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v, None)}" for k, v in value.items()) or "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[arg-type]
    return str(value)


@register.filter
def readable_changes(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, text) for each change of `event`. A pair [before, after] of a plain model field reads
    "before → after"; a list held by a field of lists (a JSON field) or by no field is a value."""
    out = []
    for name, value in (event.changes or {}).items():
        field = _field(event.object_type, name)
        label = str(field.verbose_name) if field is not None else name
        pair = isinstance(value, list) and len(value) == 2 and field is not None
        if pair and not isinstance(field, models.JSONField):
            text = f"{_value(value[0], field)} → {_value(value[1], field)}"
        else:
            text = _value(value, field)
        out.append((label, text))
    return out
