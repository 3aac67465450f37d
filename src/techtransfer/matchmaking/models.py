"""Matchmaking (对接): inquiries between two organisations about a need, an achievement or in general,
with a message thread, meetings, a status path and an optional technology broker."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.matchmaking.choices import EntryKind, InquiryStatus, ItemStatus, ResultKind


class Inquiry(models.Model):
    """One matchmaking record. Participants: members of both organisations and the assigned broker.

    `contract_reference` links to the technology contract once it is registered in the market (a
    registration number until the market app provides a model to point at).
    """

    Status = InquiryStatus

    subject = models.CharField(_("subject"), max_length=200)
    initiator = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    recipient = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="brokered_inquiries",
        verbose_name=_("technology broker"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.CONTACTED, db_index=True
    )
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    meeting_at = models.DateTimeField(_("next meeting"), null=True, blank=True)
    meeting_note = models.CharField(_("meeting place or link"), max_length=300, blank=True)
    contract_reference = models.CharField(_("contract registration number"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering: ClassVar = ["-updated_at", "-pk"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return self.subject


class RatingOfABroker(models.Model):
    """What one side says of a broker (技术转移服务评价, the plan's "service evaluation and credit
    mechanism"): 1–5 stars and a comment, who gave them for which organisation, when. Shared by the
    ratings of an inquiry's broker (`BrokerRating`) and of a market deal's (`market.DealBrokerRating`),
    each of which names what was brokered, the broker and its own constraints."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("rating organisation")
    )
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    broker_id: int

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.broker_id}: {self.score}"


class BrokerRating(RatingOfABroker):
    """One side's rating of the broker of a finished inquiry: one per organisation and inquiry; a
    second rating by the same side replaces the first (audited)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="broker_ratings")
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="broker_ratings")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["inquiry", "organisation"], name="one_broker_rating_per_side"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="broker_rating_score_1_5"),
        ]
        verbose_name = _("broker rating")
        verbose_name_plural = _("broker ratings")


class Message(models.Model):
    """One entry of an inquiry's thread; append-only. Either a participant's message (`body`) or a
    system entry: a status change (`kind` STATUS, written by `services.change_status`), whose
    `author` is who changed it and whose `params` say what changed: {"from", "to"} statuses and,
    when given, "reason" (closing) and "contract_reference" (contract signed); or the contract's
    registration number recorded after signing (`kind` CONTRACT, `services.record_contract_reference`,
    params {"contract_reference"}) or corrected by a platform admin (the same kind, params also
    "previous" and "reason": `services.correct_contract_reference`). The entry stores codes and
    values, not a sentence, so that each reader reads it in their own language (`shown_text`)."""

    Kind = EntryKind

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices, default=EntryKind.MESSAGE)
    body = models.TextField(_("message"), max_length=4000, blank=True)
    params = models.JSONField(_("what changed"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.shown_text[:40]}"

    @property
    def is_status_change(self) -> bool:
        return self.kind == EntryKind.STATUS

    @property
    def is_entry(self) -> bool:
        """A system entry (a status change, a contract number recorded), not a participant's message."""
        return self.kind != EntryKind.MESSAGE

    @property
    def shown_text(self) -> str:
        """The message, or the system entry said in the active language: “Status changed: “Negotiating”
        → “Letter of intent signed”.”, with the reason for closing or the contract number when given; the
        contract number recorded later, as “Contract registration number: 3601…”."""
        p = self.params
        if self.kind == EntryKind.CONTRACT and p.get("previous"):  # corrected by a platform admin
            return gettext("Contract registration number corrected: %(before)s → %(after)s. Reason: %(reason)s") % {
                "before": p["previous"], "after": p.get("contract_reference", ""), "reason": p.get("reason", "")
            }  # fmt: skip
        if self.kind == EntryKind.CONTRACT:
            return gettext("Contract registration number: %(number)s") % {"number": p.get("contract_reference", "")}
        if not self.is_status_change:
            return self.body
        lines = [
            gettext("Status changed: “%(before)s” → “%(after)s”.")
            % {"before": _status_label(p.get("from")), "after": _status_label(p.get("to"))}
        ]
        if p.get("reason"):
            lines.append(gettext("Reason for closing: %(reason)s") % {"reason": p["reason"]})
        if p.get("contract_reference"):
            lines.append(gettext("Contract registration number: %(number)s") % {"number": p["contract_reference"]})
        return "\n".join(lines)


def _status_label(value: object) -> str:
    """The status's label in the active language; a value no longer among the choices, as stored."""
    label = dict(InquiryStatus.choices).get(str(value)) if value else None
    return str(label) if label is not None else str(value or "")


class Event(models.Model):
    """An online matchmaking event (线上对接会) organised by a government science department."""

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    organiser = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-starts_on", "-pk"]
        verbose_name = _("matchmaking event")
        verbose_name_plural = _("matchmaking events")

    def __str__(self) -> str:
        return self.title


class EventItem(models.Model):
    """A need or an achievement on an event's programme: invited by the organiser or proposed by its owner."""

    Status = ItemStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="items")
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    achievement = models.ForeignKey(
        "achievements.Achievement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "need"], name="mm_item_need_once"),
            models.UniqueConstraint(fields=["event", "achievement"], name="mm_item_achievement_once"),
        ]

    def __str__(self) -> str:
        return str(self.need or self.achievement)


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["event", "user"], name="mm_registration_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.event_id}"


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("session"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    link = models.CharField(_("video link"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Result(models.Model):
    """What came out of an event: an intention or a contract between parties, with its amount."""

    Kind = ResultKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("kind"), max_length=12, choices=ResultKind.choices)
    parties = models.CharField(_("parties"), max_length=300)
    amount = models.DecimalField(_("amount (10,000 yuan)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.parties} {self.amount}"
