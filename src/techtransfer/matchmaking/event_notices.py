"""What matchmaking events tell people, through the shared notifications app.

An event's programme is built from two sides: the organising department invites a need or an
achievement and its owning organisation decides, or the owning organisation proposes one and the
organisers decide. Whoever has to decide is told; whoever put the item forward (`EventItem.added_by`)
learns the decision. Notices name the record and the event and link to the event page, which is
public. Titles are functions: each is written in each recipient's language. Called by the services
in `events.py` inside their transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techtransfer.core.choices import GOVERNMENT_ROLES
from techtransfer.core.models import Membership
from techtransfer.core.roles import admin_ids
from techtransfer.matchmaking.choices import ItemStatus
from techtransfer.matchmaking.models import EventItem
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

TO_DECIDE = register_kind("events.item_to_decide", _("Needs and achievements waiting for my decision on an event"))
DECIDED = register_kind("events.item_decided", _("Decisions on what I put forward for an event"))


def organiser_ids(organisation_id: int) -> list[int]:
    """The people who decide proposals for an event: active officials and reviewers of its organising
    department (platform admins may decide too, but are not told of every event)."""
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=list(GOVERNMENT_ROLES)
        ).values_list("user_id", flat=True)
    )


def _owner_admin_ids(item: EventItem) -> list[int]:
    record = item.need or item.achievement
    if record is None:
        return []
    return admin_ids([record.organisation_id])


def _title(text: Promise, item: EventItem) -> Callable[[], str]:
    return lambda: str(text) % {"item": item, "event": item.event.title}


def item_added(item: EventItem) -> None:
    """A proposal tells the organisers; an invitation tells the admins of the owning organisation.
    The person who added the item is never told of their own action."""
    if item.status == ItemStatus.PROPOSED:
        recipients = organiser_ids(item.event.organiser_id)
        text = _("“%(item)s” is proposed for your event “%(event)s”")
    elif item.status == ItemStatus.INVITED:
        recipients = _owner_admin_ids(item)
        text = _("“%(item)s” is invited to the event “%(event)s”")
    else:
        return
    notify(
        user_ids=[u for u in recipients if u != item.added_by_id],
        kind=TO_DECIDE,
        title=_title(text, item),
        url=reverse("events:detail", args=[item.event_id]),
    )


def item_decided(item: EventItem, *, actor_id: int) -> None:
    """The person who proposed or invited the item learns whether it was accepted or declined."""
    if item.added_by_id == actor_id:
        return
    if item.status == ItemStatus.ACCEPTED:
        text = _("“%(item)s” was accepted for the event “%(event)s”")
    else:
        text = _("“%(item)s” was declined for the event “%(event)s”")
    notify(
        user_ids=[item.added_by_id],
        kind=DECIDED,
        title=_title(text, item),
        url=reverse("events:detail", args=[item.event_id]),
    )
