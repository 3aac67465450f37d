"""Input validation messages of the API in the user's language.

django-ninja validates request bodies and parameters with pydantic, whose messages are English
only ("Input should be 'immediate', 'daily' or 'weekly'"). Each error carries a stable `type` and
its parameters (`ctx`); the common ones get a translated message here, the rest keep pydantic's.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from techtransfer.core import filters

_CHOICES = re.compile(r"\^\(([\w-]+(?:\|[\w-]+)+)\)\$")

_NUMBER = _("Enter a number.")
_WHOLE_NUMBER = _("Enter a whole number.")
_DATE = _("Enter a valid date (YYYY-MM-DD) or date and time (ISO 8601).")
_OBJECT = _("Give an object ({…}).")

MESSAGES: Mapping[str, Any] = {
    "missing": _("This field is required."),
    "string_too_long": _("Ensure this value has at most %(max_length)s characters."),
    "string_too_short": _("Ensure this value has at least %(min_length)s characters."),
    "too_long": _("Give at most %(max_length)s items."),
    "too_short": _("Give at least %(min_length)s items."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "int_parsing": _WHOLE_NUMBER,
    "int_type": _WHOLE_NUMBER,
    "int_from_float": _WHOLE_NUMBER,
    # A whole number longer than Python reads from text (4300 digits): said as the characters it may have.
    "int_parsing_size": _("Ensure this value has at most %(max_length)s characters."),
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "finite_number": _NUMBER,  # "NaN", "Infinity", 1e400: no number a field can keep
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "string_type": _("Enter text."),
    "string_unicode": _("The text holds a character that is not valid Unicode (a lone surrogate)."),
    "string_pattern_mismatch": _("Enter a value of the expected form."),
    "list_type": _("Give a list ([…])."),
    "tuple_type": _("Give a list ([…])."),  # a fixed-length pair in JSON is a list: ["name", 30]
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "greater_than_equal": _("Ensure this value is at least %(ge)s."),
    "less_than_equal": _("Ensure this value is at most %(le)s."),
    "greater_than": _("Ensure this value is greater than %(gt)s."),
    "less_than": _("Ensure this value is less than %(lt)s."),
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "datetime_parsing": _DATE,
    "datetime_type": _DATE,
    "datetime_from_date_parsing": _DATE,
    "json_invalid": _("The request body is not valid JSON."),
    "uuid_parsing": _("Enter a valid UUID."),
    "email_invalid": _("Enter a valid email address."),  # core.schemas.Email (Django's own words)
    "extra_forbidden": _("Unknown field."),
}


# A value a query parameter (`?year=abc`) or a field of a request body (`"price": "abc"`) cannot take,
# said as the lists' filters say a value they cannot take (`core.filters`): the parameter's or field's
# name and what was sent, quoted. A choice lists the values it may take, as `MESSAGES["enum"]` did.
SENT_CHOICE_MESSAGE = _("%(field)s: “%(value)s” is not one of the choices (%(expected)s).")
SENT_MESSAGES: Mapping[str, Any] = {
    "int_parsing": filters.WHOLE_NUMBER_MESSAGE,
    "int_type": filters.WHOLE_NUMBER_MESSAGE,
    "int_from_float": filters.WHOLE_NUMBER_MESSAGE,
    "float_parsing": filters.NUMBER_MESSAGE,
    "float_type": filters.NUMBER_MESSAGE,
    "decimal_parsing": filters.NUMBER_MESSAGE,
    "decimal_type": filters.NUMBER_MESSAGE,
    "finite_number": filters.NUMBER_MESSAGE,
    "int_parsing_size": filters.INVALID_MESSAGE,
    "email_invalid": filters.INVALID_MESSAGE,
    "date_parsing": filters.DATE_MESSAGE,
    "date_type": filters.DATE_MESSAGE,
    "date_from_datetime_parsing": filters.DATE_MESSAGE,
    "date_from_datetime_inexact": filters.DATE_MESSAGE,
    "datetime_parsing": filters.DATETIME_MESSAGE,
    "datetime_type": filters.DATETIME_MESSAGE,
    "datetime_from_date_parsing": filters.DATETIME_MESSAGE,
    "greater_than_equal": filters.MIN_MESSAGE,
    "less_than_equal": filters.MAX_MESSAGE,
    "greater_than": _("%(field)s: give more than %(limit)s, not “%(value)s”."),
    "less_than": _("%(field)s: give less than %(limit)s, not “%(value)s”."),
    "decimal_max_places": filters.PLACES_MESSAGE,
    "decimal_max_digits": filters.DIGITS_MESSAGE,
    "decimal_whole_digits": filters.WHOLE_DIGITS_MESSAGE,
    "enum": SENT_CHOICE_MESSAGE,
    "literal_error": SENT_CHOICE_MESSAGE,
    "string_pattern_mismatch": filters.INVALID_MESSAGE,  # a choice (^(read|write)$): SENT_CHOICE_MESSAGE
}
_LIMITS = {
    "greater_than_equal": "ge",
    "less_than_equal": "le",
    "greater_than": "gt",
    "less_than": "lt",
    "decimal_max_places": "decimal_places",
    "decimal_max_digits": "max_digits",
    "decimal_whole_digits": "whole_digits",
}


def _expected(error: Mapping[str, Any]) -> str | None:
    """The values a choice may take, "'a', 'b', 'c'", or None when `error` is not a choice's."""
    ctx = error.get("ctx") or {}
    if error.get("type") == "string_pattern_mismatch":  # ^(read|write)$: a choice, said as one
        choices = _CHOICES.fullmatch(str(ctx.get("pattern", "")))
        return ", ".join(f"'{c}'" for c in choices.group(1).split("|")) if choices else None
    if error.get("type") in ("enum", "literal_error") and "expected" in ctx:  # "'a', 'b' or 'c'": without "or"
        return str(ctx["expected"]).replace(" or ", ", ")
    return None


def message(error: Mapping[str, Any], *, field: str = "", sent: str | None = None) -> str:
    """The message of one pydantic error (a dict of `ValidationError.errors`) in the active language.
    With `sent`, the text a query parameter or body field `field` was given (`api.sent_text`), a value
    it cannot take is said naming it and quoting the text (`SENT_MESSAGES`)."""
    kind = str(error.get("type", ""))
    expected = _expected(error)
    said = SENT_CHOICE_MESSAGE if expected is not None else SENT_MESSAGES.get(kind)
    if sent is not None and field and said is not None and (said is not SENT_CHOICE_MESSAGE or expected):
        limit = (error.get("ctx") or {}).get(_LIMITS.get(kind, ""), "")
        values = {"field": field, "value": filters.shown_value(sent), "limit": limit, "expected": expected}
        return str(said) % values
    template = MESSAGES.get(kind)
    if template is None:
        return str(error.get("msg", ""))
    ctx = dict(error.get("ctx") or {})
    if kind == "int_parsing_size":
        ctx.setdefault("max_length", sys.get_int_max_str_digits())
    if expected is not None:
        ctx["expected"] = expected
        template = MESSAGES["enum"]
    try:
        return str(template) % ctx if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):  # parameters not as expected: pydantic's own text
        return str(error.get("msg", ""))
