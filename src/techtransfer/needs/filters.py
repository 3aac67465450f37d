"""The FilterSet of the public needs list, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.filters import MONEY, BoundedNumberFilter, CheckedFilterForm, filter_region_code, yes_no_all
from techtransfer.needs.choices import CooperationMode
from techtransfer.needs.models import Need

ORDERING = {
    "-published": ("-published_at", "-pk"),
    "deadline": ("deadline", "pk"),
    "-budget": ("-budget_max", "-pk"),
}


class NeedFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Words in title or summary"))
    industry = django_filters.ChoiceFilter(choices=PlanIndustry.choices, label=_("Industry"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    cooperation_mode = django_filters.ChoiceFilter(
        choices=CooperationMode.choices, method="filter_mode", label=_("Cooperation mode")
    )
    budget_min = BoundedNumberFilter(
        field_name="budget_max", lookup_expr="gte", label=_("Budget at least (10,000 yuan)"), **MONEY
    )
    challenge = django_filters.BooleanFilter(
        method="filter_challenge", label=_("Runs as a challenge"), widget=yes_no_all()
    )
    demo = django_filters.BooleanFilter(field_name="is_demo", label=_("Demo records"), widget=yes_no_all())
    sort = django_filters.ChoiceFilter(
        choices=[("-published", _("Newest first")), ("deadline", _("Deadline")), ("-budget", _("Budget"))],
        method="filter_sort", label=_("Sort by"), empty_label=None,  # newest first unless told otherwise
    )  # fmt: skip

    class Meta:
        model = Need
        form = CheckedFilterForm  # impossible filters are errors (422 in the API), not an empty list
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        for word in value.split()[:5]:
            qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        return qs

    def filter_region(self, qs: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        return filter_region_code(qs, value)

    def filter_mode(self, qs: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        # JSON list membership, portable between SQLite and PostgreSQL.
        return qs.filter(cooperation_modes__icontains=f'"{value}"')

    def filter_challenge(self, qs: QuerySet[Need], name: str, value: bool | None) -> QuerySet[Need]:
        if value is None:
            return qs
        return qs.filter(challenge__isnull=not value)

    def filter_sort(self, qs: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        return qs.order_by(*ORDERING.get(value, ORDERING["-published"]))
