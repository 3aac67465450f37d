"""The FilterSet of the market page, shared by the HTML list and the API."""

from decimal import Decimal

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.filters import MONEY, BoundedNumberFilter, CheckedFilterForm, filter_region_code, yes_no_all
from techtransfer.market.choices import AuctionStatus, ListingMode
from techtransfer.market.models import Listing

ORDERING = {
    "-published": ("-published_at", "-pk"),
    "price": ("price_min", "pk"),
    "-price": ("-price_min", "-pk"),
    "ending": ("listed_until", "pk"),
}


class ListingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Words in title or description"))
    mode = django_filters.ChoiceFilter(choices=ListingMode.choices, label=_("Mode"))
    industry = django_filters.ChoiceFilter(choices=PlanIndustry.choices, label=_("Industry"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    price_min = BoundedNumberFilter(method="filter_price_min", label=_("Price from (10,000 yuan)"), **MONEY)
    price_max = BoundedNumberFilter(method="filter_price_max", label=_("Price to (10,000 yuan)"), **MONEY)
    has_auction = django_filters.BooleanFilter(
        method="filter_has_auction", label=_("With an auction"), widget=yes_no_all()
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("-published", _("Newest first")),
            ("price", _("Price, low to high")),
            ("-price", _("Price, high to low")),
            ("ending", _("Ending soonest")),
        ],
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Listing
        form = CheckedFilterForm  # impossible filters are errors (422 in the API), not an empty list
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Listing], name: str, value: str) -> QuerySet[Listing]:
        for word in value.split()[:5]:
            qs = qs.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(patent_numbers__icontains=word)
            )
        return qs

    def filter_region(self, qs: QuerySet[Listing], name: str, value: str) -> QuerySet[Listing]:
        return filter_region_code(qs, value)

    def filter_price_min(self, qs: QuerySet[Listing], name: str, value: Decimal) -> QuerySet[Listing]:
        # A range listing matches when any part of its range lies at or above the bound.
        return qs.filter(Q(price_max__gte=value) | Q(price_max__isnull=True, price_min__gte=value))

    def filter_price_max(self, qs: QuerySet[Listing], name: str, value: Decimal) -> QuerySet[Listing]:
        return qs.filter(price_min__lte=value)

    def filter_has_auction(self, qs: QuerySet[Listing], name: str, value: bool | None) -> QuerySet[Listing]:
        if value is None:
            return qs
        q = Q(auctions__status=AuctionStatus.SCHEDULED)
        return (qs.filter(q) if value else qs.exclude(q)).distinct()

    def filter_sort(self, qs: QuerySet[Listing], name: str, value: str) -> QuerySet[Listing]:
        return qs.order_by(*ORDERING.get(value, ORDERING["-published"]))
