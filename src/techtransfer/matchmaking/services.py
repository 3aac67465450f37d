"""Every write to matchmaking: start an inquiry, post messages, schedule meetings, move along the
status path, assign a broker, link the contract (with "contract signed", or once afterwards:
`record_contract_reference`).

Status path (one explicit table): contacted → negotiating → intention signed → contract signed; any
unfinished inquiry may be closed with a reason. Each change locks the inquiry row, writes an audit
event and notifies the other side's participants (`_others`; inbox row in the same transaction): not
every member of both organisations, only the people concerned.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techtransfer.achievements.selectors import achievement_for_matchmaking
from techtransfer.audit.services import record_event
from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.ids import typed_number
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import admin_ids, is_member, is_org_admin
from techtransfer.matchmaking.choices import FINAL_STATES, InquiryStatus
from techtransfer.matchmaking.errors import MatchErrors
from techtransfer.matchmaking.models import BrokerRating, Inquiry, Message, RatingOfABroker
from techtransfer.needs.selectors import need_for_matchmaking
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

S = InquiryStatus
# Lazy: the label is read in each request's language (registered once, at import).
INQUIRY = register_kind("matchmaking.inquiry", gettext_lazy("Matchmaking inquiries and messages"))
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEGOTIATING: frozenset({S.CONTACTED}),
    S.INTENTION_SIGNED: frozenset({S.NEGOTIATING}),
    S.CONTRACT_SIGNED: frozenset({S.INTENTION_SIGNED}),
    S.CLOSED: frozenset({S.CONTACTED, S.NEGOTIATING, S.INTENTION_SIGNED}),
}


# The registration number of a technology contract (contracts.services.next_contract_number): the
# registration point's GB/T 2260 code (6) + year (4) + serial (6). Matchmaking may not import the
# contracts app (ARCHITECTURE.md: matchmaking → needs, achievements), so the number an inquiry names
# is checked for this format only, not looked up: it may also name a contract registered elsewhere.
CONTRACT_NUMBER_DIGITS = 16


def contract_number(value: str) -> str:
    """The contract registration number an inquiry names, as typed (full-width digits, spaces between
    groups: `core.ids.typed_number`), or "" when none is given; DomainError CONTRACT_REFERENCE (naming
    the field) when it is not 16 digits."""
    number = typed_number(value)
    if number and not (len(number) == CONTRACT_NUMBER_DIGITS and number.isascii() and number.isdigit()):
        raise DomainError(MatchErrors.CONTRACT_REFERENCE, details={"field": "contract_reference"})
    return number


def next_statuses(current: str) -> list[str]:
    """The statuses an inquiry in `current` may move to, in the order of `TRANSITIONS`."""
    return [status for status, before in TRANSITIONS.items() if current in before]


def is_participant(user: User, inquiry: Inquiry) -> bool:
    if not user.is_authenticated:
        return False
    return bool(
        user.is_platform_admin
        or inquiry.broker_id == user.pk
        or is_member(user, inquiry.initiator_id)
        or is_member(user, inquiry.recipient_id)
    )


def is_broker(user: User) -> bool:
    return Membership.objects.filter(
        user=user, is_active=True, role=Role.BROKER, organisation__status=OrganisationStatus.VERIFIED
    ).exists()


def find_broker(username: str) -> User | None:
    """The active account named `username` (spaces around it ignored) if it is a technology broker of a
    verified organisation (`is_broker`), else None. The one rule for naming a broker, of an inquiry
    (`assign_broker`) or of a market deal (`market.services.set_deal_broker`)."""
    broker = User.objects.filter(username=username.strip(), is_active=True).first()
    return broker if broker is not None and is_broker(broker) else None


def side_to_rate_for(user: User, *, broker_id: int | None, finished: bool, sides: Sequence[int]) -> Organisation | None:
    """The side a record's broker would be rated for by `user`, among `sides` (organisation ids, in
    order: the first one `user` belongs to): the record is finished, has a broker who is not `user`,
    and `user` is an active member of that side. None otherwise. Shared by inquiries and market deals."""
    if not user.is_authenticated or broker_id is None or broker_id == user.pk or not finished:
        return None
    for org_id in sides:
        if is_member(user, org_id):
            return Organisation.objects.get(pk=org_id)
    return None


def broker_is_member_of(broker: User | None, side: Organisation) -> bool:
    """Is the broker a member of `side`? A side does not rate its own member (ADR 0030, amendment)."""
    return broker is not None and is_member(broker, side)


def check_score(score: int) -> None:
    """A rating is 1 to 5 stars; DomainError SCORE (naming the field) otherwise."""
    if score not in range(1, 6):
        raise DomainError(MatchErrors.SCORE, details={"field": "score"})


_Rating = TypeVar("_Rating", bound=RatingOfABroker)


def save_rating(
    model: type[_Rating],
    *,
    side: Organisation,
    actor: User,
    broker_id: int | None,
    score: int,
    comment: str,
    **rated: Any,
) -> tuple[_Rating, dict[str, list[Any]]]:
    """`side`'s rating of the broker of what `rated` names (inquiry=… or deal=…), its score checked
    (`check_score`) and its comment trimmed and cut to 500 characters, replacing the side's earlier one.
    Returns the rating and the audit event's changes (score and comment before and after). Shared by
    inquiries (`rate_broker`) and market deals (`market.services.rate_deal_broker`)."""
    check_score(score)
    comment = comment.strip()[:500]
    before = model._default_manager.filter(organisation=side, **rated).first()
    rating, _created = model._default_manager.update_or_create(
        organisation=side, **rated,
        defaults={"broker_id": broker_id, "rated_by": actor, "score": score, "comment": comment},
    )  # fmt: skip
    changes: dict[str, list[Any]] = {
        "score": [before.score if before else None, score],
        "comment": [before.comment if before else None, comment],
    }
    return rating, changes


def _active_members(organisation_id: int, user_ids: set[int]) -> set[int]:
    return set(
        Membership.objects.filter(
            organisation_id=organisation_id, user_id__in=user_ids, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _first_contacts(inquiry: Inquiry, organisation_id: int) -> set[int]:
    """Who answers for `organisation_id` before anyone of it has written: its admins, and the person who
    created the record the inquiry is about (the researcher who registered the achievement, the engineer
    who wrote the need) while still an active member. Nobody of these: every active member, so that an
    inquiry never goes unseen."""
    admins = set(admin_ids([organisation_id]))
    record = inquiry.need if inquiry.need_id else inquiry.achievement if inquiry.achievement_id else None
    if record is not None and record.organisation_id == organisation_id:
        admins |= _active_members(organisation_id, {record.created_by_id})
    if admins:
        return admins
    return set(
        Membership.objects.filter(organisation_id=organisation_id, is_active=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _side(inquiry: Inquiry, organisation_id: int) -> set[int]:
    """The people of one side who take part in the thread: those who have written in it (on the
    initiating side, the inquirer first of all) and are still active members; nobody yet: the side's
    first contacts."""
    # Messages only: the entry a status change leaves in the thread does not make its author one of
    # those who write there (who is told of what stays as it was before these entries).
    authors = set(
        Message.objects.filter(inquiry=inquiry, kind=Message.Kind.MESSAGE).values_list("author_id", flat=True)
    )
    if organisation_id == inquiry.initiator_id:
        authors.add(inquiry.created_by_id)
    return _active_members(organisation_id, authors) or _first_contacts(inquiry, organisation_id)


def _others(inquiry: Inquiry, actor: User) -> list[int]:
    """Who is told of what `actor` did in the thread: the other side's participants (`_side`) and the
    broker; an actor on neither side (the broker, a platform admin) tells both sides. The actor's own
    colleagues are not told: they read the thread when they take part. Everyone named here can open the
    thread (`is_participant`): active members of either organisation or the broker."""
    sides = [inquiry.initiator_id, inquiry.recipient_id]
    others = [org for org in sides if not is_member(actor, org)] or sides
    ids: set[int] = set()
    for org in others:
        ids |= _side(inquiry, org)
    if inquiry.broker_id:
        ids.add(inquiry.broker_id)
    ids.discard(actor.pk)
    return sorted(ids)


def _tell(inquiry: Inquiry, actor: User, title: Callable[[], str]) -> None:
    """Tell the people concerned (`_others`); `title` is written in each one's language."""
    notify(user_ids=_others(inquiry, actor), kind=INQUIRY, title=title,
           url=reverse("matchmaking:detail", args=[inquiry.pk]))  # fmt: skip


