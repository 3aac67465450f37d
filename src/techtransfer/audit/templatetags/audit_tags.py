"""How an audit event's changes read on the log page: field names as the model labels them, choice
values by their labels, a related record by its name (`name_related` loads them for a page), the keys
of a JSON field by the labels its app registered (`register_key_labels`: a contract's checklist),
the keys that are no field of the object by the labels its app registered (`register_change_labels`:
a project reminder's recipients), a list of rows (dicts, or lists in a registered column order: an
achievement's contributors) row by row with each row's keys labelled, a change as "before → after", a
time in local time, nothing shown as Python (None, True, [...])."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
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
from techtransfer.core import wording
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
    `pair`: a list of two is [before, after]. `keys`: the labels of the keys of a dict value, or of each
    row of a list of dicts; a key's label may be a `ChangeLabel` itself (`like`, `choices`: how its value
    reads). `columns`: the value is a list of rows, each a list of the values of these keys in this order
    (as a service writes rows to save room: an achievement's contributors), read as rows of `keys`.
    `choices`: (value, label) pairs, or a function giving them when the page shows, that the value (or
    each value of a list) reads by. `text`: a function giving the text of the value as a whole (a
    range [from, to] as "≥ 6"), for a value none of the above reads."""

    label: Any = None
    like: str | None = None
    model: str | None = None
    pair: bool = False
    keys: Mapping[str, Any] | None = None
    columns: Sequence[str] | None = None
    choices: Any = None
    text: Callable[[Any], str] | None = None


# object type (or ANY_OBJECT) → the {key: label or ChangeLabel} mappings its apps registered.
_CHANGE_LABELS: dict[str, list[Mapping[str, Any]]] = {}


def register_key_labels(object_type: str, field: str, labels: Mapping[str, Any]) -> None:
    """Show the keys of the dict held by `field` of `object_type` ("contracts.contract"), or of each dict
    of the list it holds (a disclosure's inventors), by `labels`: lazy translations, read in the page's
    language, or `ChangeLabel`s whose `like` or `choices` also say how the key's value reads."""
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
    field: models.Field[Any, Any] | None = None  # the value reads as this field's
    model: type[models.Model] | None = None  # the value is an id (or ids) of this model
    pair: bool = False
    keys: Mapping[str, Any] | None = None  # labels of a dict's keys, or of each row's
    columns: Sequence[str] | None = None  # the keys of the values of a row written as a list
    choices: Any = None  # (value, label) pairs, or a function giving them
    known: bool = True  # a field of the object, or a registered key
    text: Callable[[Any], str] | None = None  # the value's text as a whole


def _reading(object_type: str, name: str) -> _Reading:
    """How the change `name` of an event on `object_type` reads: the object's field, else the label its
    app registered (else the common one), else the key as written."""
    keys = _KEY_LABELS.get((object_type, name))
    field = _field(object_type, name)
    if field is not None:
        return _Reading(str(field.verbose_name), field, pair=not isinstance(field, models.JSONField), keys=keys)
    given = _registered(object_type, name)
    if given is None:
        return _Reading(name, keys=keys, known=False)
    return _given(given, name, keys)


def _given(given: Any, name: str, keys: Mapping[str, Any] | None = None) -> _Reading:
    """A registered label (lazy text, or a `ChangeLabel`) of the key `name` as a reading."""
    if not isinstance(given, ChangeLabel):
        return _Reading(str(given), keys=keys)
    like = _field(*given.like.rsplit(".", 1)) if given.like else None
    label = given.label if given.label is not None else (like.verbose_name if like is not None else name)
    model = apps.get_model(given.model) if given.model else None
    pair = given.pair or (like is not None and not isinstance(like, models.JSONField))
    known = given.label is not None or like is not None  # a `like` naming no field gives no label
    keys = keys or given.keys or None
    return _Reading(str(label), like, model, pair, keys, given.columns, given.choices, known, given.text)


def _key_reading(keys: Mapping[str, Any] | None, name: str) -> _Reading:
    """How the key `name` of a dict (or of a row) reads: by its registered label, else as written."""
    if keys and name in keys:
        return _given(keys[name], name)
    return _Reading(name, known=False)


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


