"""FilterSets shared by the HTML lists and the API."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
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
            message = _("The upper bound must not be below the lower bound.")
            form.add_error(hi, ValidationError(message, code="below_lower", params={"lower": lo}))


# What a filter says of a value it cannot take, by the error's code: the filter's label and what was
# typed, in place of Django's stock wording ("Select a valid choice. X is not one of the available
# choices.", "Enter a number.", "Enter a valid date."), which names neither. The value is quoted
# because the page cannot always show it again (a select has no such option; a number box drops text).
CHOICE_MESSAGE = _("%(field)s: “%(value)s” is not one of the choices.")
NUMBER_MESSAGE = _("%(field)s: “%(value)s” is not a number.")
WHOLE_NUMBER_MESSAGE = _("%(field)s: “%(value)s” is not a whole number.")
DATE_MESSAGE = _("%(field)s: “%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01.")
DATETIME_MESSAGE = _(
    "%(field)s: “%(value)s” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-03-01T09:30."
)
INVALID_MESSAGE = _("%(field)s: “%(value)s” is not valid.")
MIN_MESSAGE = _("%(field)s: give %(limit)s or more, not “%(value)s”.")
MAX_MESSAGE = _("%(field)s: give %(limit)s or less, not “%(value)s”.")
PLACES_MESSAGE = _("%(field)s: “%(value)s” has more than %(limit)s decimal places.")
DIGITS_MESSAGE = _("%(field)s: “%(value)s” has more than %(limit)s digits.")
WHOLE_DIGITS_MESSAGE = _("%(field)s: “%(value)s” has more than %(limit)s digits before the decimal point.")
REGION_MESSAGE = _("%(field)s: no region has the code “%(value)s”.")
BELOW_LOWER_MESSAGE = _("%(field)s (%(value)s) must not be below %(lower)s (%(lower_value)s).")
# The same refusals without the label, for an entry form's field on its page: the message is shown
# right under the field's label, which it would only repeat (`core.forms.ValueMessagesMixin`).
CHOICE_VALUE_MESSAGE = _("“%(value)s” is not one of the choices.")
NUMBER_VALUE_MESSAGE = _("“%(value)s” is not a number.")
WHOLE_NUMBER_VALUE_MESSAGE = _("“%(value)s” is not a whole number.")
DATE_VALUE_MESSAGE = _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01.")
DATETIME_VALUE_MESSAGE = _(
    "“%(value)s” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-03-01T09:30."
)
INVALID_VALUE_MESSAGE = _("“%(value)s” is not valid.")
MIN_VALUE_MESSAGE = _("Give %(limit)s or more, not “%(value)s”.")
MAX_VALUE_MESSAGE = _("Give %(limit)s or less, not “%(value)s”.")
PLACES_VALUE_MESSAGE = _("“%(value)s” has more than %(limit)s decimal places.")
DIGITS_VALUE_MESSAGE = _("“%(value)s” has more than %(limit)s digits.")
WHOLE_DIGITS_VALUE_MESSAGE = _("“%(value)s” has more than %(limit)s digits before the decimal point.")
# Pairs, not a dict: a lazy message hashes as its text in the language active at the time.
UNLABELLED = (
    (CHOICE_MESSAGE, CHOICE_VALUE_MESSAGE),
    (NUMBER_MESSAGE, NUMBER_VALUE_MESSAGE),
    (WHOLE_NUMBER_MESSAGE, WHOLE_NUMBER_VALUE_MESSAGE),
    (DATE_MESSAGE, DATE_VALUE_MESSAGE),
    (DATETIME_MESSAGE, DATETIME_VALUE_MESSAGE),
    (INVALID_MESSAGE, INVALID_VALUE_MESSAGE),
    (MIN_MESSAGE, MIN_VALUE_MESSAGE),
    (MAX_MESSAGE, MAX_VALUE_MESSAGE),
    (PLACES_MESSAGE, PLACES_VALUE_MESSAGE),
    (DIGITS_MESSAGE, DIGITS_VALUE_MESSAGE),
    (WHOLE_DIGITS_MESSAGE, WHOLE_DIGITS_VALUE_MESSAGE),
)
SHOWN_CHARACTERS = 40  # of a value quoted in a message


def _invalid_message(field: forms.Field) -> Any:
    if isinstance(field, forms.DecimalField | forms.FloatField):  # both subclass IntegerField
        return NUMBER_MESSAGE
    if isinstance(field, forms.IntegerField):
        return WHOLE_NUMBER_MESSAGE
    if isinstance(field, forms.DateTimeField):
        return DATETIME_MESSAGE
    if isinstance(field, forms.DateField):
        return DATE_MESSAGE
    return INVALID_MESSAGE


def shown_value(value: Any) -> str:
    """`value` as quoted in a message: on one line, shortened past `SHOWN_CHARACTERS`."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def _stock_message(field: forms.Field, code: str) -> bool:
    """Does `field` say the error `code` in Django's words (not a message the form gave it)?"""
    stock: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    return code not in stock or field.error_messages.get(code) == stock[code]