@transaction.atomic
def start_inquiry(
    *,
    actor: User,
    organisation_id: int,
    subject: str,
    message: str,
    need_id: int | None = None,
    achievement_id: int | None = None,
    recipient_id: int | None = None,
) -> Inquiry:
    """A member of `organisation_id` contacts the owner of a need, of an achievement, or an organisation."""
    initiator = Organisation.objects.filter(pk=organisation_id).first()
    if initiator is None or not is_member(actor, initiator):
        raise DomainError(Errors.NOT_FOUND)
    need = need_for_matchmaking(actor, need_id) if need_id else None
    achievement = achievement_for_matchmaking(actor, achievement_id) if achievement_id else None
    if need is not None:
        recipient_id = need.organisation_id
    elif achievement is not None:
        recipient_id = achievement.organisation_id
    if recipient_id is None or not Organisation.objects.filter(pk=recipient_id).exists():
        raise DomainError(MatchErrors.NO_TARGET)
    if recipient_id == initiator.pk:
        raise DomainError(MatchErrors.SAME_ORGANISATION)
    inquiry = Inquiry.objects.create(
        subject=subject, initiator=initiator, recipient_id=recipient_id, need=need, achievement=achievement,
        created_by=actor,
    )  # fmt: skip
    Message.objects.create(inquiry=inquiry, author=actor, body=message)
    record_event(actor=actor, action="inquiry.start", obj=inquiry, organisation=initiator,
                 changes={"recipient": recipient_id, "need": need_id, "achievement": achievement_id})  # fmt: skip
    _tell(inquiry, actor, lambda: _("New inquiry: %(subject)s") % {"subject": subject})
    return inquiry


