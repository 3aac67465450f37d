"""FilterSets shared by the HTML lists and the API."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.core.choices import OrganisationStatus, OrganisationType
from techtransfer.core.models import Organisation, Region
from techtransfer.search.registry import REGION_PREFIX, region_prefix

# Bounds of the number filters of the lists, and of the search form and saved searches
# (`search.services.RANGE_BOUNDS`); django-filter's default ceiling, 1e+50, was what an over-large
# amount was told.
MONEY = {"min_value": 0, "max_value": 9_999_999_999}  # 10,000 yuan
TRL = {"min_value": 1, "max_value": 9}
YEAR = {"min_value": 1949, "max_value": 2200}


def check_bounds(form: forms.Form, data: dict[str, Any]) -> None:
    """An upper bound below its lower bound (TRL 8 to 2) is an error of the upper bound's field, said
    with the form's other errors (the search form and the subscription form)."""
    for lo, hi in (("trl_min", "trl_max"), ("price_min", "price_max"), ("year_min", "year_max")):
        if data.get(lo) is not None and data.get(hi) is not None and data[lo] > data[hi]:
            form.add_error(hi, _("The upper bound must not be below the lower bound."))


class CheckedFilterForm(forms.Form):
    """The form of a list's filters (`Meta.form` of its FilterSet): filters no record can pass are
    errors said with the others, as the search page says them (the API answers 422 with each under
    its name), not an empty list: an upper bound below its lower bound, a region code no region has."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_bounds(self, data)
        code = data.get("region")
        if "region" in self.fields and code and "region" not in self.errors and region_of_code(str(code)) is None:
            self.add_error("region", gettext("Unknown region code: %(values)s.") % {"values": str(code).strip()})
        return data


class BoundedNumberFilter(django_filters.NumberFilter):
    """A number filter bounded by its own `min_value`/`max_value` (MONEY, TRL, YEAR), without
    django-filter's extra 1e+50 ceiling, which was a second message beside them."""

    def get_max_validator(self) -> None:
        return None


def yes_no_all() -> forms.Select:
    """The widget of a yes/no list filter: "All", "Yes", "No" (Django's own says "Unknown" for all)."""
    return forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])


def region_code_prefix(value: str) -> str | None:
    """What a list's region filter selects: a GB/T 2260 code of 2, 4 or 6 digits (full-width digits
    read as digits), as the prefix of the codes inside it (36 and 360000 → 36, 3601 and 360100 →
    3601, 360102 stays); None for anything else. The search page reads region codes the same way."""
    code = unicodedata.normalize("NFKC", value).strip()
    if not re.fullmatch(REGION_PREFIX, code, flags=re.ASCII):
        return None
    return region_prefix(code)


def region_of_code(value: str) -> Region | None:
    """The region a typed code names, for a form's region field: 6 digits, or a city's 4 or a
    province's 2 (3607 is 赣州市, 360700, as the search reads it); full-width digits read as digits.
    None when the code is empty, malformed or names no region."""
    prefix = region_code_prefix(value or "")
    return Region.objects.filter(code=prefix.ljust(6, "0")).first() if prefix else None


def filter_region_code(queryset: QuerySet[Any], value: str, field: str = "region__code") -> QuerySet[Any]:
    """`queryset` inside the region `value` names (`region_code_prefix`); none for a malformed code."""
    prefix = region_code_prefix(value)
    return queryset.filter(**{f"{field}__startswith": prefix}) if prefix else queryset.none()


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name contains"))
    type = django_filters.ChoiceFilter(choices=OrganisationType.choices, label=_("Organisation type"))
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices, label=_("Status"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))

    class Meta:
        model = Organisation
        form = CheckedFilterForm  # impossible filters are errors (422 in the API), not an empty list
        fields = ["q", "type", "status", "region"]

    def filter_q(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(uscc=value.upper()))

    def filter_region(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return filter_region_code(queryset, value)  # a province or city code selects everything inside it
