"""Forms of the catalogue editor: metadata, filters, manual additions, notes, order, admissions."""

import unicodedata
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.access import public_achievements
from techtransfer.achievements.catalogues import NOTE_MAX, CatalogueCriteria
from techtransfer.achievements.choices import (
    AchievementKind,
    EmbodimentForm,
    EmergingIndustry,
    EvaluationLevel,
    PlanIndustry,
    Stage,
    TransferMode,
    discipline_choices,
    disciplines,
)
from techtransfer.achievements.models import Achievement, Catalogue
from techtransfer.achievements.registration_numbers import RegistrationNumberField
from techtransfer.core import uscc
from techtransfer.core.filters import region_code_prefix
from techtransfer.core.forms import StyledForm, ValueMessagesMixin
from techtransfer.core.models import Organisation

ANY = ("", _("— any —"))


def _year_field(label: Any, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100, required=required)


class CatalogueForm(ValueMessagesMixin, StyledForm):
    """Title, year, kind and description; `owner` only when creating (the editor's departments)."""

    owner = forms.ModelChoiceField(label=_("Compiled by"), queryset=Organisation.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    year = _year_field(_("Year"), required=True)
    kind = forms.ChoiceField(label=_("Type"), choices=Catalogue.Kind.choices)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, departments: QuerySet[Organisation] | None = None, **kwargs: Any) -> None:
        year = timezone.localdate().year
        kwargs.setdefault("initial", {}).setdefault("year", year)
        super().__init__(*args, **kwargs)
        # The example names this year (it said 2026 in any year).
        self.fields["title"].help_text = _("For example: %(year)s 先进适用科技成果目录 · 新材料") % {"year": year}
        if departments is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = departments  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("title", "year", "kind", "description")}


class CatalogueFilterForm(ValueMessagesMixin, StyledForm):
    """Filters over published achievements. Sent by GET to preview, by POST to add the matches."""

    q = forms.CharField(label=_("Name or abstract contains"), max_length=100, required=False)
    plan_industry = forms.ChoiceField(
        label=_("Industry (action plan)"), choices=[ANY, *PlanIndustry.choices], required=False
    )
    emerging_industry = forms.ChoiceField(
        label=_("Strategic emerging industry"), choices=[ANY, *EmergingIndustry.choices], required=False
    )
    discipline = forms.ChoiceField(label=_("Discipline"), required=False)
    achievement_kind = forms.ChoiceField(
        label=_("Achievement type"), choices=[ANY, *AchievementKind.choices], required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=[ANY, *Stage.choices], required=False)
    trl_min = forms.IntegerField(label=_("TRL from"), min_value=1, max_value=9, required=False)
    trl_max = forms.IntegerField(label=_("TRL to"), min_value=1, max_value=9, required=False)
    region_prefix = forms.CharField(
        label=_("Region code"), max_length=6, required=False,
        help_text=_("2 digits for a province, 4 for a city, 6 for a county, e.g. 3601."),
    )  # fmt: skip
    transfer_mode = forms.ChoiceField(label=_("Transfer mode"), choices=[ANY, *TransferMode.choices], required=False)
    published_year = _year_field(_("Published in year"), required=False)
    embodiment = forms.ChoiceField(
        label=_("Form of the results"), choices=[ANY, *EmbodimentForm.choices], required=False
    )
    evaluation_level = forms.ChoiceField(
        label=_("Evaluation level"), choices=[ANY, *EvaluationLevel.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discipline"].choices = [ANY, *discipline_choices()]  # type: ignore[attr-defined]

    def clean_region_prefix(self) -> str:
        # Full-width digits are read as digits (３６０１ is 3601); other scripts' digits are refused.
        value = unicodedata.normalize("NFKC", str(self.cleaned_data.get("region_prefix") or "")).strip()
        if value and region_code_prefix(value) is None:
            raise forms.ValidationError(_("Give 2, 4 or 6 digits of a region code."), code="region_prefix")
        return value

    def clean_discipline(self) -> str:
        value = str(self.cleaned_data.get("discipline") or "")
        if value and value not in disciplines():
            raise forms.ValidationError(_("Unknown discipline."), code="discipline")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("trl_min"), data.get("trl_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("trl_max", _("The upper TRL must not be below the lower one."))
        return data

    def has_filters(self) -> bool:
        return bool(self.is_valid() and self.criteria().as_json())

    def criteria(self) -> CatalogueCriteria:
        d = self.cleaned_data
        return CatalogueCriteria(
            q=str(d.get("q") or "").strip(),
            plan_industry=d.get("plan_industry") or "",
            emerging_industry=d.get("emerging_industry") or "",
            discipline=d.get("discipline") or "",
            achievement_kind=d.get("achievement_kind") or "",
            stage=d.get("stage") or "",
            trl_min=d.get("trl_min"),
            trl_max=d.get("trl_max"),
            region_prefix=d.get("region_prefix") or "",
            transfer_mode=d.get("transfer_mode") or "",
            published_year=d.get("published_year"),
            embodiment=d.get("embodiment") or "",
            evaluation_level=d.get("evaluation_level") or "",
        )


class AddEntryForm(StyledForm):
    """Manual curation: one published record by its registration number, with an optional note."""

    registration_number = RegistrationNumberField(label=_("Registration number"))
    note = forms.CharField(
        label=_("Editorial note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_registration_number(self) -> Achievement:
        # ３６０２… typed with a Chinese input method is the same number; spaces between groups too
        # (read by the field, as every form reads these numbers).
        number = self.cleaned_data["registration_number"]
        achievement = public_achievements().filter(registration_number=number).first()
        if achievement is None:
            raise forms.ValidationError(_("No published record has this registration number."), code="unknown_number")
        return achievement


class EntryNoteForm(StyledForm):
    note = forms.CharField(
        label=_("Editorial note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveEntryForm(ValueMessagesMixin, StyledForm):
    position = forms.IntegerField(label=_("Position"), min_value=1, required=False)
    direction = forms.ChoiceField(choices=[("", "-"), ("up", _("Up")), ("down", _("Down"))], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("position") and not data.get("direction"):
            raise forms.ValidationError(_("Give a position."), code="position")
        return data


class AdmitForm(StyledForm):
    """Admit an organisation by its unified social credit code (exact, unlike names)."""

    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)

    def clean_uscc(self) -> Organisation:
        code = uscc.normalise(str(self.cleaned_data["uscc"]))
        org = Organisation.objects.filter(uscc=code).first()
        if org is None:
            raise forms.ValidationError(_("No organisation has this code."), code="unknown_uscc")
        return org


class TransitionForm(ValueMessagesMixin, StyledForm):
    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("withdraw", _("Withdraw")), ("reopen", _("Reopen as draft"))]
    )
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)
