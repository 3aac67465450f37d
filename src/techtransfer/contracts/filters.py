"""The FilterSet of contract lists, shared by the HTML list and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.contracts.choices import ContractStatus, ContractType, TechField
from techtransfer.contracts.models import Contract
from techtransfer.core.filters import YEAR, BoundedNumberFilter, FilterForm, yes_no_all


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name, number or party"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    contract_type = django_filters.ChoiceFilter(choices=ContractType.choices, label=_("Contract type"))
    tech_field = django_filters.ChoiceFilter(choices=TechField.choices, label=_("Technical field"))
    year = BoundedNumberFilter(field_name="signed_on__year", label=_("Signing year"), **YEAR)
    flagged = django_filters.BooleanFilter(method="filter_flagged", label=_("Related-party flags"), widget=yes_no_all())

    class Meta:
        model = Contract
        form = FilterForm  # each error names its filter and the value sent
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(registration_number=value) | Q(parties__name__icontains=value)
        ).distinct()

    def filter_flagged(self, qs: QuerySet[Contract], name: str, value: bool | None) -> QuerySet[Contract]:
        if value is None:
            return qs
        return qs.filter(flags__isnull=not value).distinct()