def _value(value: Any, r: _Reading | None = None, names: Mapping[Any, str] | None = None) -> str:
    """`value` as text, read as `r` says (a field's, a registered key's, a row key's)."""
    r = r or _Reading("")
    if value is None or value == "":
        return "—"
    if r.text is not None:
        return r.text(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        rows = _rows(value, r)
        if rows is not None:  # row by row: "name: 张三, affiliation: 南昌大学; name: 李四"
            return wording.clause_separator().join(_cells(row, r.keys, names, rows=True) or "—" for row in rows)
        item = _Reading(r.label, model=r.model, choices=r.choices)
        return ", ".join(_value(v, item, names) for v in value) or "—"
    if isinstance(value, dict):
        return _cells(value, r.keys, names) or "—"
    field = r.field
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            # Stored as ISO in UTC (2026-12-08T02:11:01.347+00:00); read in local time, as the event's own time.
            return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime("%Y-%m-%d %H:%M:%S")
    choices = r.choices() if callable(r.choices) else r.choices
    if choices is None and field is not None and field.choices:
        choices = field.flatchoices
    if choices:
        return str(dict(choices).get(value, value))
    if field is not None and field.many_to_one and names:
        return names.get((field.related_model, str(value)), str(value))
    if r.model is not None and names:
        return names.get((r.model, str(value)), str(value))
    return str(value)


def _rows(value: list[Any] | tuple[Any, ...], r: _Reading) -> list[Mapping[str, Any]] | None:
    """The rows of a list of dicts, or of a list of lists in `r.columns`' order; None for other lists."""
    if not value:
        return None
    if r.columns and all(isinstance(v, list | tuple) for v in value):
        return [dict(zip(r.columns, v, strict=False)) for v in value]
    if all(isinstance(v, dict) for v in value):
        return list(value)
    return None


def _cells(
    row: Mapping[str, Any], keys: Mapping[str, Any] | None, names: Mapping[Any, str] | None, *, rows: bool = False
) -> str:
    """A dict as "label: value, label: value" in the page's language, keys in the registered order
    (PostgreSQL's jsonb keeps its own key order), then the others as written. A row leaves out its empty
    cells (an organisation's affiliation); a dict shows each key it holds."""
    keys = keys or {}
    order = [k for k in keys if k in row] + [k for k in row if k not in keys]
    cells = []
    for k in order:
        if rows and row[k] in ("", None):
            continue
        r = _key_reading(keys, k)
        cells.append(wording.labelled(r.label, _value(row[k], r, names)))
    return wording.phrase_separator().join(cells)


def _is_pair(value: Any, r: _Reading) -> bool:
    """Whether `value` is [before, after]: for a plain field or a key registered as a pair, any list of
    two; for a JSON field, two dicts or lists (`diff` of its value; a list of two lists is no row list
    such a field holds)."""
    if not (isinstance(value, list) and len(value) == 2):
        return False
    if r.pair:
        return True
    return isinstance(r.field, models.JSONField) and all(isinstance(v, dict | list) or v is None for v in value)


def unlabelled(event: AuditEvent) -> list[str]:
    """The keys of `event`'s changes that read as written, no label found: a key ("sent_on"), or a key of
    a dict or of a row a change holds ("criteria.published_year"). For tests: the log should have none."""
    out = []
    for name, value in (event.changes or {}).items():
        r = _reading(event.object_type, name)
        if not r.known:
            out.append(name)
        for part in value if _is_pair(value, r) else [value]:
            if isinstance(part, dict):
                rows: list[Mapping[str, Any]] = [part]
            elif isinstance(part, list | tuple):
                rows = _rows(part, r) or []
            else:
                rows = []
            out += [f"{name}.{k}" for row in rows for k in row if not _key_reading(r.keys, k).known]
    return sorted(set(out), key=out.index)


@register.filter
def readable_changes(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, text) for each change of `event`. A pair [before, after] of a plain model field (or of a
    key registered as one), or of a JSON field's dicts or lists, reads "before → after"; a list held by
    another key is a value, rows (dicts, or lists of a registered column order) read row by row."""
    out = []
    names: Mapping[Any, str] = getattr(event, "related_names", {})
    for name, value in (event.changes or {}).items():
        r = _reading(event.object_type, name)
        if _is_pair(value, r):
            before, after = (_value(v, r, names) for v in value)
            text = f"{before} → {after}"
        else:
            text = _value(value, r, names)
        out.append((r.label, text))
    return out
