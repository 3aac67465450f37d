"""The valuation aid's form: assumptions entered as percentages and a list of yearly revenues."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.forms import StyledForm, ValueMessagesMixin
from techtransfer.market.choices import ListingMode
from techtransfer.market.valuation import ValuationInput

HUNDRED = Decimal(100)
MAX_YEARS = 20


def _percent(label: Any, initial: str, *, max_value: int = 100) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=7, decimal_places=4, min_value=Decimal(0), max_value=Decimal(max_value), initial=initial
    )


class ValuationForm(ValueMessagesMixin, StyledForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    revenues = forms.CharField(
        label=_("Revenue forecast per year (10,000 yuan)"),
        help_text=_("One amount per year, separated by spaces, commas or new lines; at most 20 years."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    royalty_rate = _percent(_("Royalty rate (%)"), "5")
    technology_share = _percent(_("Technology share (%)"), "30")
    discount_rate = _percent(_("Discount rate (%)"), "10")
    replacement_cost = forms.DecimalField(
        label=_("Replacement cost (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )
    obsolescence = _percent(_("Obsolescence rate (%)"), "0")
    industry = forms.ChoiceField(
        label=_("Industry of comparables"), choices=[("", "—"), *PlanIndustry.choices], required=False
    )
    mode = forms.ChoiceField(label=_("Mode of comparables"), choices=[("", "—"), *ListingMode.choices], required=False)

    def clean_revenues(self) -> list[Decimal]:
        parts = [p for p in re.split(r"[\s,，;；]+", self.cleaned_data["revenues"]) if p]
        if not parts:
            raise forms.ValidationError(_("Give at least one year's revenue."))
        if len(parts) > MAX_YEARS:
            raise forms.ValidationError(_("At most 20 years."))
        values: list[Decimal] = []
        for p in parts:
            try:
                v = Decimal(p)
            except InvalidOperation:
                raise forms.ValidationError(_("“%(value)s” is not a number.") % {"value": p}) from None
            if not v.is_finite() or v < 0:
                raise forms.ValidationError(_("“%(value)s” is not a number.") % {"value": p})
            values.append(v)
        return values

    def values(self) -> ValuationInput:
        d = self.cleaned_data
        return ValuationInput(
            subject=d["subject"], revenues=d["revenues"], royalty_rate=d["royalty_rate"] / HUNDRED,
            technology_share=d["technology_share"] / HUNDRED, discount_rate=d["discount_rate"] / HUNDRED,
            replacement_cost=d.get("replacement_cost"), obsolescence=d["obsolescence"] / HUNDRED,
            industry=d.get("industry", ""), mode=d.get("mode", ""),
        )  # fmt: skip
