"""Forms of challenges: set-up, proposals, panel, conflicts, scores, shortlist and award."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.core.filters import region_of_code
from techtransfer.core.forms import StyledForm, ValueMessagesMixin, datetime_input
from techtransfer.core.instants import DateTimeField
from techtransfer.core.models import Organisation
from techtransfer.core.plausible import confirmation_request, unusual_yuan
from techtransfer.needs.choices import SolverType
from techtransfer.needs.errors import NeedErrors
from techtransfer.needs.models import CRITERION_NAME_LENGTH, Criterion, Proposal, yuan_label

DEFAULT_AGREEMENT = _(
    "I will keep the full problem description confidential, submit only work I have the right to "
    "submit, and accept that the seeker decides the award within the published rules."
)


class ChallengeForm(ValueMessagesMixin, StyledForm):
    bounty = forms.DecimalField(label=_("Bounty (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("1"))
    split = forms.CharField(
        label=_("Shares of the winners (%)"), initial="100",
        help_text=_("One percentage per winning place, separated by commas, adding up to 100, e.g. 60,40."),
    )  # fmt: skip
    deadline = DateTimeField(label=_("Submission deadline"), widget=datetime_input())
    eligible_types = forms.MultipleChoiceField(
        label=_("Eligible solvers"), choices=SolverType.choices, widget=forms.CheckboxSelectMultiple,
        initial=[t.value for t in SolverType],
    )  # fmt: skip
    eligible_regions = forms.CharField(
        label=_("Eligible regions"), required=False,
        help_text=_("Region codes separated by commas (360000 for the whole province); empty: everywhere."),
    )  # fmt: skip
    criteria = forms.CharField(
        label=_("Evaluation criteria"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One criterion per line as “name | weight”; the weights add up to 100."),
    )  # fmt: skip
    agreement = forms.CharField(label=_("Solver agreement"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    # Shown (ticked to go on) only when the bounty is unusual (`clean`).
    confirm_bounty = forms.BooleanField(label=_("The amount is right"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].initial = DEFAULT_AGREEMENT

    def clean(self) -> dict[str, Any]:
        """A bounty below 1,000 yuan or of 100 million yuan or more (`create_challenge`'s rule) is said with
        the other errors, and saved only once the seeker ticks that it is right."""
        data = super().clean() or {}
        bounty = data.get("bounty")
        if bounty is not None and not data.get("confirm_bounty") and (unusual := unusual_yuan(bounty)):
            self.fields["confirm_bounty"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
            self.add_error("bounty", confirmation_request(unusual, yuan_label(bounty), _("The bounty")))
        return data

    def clean_deadline(self) -> datetime.datetime:
        """Said with the other fields' errors, not only once they are all right (the service checks
        again on saving, with the server clock)."""
        deadline: datetime.datetime = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            past = NeedErrors.DEADLINE_IN_PAST
            raise forms.ValidationError(str(past.message), code=past.code)
        return deadline

    def clean_split(self) -> list[Decimal]:
        try:
            shares = [Decimal(p.strip()) for p in self.cleaned_data["split"].replace("，", ",").split(",") if p.strip()]
        except InvalidOperation as exc:
            raise forms.ValidationError(_("Write numbers separated by commas.")) from exc
        if not shares or any(s <= 0 for s in shares) or sum(shares) != 100:
            raise forms.ValidationError(_("The shares of the bounty must be positive and add up to exactly 100%."))
        return shares

    def clean_eligible_regions(self) -> list[str]:
        """Codes as everywhere else: 360000, also 3607 or 36 (a city's, a province's prefix) and
        full-width digits; stored as the six-digit codes."""
        typed = self.cleaned_data["eligible_regions"].replace("，", ",").replace("、", ",")
        codes = [c.strip() for c in typed.split(",") if c.strip()]
        regions = {c: region_of_code(c) for c in codes}
        unknown = [c for c, region in regions.items() if region is None]
        if unknown:
            raise forms.ValidationError(_("Unknown region codes: %(codes)s") % {"codes": ", ".join(unknown)})
        return list(dict.fromkeys(region.code for region in regions.values() if region is not None))

    def clean_criteria(self) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), 1):
            if not line.strip():
                continue
            # ｜ is the bar a Chinese input method types; the weight read as NFKC, so that ５０ is 50 (and
            # ², which passes isdigit() but not int(), is 2 rather than a 500).
            name, sep, typed = line.replace("｜", "|").rpartition("|")
            weight = unicodedata.normalize("NFKC", typed).strip()
            if sep and name.strip() and re.fullmatch(r"[0-9]*[.,][0-9]+", weight):
                # 50.5: the form is right, the weight is not a whole number (the form message misled).
                raise forms.ValidationError(
                    _("Criteria weights are whole numbers; line %(line)s has “%(weight)s”.")
                    % {"line": number, "weight": weight}
                )
            if not sep or not name.strip() or not (weight.isascii() and weight.isdigit()):
                raise forms.ValidationError(_("Write each criterion as “name | weight”, e.g. “Feasibility | 40”."))
            if len(name.strip()) > CRITERION_NAME_LENGTH:
                # Said, not cut: the rest of a long name was dropped without a word.
                raise forms.ValidationError(
                    _("A criterion's name has at most %(limit)s characters; the one on line %(line)s has %(count)s.")
                    % {"limit": CRITERION_NAME_LENGTH, "line": number, "count": len(name.strip())}
                )
            rows.append((name.strip(), int(weight)))
        if not rows or any(w <= 0 for _n, w in rows) or sum(w for _n, w in rows) != 100:
            raise forms.ValidationError(_("Criteria weights must be positive and add up to exactly 100."))
        return rows


class ProposalForm(ValueMessagesMixin, StyledForm):
    solver_type = forms.ChoiceField(label=_("Submitting as"), choices=SolverType.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(), required=False)
    team_members = forms.CharField(label=_("Team members"), max_length=500, required=False)
    region = forms.CharField(
        label=_("Your region code"),
        max_length=12,
        required=False,
        help_text=_(
            "Individuals and teams: the administrative division code where you work, e.g. 360102 "
            "(a city's 3601 or a province's 36 also do)."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    approach = forms.CharField(
        label=_("Proposed solution"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, challenge_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            memberships__user=user, memberships__is_active=True
        )
        choices = [(v, lbl) for v, lbl in SolverType.choices if v in challenge_types]
        self.fields["solver_type"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        solver_type = data.get("solver_type")
        if solver_type == SolverType.ORGANISATION:
            if data.get("organisation") is None:
                self.add_error("organisation", _("Choose the organisation you submit for."))
        else:
            typed = data.get("region") or ""
            region = region_of_code(typed)
            if not typed.strip():
                self.add_error("region", _("Enter the code of the region where you work, e.g. 360102."))
            elif region is None:
                self.add_error("region", _("Unknown administrative division code."))
            data["region"] = region
        if solver_type == SolverType.TEAM and not (data.get("team_members") or "").strip():
            self.add_error("team_members", _("Name the members of the team."))
        return data

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ExpertForm(StyledForm):
    username = forms.CharField(label=_("User name of the expert"), max_length=150)


class ConflictForm(ValueMessagesMixin, StyledForm):
    conflicts = forms.MultipleChoiceField(
        label=_("Proposals I have a conflict of interest with"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, proposals: list[Proposal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, f"{p.title} — {p.solver}") for p in proposals]
        self.fields["conflicts"].choices = choices  # type: ignore[attr-defined]


class ScoreForm(ValueMessagesMixin, StyledForm):
    comment = forms.CharField(
        label=_("Comment for the solver"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=f"{c.name} ({c.weight}%)", min_value=0, max_value=100,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )  # fmt: skip
        self.order_fields([*(f"c{c.pk}" for c in criteria), "comment"])

    def values(self) -> dict[int, int]:
        return {c.pk: int(self.cleaned_data[f"c{c.pk}"]) for c in self.criteria}


class AwardForm(ValueMessagesMixin, StyledForm):
    winners = forms.CharField(
        label=_("Winners in order of place"), help_text=_("Choose shortlisted proposals from first place down.")
    )
    announcement = forms.CharField(
        label=_("Public announcement"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_winners(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["winners"].split(",") if p.strip()]
        if not parts or not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Choose at least one winner."))
        return [int(p) for p in parts]
