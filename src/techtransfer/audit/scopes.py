"""Which records' audit events a government user may read: the records they may open.

An event carries the record's fields as they changed (a draft's title, a disclosure's technical
solution, a contract's amounts), so reading it is reading the record. Government reviewers and
officials browse the events of organisations in their jurisdiction, but of each record type only
those of the records that type's own access rules let them open; a type no app declared here is
shown to platform admins (and to the organisation's own admins) only: closed unless declared.

Each app declares its types in its `AppConfig.ready()`:

    scopes.register("needs.need", needs_visible_to)      # the rows the user may open
    scopes.register_organisational("core.membership")     # every event in the jurisdiction
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from techtransfer.core.models import User

Visible = Callable[[User], QuerySet[Any]]

_VISIBLE: dict[str, Visible] = {}
_ORGANISATIONAL: set[str] = set()


def register(label: str, visible: Visible) -> None:
    """Events of `label` ("app_label.model") records are read by whoever `visible(user)` returns
    them to (a queryset of that model)."""
    _VISIBLE[label] = visible


def register_organisational(label: str) -> None:
    """Events of `label` are read by every government user whose jurisdiction holds the event's
    organisation (the organisation's own records: its profile, members, invitations)."""
    _ORGANISATIONAL.add(label)


def government_q(user: User) -> Q:
    """The events, among those of organisations in `user`'s jurisdiction, that `user` may read."""
    q = Q(object_type__in=sorted(_ORGANISATIONAL))
    for label, visible in sorted(_VISIBLE.items()):
        # object_id is text: compare it with each visible row's key as text (both databases).
        ids = visible(user).order_by().annotate(audit_id=Cast("pk", CharField())).values("audit_id")
        q |= Q(object_type=label, object_id__in=ids)
    return q