def value_error(field: forms.Field, label: str | None, error: ValidationError, typed: Any) -> ValidationError | None:
    """`error` of `field` said with the value (`typed`: what was sent), and with the field's `label`
    unless it is None (the message is shown under the label), when it is a refusal of the value
    itself in Django's words: a choice not offered, text that is not a number or a date, a number
    out of bounds or with too many digits. None for any other error (required, too long, a form's
    own messages, a message the field was given), which the entry forms keep as they are
    (`core.forms.ValueMessagesMixin`)."""
    params = error.params or {}
    template = {
        "invalid_choice": CHOICE_MESSAGE,
        "min_value": MIN_MESSAGE,
        "max_value": MAX_MESSAGE,
        "max_decimal_places": PLACES_MESSAGE,  # a DecimalField's: 1.234 where 2 places are allowed
        "max_digits": DIGITS_MESSAGE,
        "max_whole_digits": WHOLE_DIGITS_MESSAGE,
    }.get(str(error.code))
    if error.code == "invalid" and isinstance(field, forms.IntegerField | forms.DateField | forms.DateTimeField):
        template = _invalid_message(field)
    if template is None or not _stock_message(field, str(error.code)):
        return None
    value = params["value"] if error.code == "invalid_choice" and "value" in params else typed
    message = say(template, label, value, params.get("limit_value", params.get("max", "")))
    return ValidationError(message, code=error.code)


def say(template: Any, label: str | None, value: Any, limit: Any = "") -> str:
    """One of the refusals above (`CHOICE_MESSAGE`, `MIN_MESSAGE`, …) filled in: after the field's
    `label`, or in its form without the label (`UNLABELLED`) when `label` is None, quoting `value`
    (`shown_value`)."""
    if label is None:
        template = next(bare for labelled, bare in UNLABELLED if labelled is template)
    return str(template) % {"field": label, "value": shown_value(value), "limit": limit}


class FilterForm(forms.Form):
    """The base form of the lists' filters (`Meta.form` of a FilterSet, pages and API alike): each
    error names its filter by label and quotes the value typed (`CHOICE_MESSAGE` and the others by
    error code; any other message after the label, "%(field)s: %(message)s"). The bound form keeps
    what was typed, so the page shows the filters as sent."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, errors in (getattr(self, "_errors", None) or {}).items():
            field = self.fields.get(name)
            if field is not None:
                errors.data = [self._said(name, field, e) for e in errors.as_data()]

    def _said(self, name: str, field: forms.Field, error: ValidationError) -> ValidationError:
        params = error.params or {}
        typed = self.data.get(self.add_prefix(name), "")
        value = shown_value(params["value"] if error.code == "invalid_choice" and "value" in params else typed)
        label = str(field.label or name)
        template = {
            "invalid_choice": CHOICE_MESSAGE,
            "invalid": _invalid_message(field),
            "min_value": MIN_MESSAGE,
            "max_value": MAX_MESSAGE,
            "unknown_region": REGION_MESSAGE,
        }.get(str(error.code))
        if error.code == "below_lower" and (lower := self.fields.get(str(params.get("lower")))) is not None:
            lower_name = str(params["lower"])
            message = str(BELOW_LOWER_MESSAGE) % {
                "field": label,
                "value": value,
                "lower": str(lower.label or lower_name),
                "lower_value": shown_value(self.data.get(self.add_prefix(lower_name), "")),
            }
        elif template is not None:
            limit = params.get("limit_value", "")
            message = str(template) % {"field": label, "value": value, "limit": limit}
        else:
            message = gettext("%(field)s: %(message)s") % {"field": label, "message": " ".join(error.messages)}
        return ValidationError(message, code=error.code)


class CheckedFilterForm(FilterForm):
    """The form of a list's filters (`Meta.form` of its FilterSet): filters no record can pass are
    errors said with the others, as the search page says them (the API answers 422 with each under
    its name), not an empty list: an upper bound below its lower bound, a region code no region has."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_bounds(self, data)
        code = data.get("region")
        if "region" in self.fields and code and "region" not in self.errors and region_of_code(str(code)) is None:
            self.add_error("region", ValidationError("", code="unknown_region"))  # said by FilterForm
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
