"""Forms of funding programmes, funded projects and project reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.models import Achievement
from techtransfer.achievements.registration_numbers import RegistrationNumberField
from techtransfer.core import uscc
from techtransfer.core.forms import StyledForm, ValueMessagesMixin, date_input
from techtransfer.core.models import Organisation


class ProgrammeForm(ValueMessagesMixin, StyledForm):
    department = forms.TypedChoiceField(label=_("Owner department"), coerce=int)
    name = forms.CharField(label=_("Programme name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    report_due_days = forms.IntegerField(
        label=_("Report due (days after the project ends)"), min_value=0, max_value=730, initial=90
    )

    def __init__(self, *args: Any, departments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year  # the platform's year (Asia/Shanghai)


class OwnerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An organisation named by its unified social credit code."""

    def to_python(self, value: Any) -> Organisation | None:
        return super().to_python(uscc.normalise(str(value or "")) or None)  # type: ignore[no-any-return]


class ProjectForm(ValueMessagesMixin, StyledForm):
    number = forms.CharField(label=_("Project number"), max_length=64)
    title = forms.CharField(label=_("Project title"), max_length=200)
    owner = OwnerField(
        label=_("Owner organisation (unified social credit code)"),
        queryset=Organisation.objects.all(),
        to_field_name="uscc",
        widget=forms.TextInput(attrs={"maxlength": 18}),
        error_messages={"invalid_choice": _("No organisation with this unified social credit code is registered.")},
    )
    principal_investigator = forms.CharField(label=_("Principal investigator"), max_length=64)
    end_date = forms.DateField(label=_("End date"), widget=date_input())
    report_due = forms.DateField(
        label=_("Report due"), required=False, widget=date_input(),
        help_text=_("Left empty: the programme's number of days after the end date."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end, due = data.get("end_date"), data.get("report_due")
        if end and due and due < end:
            self.add_error("report_due", _("The report cannot be due before the project ends."))
        return data


# How many records the report form's select offers (the newest published ones).
SHOWN_RECORDS = 200


class ReportForm(ValueMessagesMixin, StyledForm):
    summary = forms.CharField(
        label=_("Summary of the results"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    achievement = forms.ModelChoiceField(
        label=_("Registry record (optional)"), queryset=Achievement.objects.none(), required=False,
        empty_label=_("— none —"),
    )  # fmt: skip
    registration_number = RegistrationNumberField(label=_("Or its registration number"), required=False)

    def __init__(self, *args: Any, achievements: QuerySet[Achievement], **kwargs: Any) -> None:
        """`achievements`: the records a report may name (published ones of the project's owner). The
        select offers the newest SHOWN_RECORDS of them (a university holds thousands: every record in
        the select made the page 510 KB and 5.6 s); any of them is accepted, older ones by number."""
        super().__init__(*args, **kwargs)
        self._records = achievements
        field = self.fields["achievement"]
        field.queryset = achievements  # type: ignore[attr-defined]
        newest = achievements.order_by("-published_at", "-pk").values_list("pk", "name")[:SHOWN_RECORDS]
        field.widget.choices = [("", field.empty_label), *newest]  # type: ignore[attr-defined]
        field.help_text = _(
            "Your organisation's published records, the newest %(n)d. For an older one, give its registration "
            "number below."
        ) % {"n": SHOWN_RECORDS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("registration_number") or ""  # normalised by the field: ３６０２ 0261… is 36020261…
        if number:
            found = self._records.filter(registration_number=number).first()
            if found is None:
                self.add_error(
                    "registration_number", _("None of your organisation's published records has this number.")
                )
            elif data.get("achievement") not in (None, found):
                self.add_error("registration_number", _("Choose a record or give a number, not both."))
            else:
                data["achievement"] = found
        return data
