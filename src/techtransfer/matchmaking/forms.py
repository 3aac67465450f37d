from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techtransfer.core.errors import DomainError
from techtransfer.core.forms import StyledForm, ValueMessagesMixin, datetime_input
from techtransfer.core.instants import DateTimeField
from techtransfer.matchmaking.choices import InquiryStatus
from techtransfer.matchmaking.services import contract_number


class InquiryForm(StyledForm):
    subject = forms.CharField(label=pgettext_lazy("matchmaking inquiry", "Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class MessageForm(StyledForm):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(ValueMessagesMixin, StyledForm):
    status = forms.ChoiceField(
        label=_("New status"), choices=[c for c in InquiryStatus.choices if c[0] != InquiryStatus.CONTACTED]
    )
    reason = forms.CharField(label=_("Reason for closing"), max_length=500, required=False)
    contract_reference = forms.CharField(
        label=_("Contract registration number"), max_length=64, required=False,
        help_text=_(
            "Optional, with “Contract signed”: the 16-digit registration number of the technology contract, "
            "once it is registered."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args: Any, allowed: Iterable[str] | None = None, **kwargs: Any) -> None:
        """`allowed`: the statuses the inquiry may move to now (`services.next_statuses`); only those
        are offered, so that 洽谈中 → 已签合同 is not offered and then refused. Any status is still
        accepted from a post: one sent from an older page (someone else moved the inquiry on) reaches
        the service, which says what the inquiry is now, rather than "not one of the choices"."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            keep = set(allowed)
            widget = self.fields["status"].widget
            widget.choices = [c for c in widget.choices if c[0] in keep]  # type: ignore[attr-defined]
            if InquiryStatus.CONTRACT_SIGNED not in keep:
                # Asked for only when the contract may be marked signed now (it is ignored otherwise).
                del self.fields["contract_reference"]

    def clean_contract_reference(self) -> str:
        """The number as stored (３６０１… and grouped digits read), said wrong beside the field when it
        is not 16 digits; only with “Contract signed” (ignored with any other status, as before)."""
        value = str(self.cleaned_data.get("contract_reference") or "")
        if self.data.get("status") != InquiryStatus.CONTRACT_SIGNED:
            return ""
        try:
            return contract_number(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc

    def offers_a_status(self) -> bool:
        """Whether any status is offered: none once the inquiry is finished (the form is not shown)."""
        return bool(self.fields["status"].widget.choices)  # type: ignore[attr-defined]


class ContractNumberForm(StyledForm):
    """The contract's registration number of an inquiry marked “contract signed” without one
    (`services.record_contract_reference`): read and checked as in `StatusForm`, required here."""

    contract_reference = forms.CharField(
        label=_("Contract registration number"), max_length=64,
        help_text=_(
            "The 16-digit registration number of the technology contract. It is recorded once; a "
            "platform administrator can correct a wrong one."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip

    def clean_contract_reference(self) -> str:
        try:
            number = contract_number(str(self.cleaned_data.get("contract_reference") or ""))
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        if not number:  # spaces only
            raise forms.ValidationError(self.fields["contract_reference"].error_messages["required"], code="required")
        return number


class ContractCorrectionForm(ContractNumberForm):
    """A platform admin's correction of a recorded contract number (`services.correct_contract_reference`):
    the right number, checked as when recording, and why."""

    reason = forms.CharField(
        label=_("Why it is corrected"), max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract_reference"].label = _("Right contract registration number")
        self.fields["contract_reference"].help_text = _(
            "The 16-digit registration number of the technology contract. Both sides are told of the "
            "correction, and the thread keeps the number it replaces."
        )


class MeetingForm(ValueMessagesMixin, StyledForm):
    at = DateTimeField(label=_("Meeting time"), widget=datetime_input())
    note = forms.CharField(label=_("Place or video link"), max_length=300, required=False)

    def clean_at(self) -> datetime.datetime:
        """The page announces it as the next meeting: one already past is a typo (a year, a month)."""
        at: datetime.datetime = self.cleaned_data["at"]
        if at < timezone.now():
            raise forms.ValidationError(_("The meeting time must be in the future."), code="meeting_past")
        return at


class BrokerForm(StyledForm):
    username = forms.CharField(label=_("User name of the broker"), max_length=150)


class RatingForm(ValueMessagesMixin, StyledForm):
    score = forms.TypedChoiceField(
        label=_("Stars"), coerce=int, choices=[(n, "★" * n + "☆" * (5 - n)) for n in range(5, 0, -1)]
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False)