def _locked(actor: User, inquiry_id: int) -> Inquiry:
    inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id).first()
    if inquiry is None or not is_participant(actor, inquiry):
        raise DomainError(Errors.NOT_FOUND)
    return inquiry


@transaction.atomic
def post_message(*, actor: User, inquiry_id: int, body: str) -> Message:
    """A participant writes in the thread (also after the inquiry is finished, for the record)."""
    inquiry = _locked(actor, inquiry_id)
    message = Message.objects.create(inquiry=inquiry, author=actor, body=body)
    inquiry.save(update_fields=["updated_at"])
    record_event(actor=actor, action="inquiry.message", obj=inquiry, changes={"message": message.pk})
    _tell(inquiry, actor, lambda: _("New message about %(subject)s") % {"subject": inquiry.subject})
    return message


@transaction.atomic
def schedule_meeting(*, actor: User, inquiry_id: int, at: datetime.datetime, note: str) -> Inquiry:
    inquiry = _locked(actor, inquiry_id)
    if inquiry.status in FINAL_STATES:
        raise DomainError(MatchErrors.FINISHED)
    inquiry.meeting_at, inquiry.meeting_note = at, note
    inquiry.save(update_fields=["meeting_at", "meeting_note", "updated_at"])
    record_event(actor=actor, action="inquiry.meeting", obj=inquiry, changes={"meeting_at": at, "note": note})
    _tell(inquiry, actor, lambda: _("Meeting scheduled: %(subject)s") % {"subject": inquiry.subject})
    return inquiry


