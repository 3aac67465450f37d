"""The one validation of need data, used by the web form, the API and the demo loader."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.filters import region_of_code
from techtransfer.core.forms import MAX_COMMENT, StyledForm, ValueMessagesMixin, date_input
from techtransfer.core.models import Region
from techtransfer.needs.choices import Confidentiality, CooperationMode


class NeedForm(ValueMessagesMixin, StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Public summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Everyone sees this, even when the full text is restricted to verified accounts."),
    )  # fmt: skip
    description = forms.CharField(label=_("Problem description"), max_length=8000, widget=forms.Textarea)
    indicators = forms.CharField(
        label=_("Target technical specifications"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *PlanIndustry.choices], required=False)
    region = forms.CharField(
        label=_("Region code"), max_length=6, required=False,
        help_text=_(
            "Administrative division code: 6 digits for a county, 4 for a city (3607), 2 for a province; "
            "empty: your organisation's region."
        ),
    )  # fmt: skip
    budget_min = forms.DecimalField(
        label=_("Budget from (10,000 yuan)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    budget_max = forms.DecimalField(
        label=_("Budget to (10,000 yuan)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    required_trl = forms.IntegerField(
        label=_("Required technology readiness level"), min_value=1, max_value=9, required=False,
        help_text=_("The lowest TRL (1–9) a solution should have reached; leave empty for any."),
    )  # fmt: skip
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Preferred cooperation modes"), choices=CooperationMode.choices, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=date_input())
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.SUMMARY
    )

    def clean_region(self) -> Region | None:
        typed = self.cleaned_data.get("region", "")
        if not typed.strip():
            return None
        region = region_of_code(typed)  # ３６０７０２ and 3607 (赣州市) too, as in search
        if region is None:
            raise forms.ValidationError(_("Unknown administrative division code."))
        return region

    def clean_deadline(self) -> datetime.date | None:
        """A deadline already past would publish a need nobody can answer in time: refused on create
        and edit alike (the form keeps what was typed)."""
        deadline: datetime.date | None = self.cleaned_data.get("deadline")
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline must not be in the past."), code="deadline_past")
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper end of the budget must not be below the lower end."))
        return data

    def values(self) -> dict[str, Any]:
        """Service input: only the set fields; an empty region means "the organisation's region"."""
        values = dict(self.cleaned_data)
        if values.get("region") is None:
            values.pop("region", None)
        values["industry"] = values.get("industry") or ""
        values["indicators"] = values.get("indicators") or ""
        return values


class CommentForm(StyledForm):
    comment = forms.CharField(
        label=_("Comment"), max_length=MAX_COMMENT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
