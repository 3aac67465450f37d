"""One FilterSet for audit events, used by the audit page, its CSV export and the API."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.filters import FilterForm
from techtransfer.core.instants import IsoDateTimeFilter


class AuditFilterForm(FilterForm):
    """The filters' form: a range must not end before it starts (an export of it would be empty); each
    error names its filter (`FilterForm`)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The range's start and end, whichever filters give them (a day counts from its start).
        starts = [
            (name, value if isinstance(value, datetime.datetime) else _start_of(value))
            for name in ("since", "date_from")
            if (value := data.get(name))
        ]
        ends = [
            (name, value if isinstance(value, datetime.datetime) else _start_of(value + datetime.timedelta(days=1)))
            for name in ("until", "date_to")
            if (value := data.get(name))
        ]
        for end_name, end in ends:
            if any(start >= end for _n, start in starts) and not self.has_error(end_name):
                self.add_error(end_name, gettext("The end is before the start."))
        return data


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action starts with"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    actor = django_filters.CharFilter(field_name="actor__username", label=_("Actor user name"))
    organisation = django_filters.NumberFilter(field_name="organisation_id", label=_("Organisation ID"))
    request_id = django_filters.CharFilter(label=_("Request id"))
    since = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("From"))
    until = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("Until"))
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From date"))
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To date"))

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor", "organisation", "request_id"]
        form = AuditFilterForm


def filter_errors(params: Mapping[str, str], *, prefix: str = "") -> dict[str, list[str]]:
    """The messages per filter for `params` ({} when all are known and valid), named `prefix + name`:
    an unknown filter name, or a value its filter cannot read (a date that is no date)."""
    errors = {
        f"{prefix}{name}": [gettext("Unknown filter.")]
        for name in params
        if name not in AuditEventFilterSet.base_filters
    }
    fs = AuditEventFilterSet(dict(params), queryset=AuditEvent.objects.none())
    if not fs.is_valid():
        errors.update({f"{prefix}{name}": [str(m) for m in messages] for name, messages in fs.errors.items()})
    return errors


def clean_filters(params: Mapping[str, str], *, prefix: str = "") -> dict[str, str]:
    """`params` without empty values, or DomainError(VALIDATION) naming each unknown or invalid filter.

    The export job keeps these as its parameters: an export with a filter that means nothing would
    otherwise run, and "succeed" with every event or none.
    """
    kept = {name: str(value) for name, value in params.items() if value not in ("", None)}
    errors = filter_errors(kept, prefix=prefix)
    if errors:
        raise DomainError(Errors.VALIDATION, details={"fields": errors})
    return kept


def filter_events(queryset: QuerySet[AuditEvent], params: Mapping[str, str]) -> QuerySet[AuditEvent]:
    """`queryset` filtered by `params`, which `clean_filters` accepted (DomainError otherwise)."""
    fs = AuditEventFilterSet(clean_filters(params), queryset=queryset)
    fs.is_valid()
    return fs.qs