@transaction.atomic
def change_status(
    *, actor: User, inquiry_id: int, status: str, reason: str = "", contract_reference: str = ""
) -> Inquiry:
    """Move along the status path; closing needs a reason; the contract's registration number may be
    given when signed (optional; checked for its format only: `contract_number`).

    Besides the audit event, the change is written into the thread as a system entry (a `Message` of
    kind STATUS by `actor`, with the statuses, reason and contract number as values), so that both
    sides read who moved the inquiry on, when, and from what to what, in their own language.
    """
    inquiry = _locked(actor, inquiry_id)
    if status not in TRANSITIONS or inquiry.status not in TRANSITIONS[status]:
        # state_label: "This record is now “已关闭”…" (a page sent before someone else moved it on).
        details = {"state": inquiry.status, "action": status, "state_label": inquiry.get_status_display()}
        raise DomainError(Errors.INVALID_TRANSITION, details=details)
    if status == S.CLOSED and not reason.strip():
        raise DomainError(MatchErrors.REASON_REQUIRED, details={"field": "reason"})
    number = contract_number(contract_reference) if status == S.CONTRACT_SIGNED else ""
    before = inquiry.status
    inquiry.status = status
    inquiry.close_reason = reason.strip() if status == S.CLOSED else ""
    if status == S.CONTRACT_SIGNED:
        inquiry.contract_reference = number
    inquiry.save(update_fields=["status", "close_reason", "contract_reference", "updated_at"])
    params = {"from": before, "to": status}
    if inquiry.close_reason:
        params["reason"] = inquiry.close_reason
    if status == S.CONTRACT_SIGNED and inquiry.contract_reference:
        params["contract_reference"] = inquiry.contract_reference
    entry = Message.objects.create(inquiry=inquiry, author=actor, kind=Message.Kind.STATUS, params=params)
    record_event(actor=actor, action="inquiry.status", obj=inquiry,
                 changes={"status": [before, status], "reason": inquiry.close_reason,
                          "contract_reference": inquiry.contract_reference, "message": entry.pk})  # fmt: skip
    _tell(inquiry, actor, lambda: _("%(subject)s: %(status)s") % {"subject": inquiry.subject,
                                                                  "status": inquiry.get_status_display()})  # fmt: skip
    return inquiry


def may_record_contract_reference(user: User, inquiry: Inquiry) -> bool:
    """Whether `user` may record the contract's registration number of `inquiry` now: the people who
    may mark it "contract signed" (its participants, `is_participant`), once it is signed and while it
    names no number (a number is recorded once: ADR 0014, addendum)."""
    return inquiry.status == S.CONTRACT_SIGNED and not inquiry.contract_reference and is_participant(user, inquiry)


@transaction.atomic
def record_contract_reference(*, actor: User, inquiry_id: int, contract_reference: str) -> Inquiry:
    """Record the registration number of the technology contract of an inquiry marked "contract
    signed" without one (the contract was registered after it was signed). Who may: whoever may mark
    the contract signed, i.e. any participant (NOT_FOUND for anyone else). The number is checked as
    with the status change (`contract_number`: 16 digits, full-width digits and spaces read) and is
    required here. Once only: refused (409) before the contract is signed and when the inquiry
    already names a number, checked under the row lock so that two people recording at once cannot
    both write. Writes an `inquiry.contract_reference` audit event and a thread entry (`Message` of
    kind CONTRACT, the number as a value) and tells the other side (`_tell`)."""
    inquiry = _locked(actor, inquiry_id)
    if inquiry.status != S.CONTRACT_SIGNED:
        raise DomainError(MatchErrors.CONTRACT_NOT_SIGNED)
    if inquiry.contract_reference:
        raise DomainError(MatchErrors.CONTRACT_REFERENCE_RECORDED)
    number = contract_number(contract_reference)
    if not number:
        raise DomainError(MatchErrors.CONTRACT_REFERENCE_MISSING, details={"field": "contract_reference"})
    inquiry.contract_reference = number
    inquiry.save(update_fields=["contract_reference", "updated_at"])
    entry = Message.objects.create(
        inquiry=inquiry, author=actor, kind=Message.Kind.CONTRACT, params={"contract_reference": number}
    )
    record_event(actor=actor, action="inquiry.contract_reference", obj=inquiry,
                 changes={"contract_reference": ["", number], "message": entry.pk})  # fmt: skip
    _tell(inquiry, actor, lambda: _("%(subject)s: contract registration number %(number)s")
          % {"subject": inquiry.subject, "number": number})  # fmt: skip
    return inquiry


