"""What is searchable: each domain app declares its record types in its own `search.py`.

A declaration names the text fields and their weights, the filters (facets), and a loader that turns
primary keys into `SearchDocument`s. The engine works only from these declarations and never
imports a domain app's models. Documents carry a `visibility` list: the index filters every query
by the visibility tokens the user holds (see `search.permissions`), so a result, a facet value or a
count can only come from a record the user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techtransfer.core.ids import parse_id

PUBLIC = "public"


class FilterKind(StrEnum):
    KEYWORD = "keyword"  # exact values, may be several per document; a facet
    PREFIX = "prefix"  # hierarchical codes (regions): the document stores every prefix
    INT = "int"  # integer range (TRL, year)
    FLOAT = "float"  # number range (price)


# A value of a `PREFIX` filter: a GB/T 2260 code or one of its prefixes (2, 4 or 6 digits), and what
# the user is told when a value is not one (the search form and the subscription check).
REGION_PREFIX = r"[0-9]{2}(?:[0-9]{2}){0,2}"
REGION_PREFIX_MESSAGE = _("Enter region codes of 2, 4 or 6 digits, separated by commas.")


def region_prefix(code: str) -> str:
    """A GB/T 2260 code as the prefix the index stores for the area it names: the full code of a city
    or a province ends in zeros (360100 南昌市, 360000 江西省) that no record's county code repeats,
    so 360100 → 3601 and 360000 → 36; a county code (360102) stays."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def region_prefixes(code: str) -> list[str]:
    """ "360121" → ["36", "3601", "360121"]: the values a `PREFIX` filter stores, so a filter on any
    enclosing region matches (and the government tokens of the departments covering the region)."""
    return [p for p in dict.fromkeys([code[:2], code[:4], code]) if p] if code else []


@dataclass(frozen=True)
class FilterSpec:
    name: str
    label: Promise | str
    kind: FilterKind = FilterKind.KEYWORD
    facet: bool = True
    # Display label of one value (choices); the raw value is shown when this returns "".
    value_label: Callable[[str], str] = lambda value: ""
    # The values the filter can take (its choices), for checking saved criteria; None: any value.
    values: Callable[[], Iterable[str]] | None = None


def choice_filter(name: str, label: Promise | str, labels: Mapping[str, Any]) -> FilterSpec:
    """A keyword filter whose values are the keys of `labels` (a choices class's `dict(X.choices)`),
    each shown with its label."""
    return FilterSpec(name, label, value_label=lambda value: str(labels.get(value, "")), values=lambda: list(labels))


@dataclass
class SearchDocument:
    """One record as the index sees it. `fields` holds the text of each declared field."""

    type: str
    pk: str
    title: str
    url: str
    fields: dict[str, str]
    filters: dict[str, list[str | int | float]] = field(default_factory=dict)
    visibility: list[str] = field(default_factory=lambda: [PUBLIC])
    summary: str = ""
    # Names the record goes by besides its own text (its organisation's name): a question that is
    # one of them as a whole finds the record; their words alone do not (a short question such as
    # 稀土 would otherwise find every record of an organisation with 稀土 in its name), nor do they
    # enter the record's vector, snippet or subscription matching.
    names: list[str] = field(default_factory=list)
    # The organisation the record is of (its pk; "" for none). Not indexed: subscriptions leave a
    # person's own organisation's records out of their notices (they know of them already).
    owner: str = ""
    # The record this one is about when that is another record (an expert's seat: the need whose
    # challenge they judge; a challenge: its need). Not indexed: a need is not matched with its own
    # challenge's panel.
    about: str = ""
    # When the record appeared (published, else created): the results' "newest first" order, and the
    # order of a search without a question.
    date: datetime | None = None

    @property
    def uid(self) -> str:
        return f"{self.type}:{self.pk}"


LOAD_CHUNK = 1000  # rows read per query by `load_documents`
Loader = Callable[[Sequence[str] | None], Iterator[SearchDocument]]


@dataclass(frozen=True)
class SearchType:
    """A searchable record type.

    `load(pks)` yields the documents of `pks` that belong in the index (all of them with None);
    a pk it does not yield is removed from the index. `model_label` ("app.model") is the object type
    whose changes (announced through `audit.hooks`) re-index a document.
    """

    name: str
    label: Promise | str
    model_label: str
    fields: dict[str, float]
    load: Loader
    filters: tuple[FilterSpec, ...] = ()
    terms: Callable[[], Iterable[str]] = lambda: ()
    count: Callable[[], int] = lambda: 0  # how many documents `load(None)` yields (progress display)
    # Other object types whose change alters these documents: {"app.model": pks of theirs → our pks}.
    dependents: Mapping[str, Callable[[Sequence[str]], Iterable[str]]] = field(default_factory=dict)


_TYPES: dict[str, SearchType] = {}


def register(search_type: SearchType) -> SearchType:
    _TYPES[search_type.name] = search_type
    return search_type


def types() -> dict[str, SearchType]:
    return dict(_TYPES)


def get_type(name: str) -> SearchType:
    return _TYPES[name]


def type_for_model(model_label: str) -> SearchType | None:
    return next((t for t in _TYPES.values() if t.model_label == model_label), None)


def is_indexed(model_label: str) -> bool:
    """Does a change of `model_label` objects touch the index (as documents or as their sources)?"""
    return any(t.model_label == model_label or model_label in t.dependents for t in _TYPES.values())


# --- helpers for the declarations' loaders ---------------------------------------------------------


def int_pks(pks: Iterable[str]) -> list[int]:
    """The integer primary keys among `pks` (keys that are not numbers cannot match a row)."""
    return [n for n in map(parse_id, pks) if n is not None]


def load_documents(
    rows: Any, pks: Sequence[str] | None, document: Callable[[Any], SearchDocument]
) -> Iterator[SearchDocument]:
    """`document(row)` for each row of the queryset `rows` (all of them when `pks` is None, else
    those whose primary key is listed), read in chunks: a declaration's `load`.

    Each chunk is read whole before its documents are yielded: a cursor left open across the
    caller's own writes (a rebuild stores vectors batch by batch) makes SQLite refuse those writes
    as soon as another connection has written meanwhile ("database is locked")."""
    keys = int_pks(pks) if pks is not None else list(rows.values_list("pk", flat=True))
    for start in range(0, len(keys), LOAD_CHUNK):
        yield from [document(row) for row in rows.filter(pk__in=keys[start : start + LOAD_CHUNK])]


def pks_of(rows: Any) -> list[str]:
    """The primary keys of the queryset `rows` as document pks: a declaration's `dependents` answer."""
    return [str(pk) for pk in rows.values_list("pk", flat=True)]
