"""The one validation of search parameters, shared by the page and the API."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.core.filters import check_bounds
from techtransfer.core.forms import StyledForm, ValueMessagesMixin
from techtransfer.core.wording import run_in_list
from techtransfer.search.registry import REGION_PREFIX, REGION_PREFIX_MESSAGE, FilterKind, region_prefix, types
from techtransfer.search.services import MAX_QUERY_CHARS, PAGE_SIZE, RANGE_BOUNDS, allowed_values, unknown_regions

MAX_PAGE = 50
MAX_VALUES = 20
SORTS = [("relevance", _("Relevance")), ("newest", _("Newest first"))]


def keyword_filters() -> dict[str, Any]:
    specs: dict[str, Any] = {}
    for st in types().values():
        for spec in st.filters:
            if spec.kind == FilterKind.KEYWORD:
                specs.setdefault(spec.name, spec)
    return specs


class _RegionCodes(RegexValidator):
    """Checks the text as `region_codes` reads it: full-width digits and separators as ASCII."""

    def __call__(self, value: Any) -> None:
        super().__call__(unicodedata.normalize("NFKC", str(value)))


# One or more GB/T 2260 codes (ASCII or full-width digits), separated by commas, semicolons or spaces.
REGION_CODES = _RegionCodes(rf"^\s*{REGION_PREFIX}(\s*[,;\s]\s*{REGION_PREFIX})*\s*$", REGION_PREFIX_MESSAGE)


def region_codes(value: str) -> list[str]:
    """The codes of a REGION_CODES value, in order, each once (full-width digits read as digits)."""
    codes = re.split(r"[\s,;]+", unicodedata.normalize("NFKC", value))
    return list(dict.fromkeys(region_prefix(r) for r in codes if r))


def _printable(value: str) -> str:
    """`value` with control characters (NUL, escapes…) turned into spaces."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in value)


@functools.lru_cache(maxsize=4096)
def _pair(key: str, value: str) -> str:
    return urlencode({key.encode(): value.encode()})


def query_string(data: QueryDict) -> str:
    """`data.urlencode()` (UTF-8), each pair's encoding remembered: a results page writes its
    question into some ten links, and percent-encoding 60 Chinese characters costs 10–15 µs."""
    return "&".join(_pair(key, str(value)) for key, values in data.lists() for value in values)


def copy_query(data: QueryDict) -> QueryDict:
    """A mutable copy of `data` (QueryDict.copy() deep-copies: a tenth of a millisecond each)."""
    out = QueryDict(mutable=True)
    for key, values in data.lists():
        out.setlist(key, list(values))
    return out