def may_correct_contract_reference(user: User, inquiry: Inquiry) -> bool:
    """Whether `user` may correct the recorded contract number of `inquiry`: a platform admin, once a
    number is recorded (ADR 0014, addendum: the sides record once and cannot overwrite each other's)."""
    return bool(user.is_authenticated and user.is_platform_admin and inquiry.contract_reference)


@transaction.atomic
def correct_contract_reference(*, actor: User, inquiry_id: int, contract_reference: str, reason: str) -> Inquiry:
    """A platform admin replaces a wrong contract registration number recorded on an inquiry (with the
    status or afterwards), saying why. Refused: NOT_FOUND for anyone taking no part; 403 for a
    participant who is not a platform admin; 409 while no number is recorded (record it instead);
    400 for a missing or malformed number (as when recording), for the number already recorded and
    without a reason (`details["field"]` names the input). Checked under the row lock. Writes an
    `inquiry.contract_reference_corrected` audit event ("before → after", the reason, the entry), a
    thread entry (`Message` of kind CONTRACT with params {"contract_reference", "previous",
    "reason"}) and tells both sides (`_tell`)."""
    inquiry = _locked(actor, inquiry_id)
    if not actor.is_platform_admin:
        raise DomainError(MatchErrors.CORRECTION_NOT_ALLOWED)
    if not inquiry.contract_reference:
        raise DomainError(MatchErrors.NOTHING_TO_CORRECT)
    number = contract_number(contract_reference)
    if not number:
        raise DomainError(MatchErrors.CONTRACT_REFERENCE_MISSING, details={"field": "contract_reference"})
    if number == inquiry.contract_reference:
        raise DomainError(MatchErrors.CORRECTION_SAME, details={"field": "contract_reference"})
    why = " ".join(reason.split())[:500]
    if not why:
        raise DomainError(MatchErrors.CORRECTION_REASON, details={"field": "reason"})
    before = inquiry.contract_reference
    inquiry.contract_reference = number
    inquiry.save(update_fields=["contract_reference", "updated_at"])
    entry = Message.objects.create(
        inquiry=inquiry, author=actor, kind=Message.Kind.CONTRACT,
        params={"contract_reference": number, "previous": before, "reason": why},
    )  # fmt: skip
    record_event(actor=actor, action="inquiry.contract_reference_corrected", obj=inquiry,
                 changes={"contract_reference": [before, number], "reason": why, "message": entry.pk})  # fmt: skip
    _tell(inquiry, actor, lambda: _("%(subject)s: contract registration number corrected to %(number)s")
          % {"subject": inquiry.subject, "number": number})  # fmt: skip
    return inquiry


def may_assign_broker(user: User, inquiry: Inquiry) -> bool:
    """Whether `user` may (re)assign the broker of `inquiry` now: an admin of either organisation or a
    platform admin, while the inquiry is unfinished (the broker of a finished one is the one who did
    the work, and the one the sides rate: ADR 0030)."""
    return bool(
        user.is_authenticated
        and inquiry.status not in FINAL_STATES
        and (
            user.is_platform_admin
            or is_org_admin(user, inquiry.initiator_id)
            or is_org_admin(user, inquiry.recipient_id)
        )
    )


