"""One FilterSet for audit events, used by the audit page, its CSV export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action starts with"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    actor = django_filters.CharFilter(field_name="actor__username", label=_("Actor user name"))
    organisation = django_filters.NumberFilter(field_name="organisation_id", label=_("Organisation id"))
    request_id = django_filters.CharFilter(label=_("Request id"))
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("From"))
    until = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("Until"))
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From date"))
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To date"))

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor", "organisation", "request_id"]


def filter_events(queryset: QuerySet[AuditEvent], params: dict[str, str]) -> QuerySet[AuditEvent]:
    fs = AuditEventFilterSet(params, queryset=queryset)
    return fs.qs if fs.is_valid() else queryset.none()
