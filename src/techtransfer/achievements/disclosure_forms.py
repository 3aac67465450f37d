"""Forms of invention disclosures. Inventor shares are checked by `disclosures.clean_inventors`, the same
rule the services apply."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.disclosures import DATA_FIELDS, clean_inventors
from techtransfer.achievements.models import Disclosure, DisclosureDecision, DisclosureVisibility
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import StyledForm, StyledModelForm, ValueMessagesMixin

# ｜: the bar a Chinese input method types; ：/: as the registration form's contributor lines
# write a share (孙研究员：100).
_SEPARATOR = re.compile(r"\s*[|｜,，;；:：\t]\s*")


class InventorsField(forms.CharField):
    """One inventor a line: “name | share % | affiliation”, in the order of their contribution."""

    widget = forms.Textarea(
        attrs={"rows": 4, "placeholder": _("Zhang San | 60 | School of Chemistry\nLi Si | 40 | School of Chemistry")}
    )

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        rows = []
        for line in str(value or "").splitlines():
            if not line.strip():
                continue
            parts = _SEPARATOR.split(line.strip(), maxsplit=2)
            parts += [""] * (3 - len(parts))
            rows.append({"name": parts[0], "share": parts[1], "affiliation": parts[2]})
        return rows

    def validate(self, value: Any) -> None:
        try:
            clean_inventors(value)
        except DomainError as exc:
            raise forms.ValidationError([str(m) for m in exc.details.get("inventors", [exc.message])]) from exc

    def clean(self, value: Any) -> list[dict[str, str]]:
        rows = self.to_python(value)
        self.validate(rows)
        return clean_inventors(rows)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{i['name']} | {i['share']} | {i.get('affiliation', '')}".rstrip(" |") for i in value)
        return value


class DisclosureForm(ValueMessagesMixin, StyledModelForm):
    # Not named "organisation": the model field of that name is set by the service, not by model validation.
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    inventors = InventorsField(
        label=_("Inventors"),
        help_text=_("One per line, in order: name | share in % | affiliation. The shares must add up to 100."),
    )

    class Meta:
        model = Disclosure
        fields = [*DATA_FIELDS, "inventors"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "solution": forms.Textarea(attrs={"rows": 6}),
            "advantages": forms.Textarea(attrs={"rows": 3}),
            "prior_art": forms.Textarea(attrs={"rows": 3}),
            "commercial_potential": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, organisations: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:  # editing: the organisation stays
            del self.fields["org"]
        else:
            self.fields["org"].choices = organisations  # type: ignore[attr-defined]
            self.order_fields(["org"])

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in DATA_FIELDS}


class ReturnForm(StyledForm):
    comment = forms.CharField(label=_("What must change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(ValueMessagesMixin, StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", _("— choose —")), *DisclosureDecision.choices])
    reasons = forms.CharField(
        label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The discloser sees these reasons."),
    )  # fmt: skip
    assessment_notes = forms.CharField(
        label=_("Internal assessment notes"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Seen only by the transfer office."),
    )  # fmt: skip


class VisibilityForm(ValueMessagesMixin, StyledForm):
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=DisclosureVisibility.choices)
    public_summary = forms.CharField(
        label=_("Public summary"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “public summary only”: the title and this text are all the public sees."),
    )  # fmt: skip

    def __init__(self, *args: Any, allowed: list[str] | None = None, note: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if note:  # why a level is missing (an invention to be filed as a patent is never fully public)
            self.fields["visibility"].help_text = note
        if allowed is not None:
            self.fields["visibility"].choices = [  # type: ignore[attr-defined]
                c for c in DisclosureVisibility.choices if c[0] in allowed
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("visibility") == DisclosureVisibility.PUBLIC_SUMMARY and not data.get("public_summary", "").strip():
            self.add_error("public_summary", _("Write the summary the public will see."))
        return data
