"""The one validation of search parameters, shared by the page and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from techtransfer.core.forms import StyledForm
from techtransfer.search.registry import FilterKind, types
from techtransfer.search.services import MAX_QUERY_CHARS, PAGE_SIZE

MAX_PAGE = 50
MAX_VALUES = 20


def keyword_filters() -> dict[str, Any]:
    specs: dict[str, Any] = {}
    for st in types().values():
        for spec in st.filters:
            if spec.kind == FilterKind.KEYWORD:
                specs.setdefault(spec.name, spec)
    return specs


class SearchForm(StyledForm):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY_CHARS, required=False, strip=True)
    type = forms.MultipleChoiceField(label=_("Record type"), required=False, choices=())
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=6,
        validators=[RegexValidator(r"^\d{2}(\d{2}){0,2}$", _("Enter a region code of 2, 4 or 6 digits."))],
    )
    trl_min = forms.IntegerField(label=_("TRL from"), required=False, min_value=1, max_value=9)
    trl_max = forms.IntegerField(label=_("TRL to"), required=False, min_value=1, max_value=9)
    price_min = forms.DecimalField(label=_("Price from (10,000 yuan)"), required=False, min_value=0, max_digits=12)
    price_max = forms.DecimalField(label=_("Price to (10,000 yuan)"), required=False, min_value=0, max_digits=12)
    year_min = forms.IntegerField(label=_("Published from (year)"), required=False, min_value=1949, max_value=2200)
    year_max = forms.IntegerField(label=_("Published to (year)"), required=False, min_value=1949, max_value=2200)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    mode = forms.ChoiceField(
        label=_("Ranking"),
        required=False,
        choices=[("hybrid", _("Words and meaning")), ("lexical", _("Words only")), ("semantic", _("Meaning only"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(name, st.label) for name, st in types().items()]  # type: ignore[attr-defined]
        self.keyword_names = list(keyword_filters())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for lo, hi in (("trl_min", "trl_max"), ("price_min", "price_max"), ("year_min", "year_max")):
            if data.get(lo) is not None and data.get(hi) is not None and data[lo] > data[hi]:
                self.add_error(hi, _("The upper bound must not be below the lower bound."))
        terms: dict[str, list[str]] = {}
        for name in self.keyword_names:
            values = (
                [v.strip()[:64] for v in self.data.getlist(name) if v.strip()] if hasattr(self.data, "getlist") else []
            )
            if len(values) > MAX_VALUES:
                self.add_error(None, _("Too many values for one filter."))
            elif values:
                terms[name] = values
        data["terms"] = terms
        return data

    def request_kwargs(self) -> dict[str, Any]:
        """Arguments of `services.search` from the cleaned data."""
        d = self.cleaned_data
        terms = dict(d["terms"])
        if d.get("region"):
            terms["region"] = [d["region"]]

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
        }
