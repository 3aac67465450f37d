"""How an audit event's changes read on the log page: field names as the model labels them, choice
values by their labels, a related record by its name (`name_related` loads them for a page), the keys
of a JSON field by the labels its app registered (`register_key_labels`: a contract's checklist),
the keys that are no field of the object by the labels its app registered (`register_change_labels`:
a project reminder's recipients), a change as "before → after", a time in local time, nothing shown as
Python (None, True, [...])."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from techtransfer.audit.models import AuditEvent
from techtransfer.core.forms import region_label
from techtransfer.core.models import Region

register = template.Library()

# (object type, field) → {key: label}: what the keys of a JSON field's dict mean (`register_key_labels`).
_KEY_LABELS: dict[tuple[str, str], Mapping[str, Any]] = {}

# The object type whose change labels serve every object type that has none of its own for a key.
ANY_OBJECT = "*"


@dataclass(frozen=True)
class ChangeLabel:
    """How a key of an event's changes that is no field of the event's object reads.

    `label`: a lazy translation. `like` ("app.model.field"): the value reads as that field's would (a
    time in local time, a choice by its label, a related record by its name), and the label defaults to
    the field's. `model` ("app.model"): the value is the id (or a list of ids) of such a record, shown by
    its name; only for models whose name reads no related row (`name_related` loads one query a model).
    `pair`: a list of two is [before, after]. `keys`: the labels of the keys of a dict value."""

    label: Any = None
    like: str | None = None
    model: str | None = None
    pair: bool = False
    keys: Mapping[str, Any] | None = None


# object type (or ANY_OBJECT) → the {key: label or ChangeLabel} mappings its apps registered.
_CHANGE_LABELS: dict[str, list[Mapping[str, Any]]] = {}


def register_key_labels(object_type: str, field: str, labels: Mapping[str, Any]) -> None:
    """Show the keys of the dict held by `field` of `object_type` ("contracts.contract") by `labels`
    (lazy translations, read in the page's language)."""
    _KEY_LABELS[(object_type, field)] = labels


def register_change_labels(object_type: str, labels: Mapping[str, Any]) -> None:
    """Show the keys of the changes of `object_type`'s events ("achievements.fundedproject") that are no
    field of it by `labels`: {key: lazy label or `ChangeLabel`}. Labels given for `ANY_OBJECT` (the audit
    app's: comment, reason, note…) serve a key no label of the object type names. A mapping that grows
    later (the notification kinds) is read as it is when the page shows. Several apps may label keys of
    one object type (achievements' demo publishing writes an organisation's event)."""
    _CHANGE_LABELS.setdefault(object_type, []).append(labels)


def _registered(object_type: str, name: str) -> Any:
    for labels in (*_CHANGE_LABELS.get(object_type, ()), *_CHANGE_LABELS.get(ANY_OBJECT, ())):
        if name in labels:
            return labels[name]
    return None


@dataclass(frozen=True)
class _Reading:
    label: str
    field: models.Field[Any, Any] | None  # the value reads as this field's
    model: type[models.Model] | None  # the value is an id (or ids) of this model
    pair: bool
    keys: Mapping[str, Any] | None
    known: bool = True  # a field of the object, or a registered key


def _reading(object_type: str, name: str) -> _Reading:
    """How the change `name` of an event on `object_type` reads: the object's field, else the label its
    app registered (else the common one), else the key as written."""
    keys = _KEY_LABELS.get((object_type, name))
    field = _field(object_type, name)
    if field is not None:
        return _Reading(str(field.verbose_name), field, None, not isinstance(field, models.JSONField), keys)
    given = _registered(object_type, name)
    if given is None:
        return _Reading(name, None, None, False, keys, known=False)
    if not isinstance(given, ChangeLabel):
        return _Reading(str(given), None, None, False, keys)
    like = _field(*given.like.rsplit(".", 1)) if given.like else None
    label = given.label if given.label is not None else (like.verbose_name if like is not None else name)
    model = apps.get_model(given.model) if given.model else None
    pair = given.pair or (like is not None and not isinstance(like, models.JSONField))
    return _Reading(str(label), like, model, pair, keys or given.keys or None)


def labelled(object_type: str, name: str) -> bool:
    """Whether the change `name` of an event on `object_type` reads as a label (a field, or registered)."""
    return _reading(object_type, name).known


def name_related(events: Iterable[AuditEvent]) -> None:
    """Give each event `related_names`: {(model, id): name} for the ids its changes hold in foreign-key
    fields (decided_by 7 → 王审核) or in keys registered with a model, with one query per related model
    for all `events`."""
    events = list(events)
    wanted: dict[type[models.Model], set[Any]] = {}
    for event in events:
        for name, value in (event.changes or {}).items():
            reading = _reading(event.object_type, name)
            model = reading.model
            if model is None and reading.field is not None and reading.field.many_to_one:
                model = reading.field.related_model  # type: ignore[assignment]
            if model is not None:
                ids = value if isinstance(value, list) else [value]
                wanted.setdefault(model, set()).update(i for i in ids if isinstance(i, int | str))
    names = {
        (model, str(obj.pk)): _name(obj)
        for model, ids in wanted.items()
        for obj in model._default_manager.filter(pk__in=ids)
    }
    for event in events:
        event.related_names = names  # type: ignore[attr-defined]


def _name(obj: models.Model) -> str:
    """A related record as the log names it: a region as region selects read it (章贡区 (Zhanggong
    District) on English pages), anything else by its own name."""
    return region_label(obj) if isinstance(obj, Region) else str(obj)


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
    model: type[models.Model] | None = None,
) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, None, names, model=model) for v in value) or "—"
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
    if model is not None and names:
        return names.get((model, str(value)), str(value))
    return str(value)


@register.filter
def readable_changes(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, text) for each change of `event`. A pair [before, after] of a plain model field (or of a
    key registered as one) reads "before → after"; a list held by a field of lists (a JSON field) or by
    another key is a value."""
    out = []
    names: Mapping[Any, str] = getattr(event, "related_names", {})
    for name, value in (event.changes or {}).items():
        r = _reading(event.object_type, name)
        pair = isinstance(value, list) and len(value) == 2
        if pair and r.pair:
            before, after = (_value(v, r.field, names, model=r.model) for v in value)
            text = f"{before} → {after}"
        elif pair and r.field is not None and isinstance(value[0], dict) and isinstance(value[1], dict):
            before, after = (_value(v, r.field, keys=r.keys) for v in value)  # a JSON dict changed
            text = f"{before} → {after}"
        else:
            text = _value(value, r.field, names, r.keys, r.model)
        out.append((r.label, text))
    return out
