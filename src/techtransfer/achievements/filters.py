"""The FilterSet of the public achievements list, shared by the HTML list, the API and exports."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import (
    AchievementKind,
    AchievementStatus,
    EmergingIndustry,
    IPKind,
    PlanIndustry,
    Stage,
    TransferMode,
    discipline_choices,
)
from techtransfer.achievements.models import Achievement
from techtransfer.core.choices import OrganisationType
from techtransfer.core.filters import MONEY, TRL, YEAR, BoundedNumberFilter, CheckedFilterForm, filter_region_code

ORDERING = {
    "-published": ("-published_at", "-pk"),
    "published": ("published_at", "pk"),
    "-price": ("-price", "-pk"),
    "price": ("price", "pk"),
    "-trl": ("-trl", "-pk"),
    "name": ("name", "pk"),
}


class AchievementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Words in name, keywords or abstract"))
    kind = django_filters.ChoiceFilter(choices=AchievementKind.choices, label=_("Type"))
    plan_industry = django_filters.ChoiceFilter(choices=PlanIndustry.choices, label=_("Industry (action plan)"))
    emerging_industry = django_filters.ChoiceFilter(
        choices=EmergingIndustry.choices, label=_("Strategic emerging industry")
    )
    sector = django_filters.CharFilter(method="filter_sector", label=_("GB/T 4754 sector code starts with"))
    discipline = django_filters.ChoiceFilter(choices=discipline_choices, label=_("Discipline"))
    category = django_filters.CharFilter(field_name="discipline_category", label=_("Discipline category"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    trl_min = BoundedNumberFilter(field_name="trl", lookup_expr="gte", label=_("TRL from"), **TRL)
    trl_max = BoundedNumberFilter(field_name="trl", lookup_expr="lte", label=_("TRL to"), **TRL)
    region = django_filters.CharFilter(method="filter_region", label=_("Region"))
    transfer_mode = django_filters.ChoiceFilter(
        choices=TransferMode.choices, method="filter_transfer_mode", label=_("Transfer mode")
    )
    price_min = BoundedNumberFilter(field_name="price", lookup_expr="gte", label=_("Price from (10,000 yuan)"), **MONEY)
    price_max = BoundedNumberFilter(field_name="price", lookup_expr="lte", label=_("Price to (10,000 yuan)"), **MONEY)
    ip_kind = django_filters.ChoiceFilter(choices=IPKind.choices, method="filter_ip_kind", label=_("IP type"))
    organisation_type = django_filters.ChoiceFilter(
        field_name="organisation__type", choices=OrganisationType.choices, label=_("Organisation type")
    )
    organisation = django_filters.NumberFilter(field_name="organisation_id", label=_("Organisation ID"))
    year = BoundedNumberFilter(field_name="published_at__year", label=_("Year published"), **YEAR)
    status = django_filters.ChoiceFilter(choices=AchievementStatus.choices, label=_("Status"))
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,  # the list sorts newest first unless told otherwise
        choices=[
            ("-published", _("Newest first")),
            ("published", _("Oldest first")),
            ("-price", _("Price, high to low")),
            ("price", _("Price, low to high")),
            ("-trl", _("Most mature first")),
            ("name", _("Name")),
        ],
    )

    class Meta:
        model = Achievement
        form = CheckedFilterForm  # impossible filters are errors (422 in the API), not an empty list
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Achievement], name: str, value: str) -> QuerySet[Achievement]:
        q = Q()
        for word in value.split():
            q &= Q(name__icontains=word) | Q(abstract__icontains=word) | Q(keywords__icontains=word)
        return qs.filter(q)

    def filter_sector(self, qs: QuerySet[Achievement], name: str, value: str) -> QuerySet[Achievement]:
        return qs.filter(sector_code__startswith=value.strip().upper())

    def filter_region(self, qs: QuerySet[Achievement], name: str, value: str) -> QuerySet[Achievement]:
        return filter_region_code(qs, value)

    def filter_transfer_mode(self, qs: QuerySet[Achievement], name: str, value: str) -> QuerySet[Achievement]:
        # JSON "contains" is not available on SQLite; the quoted value matches one list element exactly.
        return qs.filter(transfer_modes__icontains=f'"{value}"')

    def filter_ip_kind(self, qs: QuerySet[Achievement], name: str, value: str) -> QuerySet[Achievement]:
        return qs.filter(pk__in=Achievement.objects.filter(ip_items__kind=value).values("pk"))

    def filter_sort(self, qs: QuerySet[Achievement], name: str, value: str) -> QuerySet[Achievement]:
        return qs.order_by(*ORDERING[value])
