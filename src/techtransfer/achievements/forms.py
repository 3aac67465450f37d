"""The one validation of achievement data, shared by the web form, the importer and the API."""

import datetime
import re
import unicodedata
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import (
    CLASSIFIED_LEVELS,
    TRL_RANGE,
    SecrecyLevel,
    Stage,
    TransferMode,
    discipline_choice_groups,
    disciplines,
    stage_for_trl,
)
from techtransfer.achievements.errors import AchievementErrors
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.services import DATA_FIELDS
from techtransfer.core.forms import StyledModelForm, ValueMessagesMixin
from techtransfer.core.phone import PhoneField

MAX_KEYWORDS = 8
_SPLIT = re.compile(r"[|,，;；、\n]+")
FIRST_RESEARCH_YEAR = 1949
# A chosen stage may differ from the TRL's default one (`stage_for_trl`) by a level at its edges, a
# matter of judgement; further off (early stage at TRL 9) it is a mistake.
STAGE_TRL_SLACK = 1


class MonthField(forms.CharField):
    """A year-month (YYYY-MM) stored as the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2024-06"})

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = unicodedata.normalize("NFKC", str(value or "")).strip()  # ２０２１－０３ typed on a Chinese keyboard
        if not text:
            return None
        m = re.fullmatch(r"(\d{4})[-./年](\d{1,2})月?(-\d{1,2})?", text, re.ASCII)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a year and month, for example 2024-06."), code="month")
        year, latest = int(m.group(1)), timezone.localdate().year + 1
        if not FIRST_RESEARCH_YEAR <= year <= latest:
            raise forms.ValidationError(
                _("Give a year from %(first)d to %(last)d."),
                code="month_range",
                params={"first": FIRST_RESEARCH_YEAR, "last": latest},
            )
        return datetime.date(year, int(m.group(2)), 1)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class KeywordsField(forms.CharField):
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            items = [str(v).strip() for v in value]
        else:
            items = [k.strip() for k in _SPLIT.split(str(value or ""))]
        seen: list[str] = []
        for k in items:
            if k and k not in seen:
                seen.append(k)
        return seen

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_KEYWORDS:
            raise forms.ValidationError(
                _("At most %(max)d keywords, got %(n)d."),
                code="too_many_keywords",
                params={"max": MAX_KEYWORDS, "n": len(value)},
            )
        for k in value:
            if len(k) > 40:
                raise forms.ValidationError(
                    _("Keyword “%(k)s” is longer than 40 characters."), code="keyword_length", params={"k": k}
                )

    def prepare_value(self, value: Any) -> Any:
        return "；".join(value) if isinstance(value, list) else value


SECRECY_INPUT = [*SecrecyLevel.choices, ("secret", _("Classified (secret or above)"))]


class AchievementForm(ValueMessagesMixin, StyledModelForm):
    research_start = MonthField(label=_("Research start (year-month)"), required=False)
    research_end = MonthField(label=_("Research end (year-month)"), required=False)
    keywords = KeywordsField(
        label=_("Keywords"), required=True, help_text=_("Up to 8, separated by ；, comma or |."), max_length=400
    )
    secrecy = forms.ChoiceField(label=_("Secrecy level"), choices=SECRECY_INPUT, initial=SecrecyLevel.PUBLIC)
    transfer_modes = forms.MultipleChoiceField(
        label=_("Intended transfer modes"),
        choices=TransferMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    discipline = forms.ChoiceField(label=_("Discipline"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("— from TRL —")), *Stage.choices], required=False,
        help_text=_("If left empty, it follows the TRL: 1–4 early, 5–6 middle, 7–9 mature."),
    )  # fmt: skip

    class Meta:
        model = Achievement
        fields = list(DATA_FIELDS)
        widgets = {"abstract": forms.Textarea(attrs={"rows": 8, "maxlength": 2000})}
        field_classes = {"contact_phone": PhoneField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— choose —")), *discipline_choice_groups()]
        self.fields["discipline"].choices = choices  # type: ignore[attr-defined]
        self.fields["abstract"].max_length = 2000  # type: ignore[attr-defined]
        trl = self.fields["trl"]
        trl.widget.attrs.update({"min": 1, "max": 9})
        if self.instance.pk is None:
            trl.initial = None  # not the model's 3: a level nobody chose would be registered as assessed

    def clean_secrecy(self) -> str:
        value = str(self.cleaned_data["secrecy"])
        if value in CLASSIFIED_LEVELS:
            raise forms.ValidationError(str(AchievementErrors.CLASSIFIED.message), code="classified_refused")
        return value

    def clean_sector_code(self) -> str:
        """C3841 as typed on a Chinese keyboard (Ｃ３８４１) or in lower case; the model's pattern checks it."""
        return unicodedata.normalize("NFKC", str(self.cleaned_data.get("sector_code") or "")).strip().upper()

    def clean_transfer_modes(self) -> list[str]:
        return [str(m) for m in self.cleaned_data.get("transfer_modes") or []]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("research_start"), data.get("research_end")
        if start and end and end < start:
            self.add_error("research_end", _("The research cannot end before it starts."))
        trl = data.get("trl")
        if trl is not None and not TRL_RANGE[Stage.EARLY][0] <= int(trl) <= TRL_RANGE[Stage.MATURE][1]:
            # Refused by the field's own range (1–9) after this method: no stage follows from it, nor is
            # a chosen stage refused for not fitting it (a second error for the same mistake).
            trl = None
        if trl and not data.get("stage"):
            data["stage"] = stage_for_trl(int(trl))
        elif trl and data.get("stage") in TRL_RANGE:
            low, high = TRL_RANGE[data["stage"]]
            if not low - STAGE_TRL_SLACK <= int(trl) <= high + STAGE_TRL_SLACK:
                self.add_error(
                    "stage",
                    forms.ValidationError(
                        _("The stage “%(stage)s” does not fit TRL %(trl)d: choose another stage, or leave it empty."),
                        code="stage_trl",
                        params={"stage": Stage(data["stage"]).label, "trl": int(trl)},
                    ),
                )
        # A price refused as a number (too many digits) is not a missing price: say only the real error.
        if not data.get("price_negotiable") and data.get("price") is None and "price" not in self.errors:
            self.add_error("price", _("Give a price or mark it negotiable."))
        discipline = data.get("discipline")
        if discipline and discipline not in disciplines():
            self.add_error("discipline", _("Unknown discipline."))
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned values for the services (only data fields)."""
        return {k: self.cleaned_data[k] for k in DATA_FIELDS if k in self.cleaned_data}