@transaction.atomic
def assign_broker(*, actor: User, inquiry_id: int, username: str) -> Inquiry:
    """An admin of either organisation (or a platform admin) assigns a technology broker, who then sees both sides.

    Refused once the inquiry is finished (contract signed or closed), for a user name that is not a
    broker's of a verified organisation (`find_broker`), and for a broker who is a member of either
    organisation: a side would otherwise move the success credit and rate its own member. The last two
    refusals name the field, `username`, and quote the user name given (`details["value"]`), as a
    market deal's do.
    """
    inquiry = _locked(actor, inquiry_id)
    if not (
        actor.is_platform_admin
        or is_org_admin(actor, inquiry.initiator_id)
        or is_org_admin(actor, inquiry.recipient_id)
    ):
        raise DomainError(Errors.NOT_FOUND)
    if inquiry.status in FINAL_STATES:
        raise DomainError(MatchErrors.BROKER_FINISHED)
    typed = username.strip()  # quoted in a refusal, as typed
    broker = find_broker(typed)
    if broker is None:
        raise DomainError(MatchErrors.NOT_A_BROKER, details={"field": "username", "value": typed})
    if is_member(broker, inquiry.initiator_id) or is_member(broker, inquiry.recipient_id):
        raise DomainError(MatchErrors.BROKER_OF_A_PARTY, details={"field": "username", "value": typed})
    before = inquiry.broker_id
    inquiry.broker = broker
    inquiry.save(update_fields=["broker", "updated_at"])
    record_event(actor=actor, action="inquiry.assign_broker", obj=inquiry, changes={"broker": [before, broker.pk]})
    notify(
        user_ids=[broker.pk],
        kind=INQUIRY,
        title=lambda: _("You broker the inquiry %(subject)s") % {"subject": inquiry.subject},
        url=reverse("matchmaking:detail", args=[inquiry.pk]),
    )
    return inquiry


def _member_side(user: User, inquiry: Inquiry) -> Organisation | None:
    """The side `user` would rate for: the inquiry is finished, has a broker who is not `user`, and
    `user` is an active member of that side (the initiator's first when they belong to both)."""
    return side_to_rate_for(
        user,
        broker_id=inquiry.broker_id,
        finished=inquiry.status in FINAL_STATES,
        sides=(inquiry.initiator_id, inquiry.recipient_id),
    )


def _broker_belongs_to(inquiry: Inquiry, side: Organisation) -> bool:
    return broker_is_member_of(inquiry.broker, side)


def rating_side(user: User, inquiry: Inquiry) -> Organisation | None:
    """The side (initiator or recipient organisation) `user` may rate the broker for (`_member_side`),
    unless the broker is a member of that side: a side does not rate its own member. None otherwise."""
    side = _member_side(user, inquiry)
    if side is None or _broker_belongs_to(inquiry, side):
        return None
    return side


@transaction.atomic
def rate_broker(*, actor: User, inquiry_id: int, score: int, comment: str = "") -> BrokerRating:
    """A member of either side rates the broker of a finished inquiry, 1–5 with an optional comment;
    refused when the broker is a member of that side; the side's earlier rating is replaced. The
    broker is told; the rating counts on the brokers page."""
    inquiry = _locked(actor, inquiry_id)
    side = _member_side(actor, inquiry)
    if side is None:
        raise DomainError(MatchErrors.NOT_RATABLE)
    if _broker_belongs_to(inquiry, side):
        raise DomainError(MatchErrors.BROKER_OF_RATING_SIDE)
    rating, changes = save_rating(
        BrokerRating, side=side, actor=actor, broker_id=inquiry.broker_id, score=score, comment=comment,
        inquiry=inquiry,
    )  # fmt: skip
    record_event(actor=actor, action="inquiry.rate_broker", obj=inquiry, organisation=side, changes=changes)
    notify(
        user_ids=[rating.broker_id],
        kind=INQUIRY,
        title=lambda: (
            _("%(organisation)s rated your brokering of %(subject)s: %(score)d of 5")
            % {"organisation": side.name, "subject": inquiry.subject, "score": score}
        ),
        body=comment,
        url=reverse("matchmaking:detail", args=[inquiry.pk]),
    )
    return rating
