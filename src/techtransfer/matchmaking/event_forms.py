from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import registration_numbers
from techtransfer.achievements.selectors import registered_achievement_id
from techtransfer.core.forms import StyledForm, ValueMessagesMixin, date_input, datetime_input
from techtransfer.core.ids import parse_id
from techtransfer.core.instants import DateTimeField
from techtransfer.matchmaking.choices import ResultKind
from techtransfer.matchmaking.events import SESSION_LINK


class EventForm(ValueMessagesMixin, StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    starts_on = forms.DateField(label=_("First day"), widget=date_input())
    ends_on = forms.DateField(label=_("Last day"), widget=date_input())
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day must not be before the first day."))
        return data


# Digit strings this long or longer are registration numbers, never ids: a number missing a digit
# (11) was taken as the id of some other achievement, or of none. No table here nears 10 million rows.
SHORTEST_NUMBER = 8


class ItemForm(ValueMessagesMixin, StyledForm):
    need = forms.IntegerField(label=_("Need number"), required=False, min_value=1)
    achievement = forms.CharField(
        label=_("Achievement registration number"),
        required=False,
        max_length=32,
        help_text=_("The 12-digit registration number shown on the achievement's page."),
    )

    def clean_achievement(self) -> int | None:
        """The achievement's id, from its registration number (what its page shows; the form asked
        for the database id under that name) or, as before, from a short id (fewer than
        `SHORTEST_NUMBER` digits). Anything longer is a registration number: one of the wrong
        length is told so, not taken as an id. Typed in full-width digits or grouped with spaces,
        both are read as the achievements app reads them."""
        raw = registration_numbers.normalise(self.cleaned_data.get("achievement", ""))
        if not raw:
            return None
        found = parse_id(raw) if len(raw) < SHORTEST_NUMBER else None
        if found is None:  # raises, saying its length or its stray characters
            found = registered_achievement_id(registration_numbers.read(raw))
        if found is None:
            raise forms.ValidationError(_("No registered achievement has this number."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        refused = "need" in self.errors or "achievement" in self.errors  # said under the field, not as missing
        if not refused and bool(data.get("need")) == bool(data.get("achievement")):
            raise forms.ValidationError(_("Give either a need or an achievement."))
        return data


class SessionForm(ValueMessagesMixin, StyledForm):
    title = forms.CharField(label=_("Session"), max_length=200)
    starts_at = DateTimeField(label=_("Starts at"), widget=datetime_input())
    link = forms.CharField(
        label=_("Video link"), max_length=300, required=False, validators=[SESSION_LINK],
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )  # fmt: skip


class ResultForm(ValueMessagesMixin, StyledForm):
    kind = forms.ChoiceField(label=_("Type"), choices=ResultKind.choices)
    parties = forms.CharField(label=_("Parties"), max_length=300)
    amount = forms.DecimalField(label=_("Amount (10,000 yuan)"), max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
