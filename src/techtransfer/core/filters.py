"""FilterSets shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.core.choices import OrganisationStatus, OrganisationType
from techtransfer.core.models import Organisation


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name contains"))
    type = django_filters.ChoiceFilter(choices=OrganisationType.choices, label=_("Organisation type"))
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices, label=_("Status"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))

    class Meta:
        model = Organisation
        fields = ["q", "type", "status", "region"]

    def filter_q(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(uscc=value.upper()))

    def filter_region(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        # A province or city code selects everything inside it.
        code = value.strip()
        if len(code) == 6 and code.isdigit():
            prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
            return queryset.filter(region__code__startswith=prefix)
        return queryset.none()
