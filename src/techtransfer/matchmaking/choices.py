from django.db import models
from django.utils.translation import gettext_lazy as _


class InquiryStatus(models.TextChoices):
    """contacted → negotiating → intention signed → contract signed, or closed with a reason."""

    CONTACTED = "contacted", _("Contacted")
    NEGOTIATING = "negotiating", _("Negotiating")
    INTENTION_SIGNED = "intention_signed", _("Letter of intent signed")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    CLOSED = "closed", _("Closed")


FINAL_STATES = frozenset({InquiryStatus.CONTRACT_SIGNED, InquiryStatus.CLOSED})


class EntryKind(models.TextChoices):
    """What an entry of an inquiry's thread is: a participant's message, or a system entry that
    records a status change (who, when, from what to what) or the contract's registration number
    recorded after the contract was signed or corrected (`services.record_contract_reference`,
    `services.correct_contract_reference`); system entries are
    written in no language, shown in the reader's: `Message.shown_text`."""

    MESSAGE = "message", _("Message")
    STATUS = "status", _("Status change")
    CONTRACT = "contract", _("Contract number recorded")


class ItemStatus(models.TextChoices):
    INVITED = "invited", _("Invited by the organiser")
    PROPOSED = "proposed", _("Proposed by its owner")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ResultKind(models.TextChoices):
    INTENTION = "intention", _("Letter of intent signed")
    CONTRACT = "contract", _("Contract signed")
