"""Dates and times as the database can store and compare them, whatever offset they were sent with.

ISO 8601 (and pydantic, and Django's forms) allow UTC offsets up to ±23:59; PostgreSQL takes ±15:59
("time zone displacement out of range": a 500 on a hand-edited `?since=…-20:58`). And an instant
before year 1 or after 9999 in UTC (0001-01-01T00:00+05:00) cannot be converted to UTC at all, on
any database. `storable` gives the same instant at an offset PostgreSQL takes; the form fields below
refuse the out-of-range instant as no date and time, as they refuse any text they cannot read.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError

PG_OFFSET_LIMIT = datetime.timedelta(hours=16)  # PostgreSQL's bound, exclusive


def storable(value: datetime.datetime) -> datetime.datetime:
    """`value` at an offset PostgreSQL takes: as sent when it can (an export's filters show it),
    else the same instant in UTC. A naive value is returned as it is. Raises OverflowError for an
    instant outside years 1–9999 in UTC."""
    if value.tzinfo is None:
        return value
    utc = value.astimezone(datetime.UTC)  # OverflowError outside years 1–9999
    offset = value.utcoffset() or datetime.timedelta(0)
    return value if abs(offset) < PG_OFFSET_LIMIT else utc


class StorableMixin:
    """For a date-and-time form field: what it read, made `storable`; an instant it cannot store is
    refused as the field refuses text it cannot read (code "invalid", which the forms say quoting it)."""

    error_messages: dict[str, Any]

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)  # type: ignore[misc]
        if not isinstance(result, datetime.datetime):
            return result
        try:
            return storable(result)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateTimeField(StorableMixin, forms.DateTimeField):
    """`forms.DateTimeField` for dates and times the database stores (`StorableMixin`)."""


class IsoDateTimeField(StorableMixin, django_filters.fields.IsoDateTimeField):
    """django-filter's ISO 8601 field, made `storable`."""


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """django-filter's ISO 8601 filter reading through `IsoDateTimeField`."""

    field_class = IsoDateTimeField