def page_count(total: int) -> int:
    """How many result pages `total` results fill, at most MAX_PAGE (the pages the search serves)."""
    return min(MAX_PAGE, -(-total // PAGE_SIZE))


def question_cut_note() -> str:
    return gettext("Only the first %(n)d characters of the question are searched.") % {"n": MAX_QUERY_CHARS}


def _read_page(raw: str) -> tuple[int, bool]:
    """(the page number `raw` asks for, whether it is one); over nine digits read as 999,999,999."""
    number = raw.removeprefix("-").removeprefix("+")
    digits = number.isascii() and number.isdigit()
    size = (int(number) if len(number) <= 9 else 999_999_999) if digits else 1  # 10**1000: no error
    return ((-1 if raw.startswith("-") else 1) * size if digits else 1), digits


def asked_page(data: QueryDict) -> int:
    """The page number the query string asks for, before `lenient_data` brings it within 1–MAX_PAGE."""
    return _read_page(unicodedata.normalize("NFKC", str(data.get("page", ""))).strip())[0]


def lenient_data(data: QueryDict) -> tuple[QueryDict, list[str]]:
    """The search page's query string made valid where a person would not want an error page: the
    question cut to MAX_QUERY_CHARS characters and without control characters, a page number that
    is not one read as the first page, one beyond the limit as the last, unknown record types left
    out, an unknown order left out. Returns the data and a note for each change. (The API refuses such
    input instead.)"""
    fixed = copy_query(data)
    notes: list[str] = []
    if "q" in fixed:
        q = _printable(str(fixed.get("q", "")))
        if len(q.strip()) > MAX_QUERY_CHARS:
            q = q.strip()[:MAX_QUERY_CHARS]
            notes.append(question_cut_note())
        fixed["q"] = q
    if "page" in fixed:
        raw = unicodedata.normalize("NFKC", str(fixed.get("page", ""))).strip()  # ２ is 2
        page, digits = _read_page(raw)
        if raw and not digits:
            notes.append(gettext("The page number was not a number; the first page is shown."))
        elif page < 1:
            notes.append(gettext("Pages are numbered from 1; the first page is shown."))
        # A page beyond MAX_PAGE is said by the results, which know whether there are that many.
        fixed["page"] = str(min(max(page, 1), MAX_PAGE))
    if "type" in fixed:
        known = types()
        wanted = [t for t in fixed.getlist("type") if t.strip()]  # an empty type= is no choice, not a wrong one
        kept = [t for t in wanted if t in known]
        if len(kept) < len(wanted):
            notes.append(gettext("Unknown record types were left out."))
        fixed.setlist("type", kept)
    if fixed.get("sort") and fixed.get("sort") not in dict(SORTS):  # a hidden field: its error had no place
        fixed.pop("sort")
        notes.append(gettext("Unknown order; the results are listed by relevance."))
    return fixed, notes


TRL, PRICE, YEAR = (RANGE_BOUNDS[name] for name in ("trl", "price", "year"))


def filter_label(name: str) -> str:
    """The label of the filter `name`, from the first record type that declares it."""
    return next((str(spec.label) for st in types().values() for spec in st.filters if spec.name == name), name)


class SearchForm(ValueMessagesMixin, StyledForm):
    """The search's parameters. A refused value is quoted (`ValueMessagesMixin`): under its field on
    the page, after the field's label where the message stands alone (`labelled=True`: the API, a
    search that cannot be saved)."""

    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY_CHARS, required=False, strip=True)
    type = forms.MultipleChoiceField(label=_("Record type"), required=False, choices=())
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=100,
        validators=[REGION_CODES],
    )
    trl_min = forms.IntegerField(label=_("TRL from"), required=False, min_value=TRL[0], max_value=TRL[1])
    trl_max = forms.IntegerField(label=_("TRL to"), required=False, min_value=TRL[0], max_value=TRL[1])
    price_min = forms.DecimalField(
        label=_("Price from (10,000 yuan)"), required=False, min_value=PRICE[0], max_value=PRICE[1], decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Price to (10,000 yuan)"), required=False, min_value=PRICE[0], max_value=PRICE[1], decimal_places=2
    )
    year_min = forms.IntegerField(
        label=_("Published from (year)"), required=False, min_value=YEAR[0], max_value=YEAR[1]
    )
    year_max = forms.IntegerField(label=_("Published to (year)"), required=False, min_value=YEAR[0], max_value=YEAR[1])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    mode = forms.ChoiceField(
        label=_("Match by"),
        required=False,
        choices=[("hybrid", _("Words and meaning")), ("lexical", _("Words only")), ("semantic", _("Meaning only"))],
        widget=forms.Select(attrs={"data-default": "hybrid"}),  # left out of the address when unchanged
    )
    # Offered as links above the results (`search.fragments.results_html`), not among the filters.
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(name, st.label) for name, st in types().items()]  # type: ignore[attr-defined]
        self.keyword_names = list(keyword_filters())
        self.facet_errors: dict[str, tuple[str, str]] = {}  # facet → (message with its label, without)
        self.wrong_values: dict[str, set[str]] = {}  # facet → its values no record can have

    def clean_region(self) -> str:
        """Codes of the right form that no region has (99) are named, rather than finding nothing."""
        value = self.cleaned_data.get("region") or ""
        if value:
            unknown = unknown_regions(region_codes(value))
            if unknown:
                raise forms.ValidationError(
                    gettext("Unknown region code: %(values)s.") % {"values": run_in_list(unknown)},
                    code="unknown_region",
                )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_bounds(self, data)
        terms: dict[str, list[str]] = {}
        for name in self.keyword_names:
            values = (
                [v.strip()[:64] for v in self.data.getlist(name) if v.strip()] if hasattr(self.data, "getlist") else []
            )
            allowed = allowed_values(name) if values else None
            if len(values) > MAX_VALUES:
                self.add_error(None, _("Too many values for one filter."))
            elif allowed is not None and any(v not in allowed for v in values):
                # A value no record can have (a hand-edited link): named, rather than finding nothing.
                wrong = gettext("Unknown value: %(values)s.") % {
                    "values": run_in_list(v for v in values if v not in allowed)
                }
                labelled = gettext("%(field)s: %(message)s") % {"field": filter_label(name), "message": wrong}
                self.add_error(None, labelled)  # on the page, above the form
                self.facet_errors[name] = (labelled, wrong)  # in the API, under the facet's name
                self.wrong_values[name] = {v for v in values if v not in allowed}
            elif values:
                terms[name] = values
        data["terms"] = terms
        return data

    def _right(self, name: str, value: str) -> bool:
        return value.strip()[:64] not in self.wrong_values.get(name, set())

    def carried_values(self) -> list[tuple[str, str]]:
        """The record types, facet values and order the form carries in hidden fields to the next search,
        without the values no record can have: searching again leaves them out."""
        if not hasattr(self.data, "lists"):
            return []
        names = {"type", "sort", *self.keyword_names}
        return [(n, v) for n, values in self.data.lists() if n in names for v in values if self._right(n, v)]

    def corrected_query(self) -> str:
        """The query string without the facet values no record can have (and without the page)."""
        if not isinstance(self.data, QueryDict):
            return ""
        fixed = copy_query(self.data)
        fixed.pop("page", None)
        for name in self.wrong_values:
            fixed.setlist(name, [v for v in fixed.getlist(name) if self._right(name, v)])
        return fixed.urlencode()

    def error_fields(self) -> dict[str, list[str]]:
        """The errors by field name, for the API: a facet's wrong value under the facet's name (as
        saved searches report it), not also above the form as the page shows it; after the facet's
        label when the form is `labelled`, as its other fields' messages are then."""
        labelled = {full for full, _bare in self.facet_errors.values()}
        fields = {
            name: kept
            for name, messages in self.errors.items()
            if (kept := [str(m) for m in messages if name != NON_FIELD_ERRORS or str(m) not in labelled])
        }
        fields.update({name: [full if self.labelled else bare] for name, (full, bare) in self.facet_errors.items()})
        return fields

    def request_kwargs(self) -> dict[str, Any]:
        """Arguments of `services.search` from the cleaned data."""
        d = self.cleaned_data
        terms = dict(d["terms"])
        if d.get("region"):  # any of them
            terms["region"] = region_codes(d["region"])

        def rng(lo: str, hi: str) -> tuple[float | None, float | None]:
            return (
                None if d.get(lo) is None else float(d[lo]),
                None if d.get(hi) is None else float(d[hi]),
            )

        ranges = {
            "trl": rng("trl_min", "trl_max"),
            "price": rng("price_min", "price_max"),
            "year": rng("year_min", "year_max"),
        }
        page = d.get("page") or 1
        return {
            "query": d.get("q") or "",
            "type_names": list(d.get("type") or []),
            "terms": terms,
            "ranges": {k: v for k, v in ranges.items() if v != (None, None)},
            "limit": PAGE_SIZE,
            "offset": (page - 1) * PAGE_SIZE,
            "mode": d.get("mode") or "hybrid",
            "newest": d.get("sort") == "newest",
        }
