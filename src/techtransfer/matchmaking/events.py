"""Every write to online matchmaking events: create, programme (invite / propose / decide), register,
sessions and results. Organisers are officials or reviewers of the organising government department."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.selectors import achievement_for_matchmaking, is_public_achievement
from techtransfer.audit.services import record_event
from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus, OrganisationType, ReviewStatus
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import is_member, is_org_admin
from techtransfer.matchmaking import event_notices
from techtransfer.matchmaking.choices import ItemStatus
from techtransfer.matchmaking.models import Event, EventItem, Registration, Result, Session
from techtransfer.needs.selectors import need_for_matchmaking


class EventErrors:
    DATES = ErrorCode("event_dates", _("The last day must not be before the first day."), 400)
    NOT_PUBLISHED = ErrorCode(
        "event_item_not_published", _("Only published needs and achievements can take part."), 409
    )
    DUPLICATE = ErrorCode("event_item_duplicate", _("This is already on the programme."), 409)
    OVER = ErrorCode("event_over", _("The event is over."), 409)
    NOT_PUBLIC = ErrorCode(
        "event_item_not_public",
        _("An event's programme is public: an internal or confidential achievement cannot be on it."),
        409,
    )
    # The event page is public: refusing an action on it says why instead of "not found".
    SESSION_ORGANISERS_ONLY = ErrorCode(
        "event_session_organisers_only", _("Only the department organising this event can schedule its sessions."), 403
    )
    RESULT_ORGANISERS_ONLY = ErrorCode(
        "event_result_organisers_only", _("Only the department organising this event can record its results."), 403
    )
    NOT_DECIDER = ErrorCode(
        "event_item_not_decider",
        _(
            "You may not decide on this item: the event's organisers decide on proposals, the owning "
            "organisation's admins on invitations."
        ),
        403,
    )
    DECIDED = ErrorCode("event_item_decided", _("This item has already been decided."), 409)
    LINK = ErrorCode("event_session_link", _("Enter a web address starting with http:// or https://."), 400)


# A session's link is shown to registered participants: only web addresses, never javascript: or data:.
SESSION_LINK = URLValidator(schemes=["http", "https"], message=EventErrors.LINK.message, code=EventErrors.LINK.code)


def is_organiser(user: User, event: Event) -> bool:
    if not user.is_authenticated:
        return False
    return bool(
        user.is_platform_admin
        or Membership.objects.filter(
            user=user, organisation_id=event.organiser_id, is_active=True, role__in=list(GOVERNMENT_ROLES)
        ).exists()
    )


@transaction.atomic
def create_event(
    *, actor: User, title: str, theme: str, starts_on: datetime.date, ends_on: datetime.date, description: str = ""
) -> Event:
    """An official or reviewer creates an event in the name of their (verified) government department."""
    m = (
        Membership.objects.filter(
            user=actor, is_active=True, role__in=list(GOVERNMENT_ROLES), organisation__type=OrganisationType.GOVERNMENT,
            organisation__status=OrganisationStatus.VERIFIED,
        )
        .select_related("organisation")
        .first()
    )  # fmt: skip
    if m is None:
        raise DomainError(Errors.PERMISSION_DENIED)
    if ends_on < starts_on:
        raise DomainError(EventErrors.DATES, details={"field": "ends_on"})
    event = Event.objects.create(
        title=title, theme=theme, description=description, starts_on=starts_on, ends_on=ends_on,
        organiser=m.organisation, created_by=actor,
    )  # fmt: skip
    record_event(actor=actor, action="event.create", obj=event, organisation=m.organisation,
                 changes={"title": title, "starts_on": starts_on, "ends_on": ends_on})  # fmt: skip
    return event


def _event(pk: int) -> Event:
    event = Event.objects.select_for_update().filter(pk=pk).first()
    if event is None:
        raise DomainError(Errors.NOT_FOUND)
    return event


@transaction.atomic
def add_item(*, actor: User, event_id: int, need_id: int | None = None, achievement_id: int | None = None) -> EventItem:
    """The organiser invites, or the owning organisation proposes, a published need or achievement."""
    event = _event(event_id)
    if timezone.localdate() > event.ends_on:
        raise DomainError(EventErrors.OVER)
    need = need_for_matchmaking(actor, need_id) if need_id else None
    achievement = achievement_for_matchmaking(actor, achievement_id) if achievement_id else None
    record = need or achievement
    if record is None:
        raise DomainError(Errors.NOT_FOUND)
    if record.status != ReviewStatus.PUBLISHED:
        raise DomainError(EventErrors.NOT_PUBLISHED)
    if achievement is not None and not is_public_achievement(achievement.pk):  # the programme is public
        raise DomainError(EventErrors.NOT_PUBLIC)
    if is_organiser(actor, event):
        status = ItemStatus.INVITED
    elif is_member(actor, record.organisation_id):
        status = ItemStatus.PROPOSED
    else:
        raise DomainError(Errors.NOT_FOUND)
    try:
        with transaction.atomic():
            item = EventItem.objects.create(
                event=event, need=need, achievement=achievement, status=status, added_by=actor
            )
    except IntegrityError as exc:
        raise DomainError(EventErrors.DUPLICATE) from exc
    record_event(
        actor=actor, action=f"event.{status}", obj=event, changes={"need": need_id, "achievement": achievement_id}
    )
    event_notices.item_added(item)
    return item


PENDING = (ItemStatus.INVITED, ItemStatus.PROPOSED)


def may_decide(user: User, item: EventItem, *, organiser: bool | None = None) -> bool:
    """Whether `user` may accept or decline `item` now: an organiser of the event a proposed item, an
    admin of the owning organisation an invited one. Taking part in an event commits the organisation,
    and its admins are the ones told of the invitation (`event_notices.item_added`), so the notice and
    the buttons go to the same people. `organiser` spares the query when the caller already knows
    whether `user` organises `item.event`."""
    if item.status == ItemStatus.PROPOSED:
        return is_organiser(user, item.event) if organiser is None else organiser
    if item.status == ItemStatus.INVITED:
        record = item.need or item.achievement
        return record is not None and is_org_admin(user, record.organisation_id)
    return False


@transaction.atomic
def decide_item(*, actor: User, item_id: int, accept: bool) -> EventItem:
    """The organiser accepts or declines a proposed item; an admin of the owning organisation accepts or
    declines an invitation.

    Refuses a decided item (`event_item_decided`) and anyone else (`event_item_not_decider`). Tells
    whoever put the item forward (`event_notices.item_decided`)."""
    item = (
        EventItem.objects.select_for_update(of=("self",))
        .select_related("event", "need", "achievement")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise DomainError(Errors.NOT_FOUND)
    if item.status not in PENDING:
        raise DomainError(EventErrors.DECIDED)
    if not may_decide(actor, item):
        raise DomainError(EventErrors.NOT_DECIDER)
    before = item.status
    item.status = ItemStatus.ACCEPTED if accept else ItemStatus.DECLINED
    item.save(update_fields=["status"])
    record_event(
        actor=actor,
        action="event.decide_item",
        obj=item.event,
        changes={"item": item.pk, "status": [before, item.status]},
    )
    event_notices.item_decided(item, actor_id=actor.pk)
    return item


@transaction.atomic
def register(*, actor: User, event_id: int) -> Registration:
    """A logged-in person registers to take part (idempotent) until the last day."""
    event = _event(event_id)
    if not actor.is_authenticated:
        raise DomainError(Errors.NOT_AUTHENTICATED)
    if timezone.localdate() > event.ends_on:
        raise DomainError(EventErrors.OVER)
    reg, created = Registration.objects.get_or_create(event=event, user=actor)
    if created:
        record_event(actor=actor, action="event.register", obj=event)
    return reg


@transaction.atomic
def add_session(*, actor: User, event_id: int, title: str, starts_at: datetime.datetime, link: str = "") -> Session:
    """An organiser schedules a session of the event; `link`, if given, is an http(s) address
    (`event_session_link` otherwise)."""
    event = _event(event_id)
    if not is_organiser(actor, event):
        raise DomainError(EventErrors.SESSION_ORGANISERS_ONLY)
    if link:
        try:
            SESSION_LINK(link)
        except ValidationError as exc:
            raise DomainError(EventErrors.LINK, details={"field": "link"}) from exc
    session = Session.objects.create(event=event, title=title, starts_at=starts_at, link=link)
    record_event(actor=actor, action="event.add_session", obj=event, changes={"title": title, "starts_at": starts_at})
    return session


@transaction.atomic
def record_result(*, actor: User, event_id: int, kind: str, parties: str, amount: Decimal, note: str = "") -> Result:
    """The organiser records an intention or a contract that came out of the event (amount ≥ 0)."""
    event = _event(event_id)
    if not is_organiser(actor, event):
        raise DomainError(EventErrors.RESULT_ORGANISERS_ONLY)
    if amount < 0:
        raise DomainError(Errors.VALIDATION, details={"field": "amount"})
    result = Result.objects.create(event=event, kind=kind, parties=parties, amount=amount, note=note, recorded_by=actor)
    record_event(actor=actor, action="event.record_result", obj=event,
                 changes={"kind": kind, "parties": parties, "amount": amount})  # fmt: skip
    return result


def organiser_choices(user: User) -> list[Organisation]:
    return [
        m.organisation
        for m in Membership.objects.filter(user=user, is_active=True, role__in=list(GOVERNMENT_ROLES)).select_related(
            "organisation"
        )
    ]
