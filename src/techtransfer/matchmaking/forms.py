from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techtransfer.core.forms import StyledForm
from techtransfer.matchmaking.choices import InquiryStatus


class InquiryForm(StyledForm):
    subject = forms.CharField(label=pgettext_lazy("matchmaking inquiry", "Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class MessageForm(StyledForm):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(StyledForm):
    status = forms.ChoiceField(
        label=_("New status"), choices=[c for c in InquiryStatus.choices if c[0] != InquiryStatus.CONTACTED]
    )
    reason = forms.CharField(label=_("Reason for closing"), max_length=500, required=False)
    contract_reference = forms.CharField(label=_("Contract registration number"), max_length=64, required=False)


class MeetingForm(StyledForm):
    at = forms.DateTimeField(
        label=_("Meeting time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    note = forms.CharField(label=_("Place or video link"), max_length=300, required=False)


class BrokerForm(StyledForm):
    username = forms.CharField(label=_("User name of the broker"), max_length=150)
