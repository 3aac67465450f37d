"""What organisation verification and invitations tell people, through the shared notifications app.

core imports no domain app; the notifications app is a shared one. Titles are functions: each is
written in each recipient's language. Called by `core.services` inside their transaction, so a
refused or rolled-back change notifies nobody.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techtransfer.core.models import Invitation, Organisation, User
from techtransfer.core.roles import admin_ids
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

ORGANISATION_STATUS = register_kind("core.organisation_status", _("Verification decisions on my organisation"))
INVITATION_ACCEPTED = register_kind("core.invitation_accepted", _("Invitations I sent that were accepted"))

STATUS_TITLES: dict[str, Promise] = {
    "verify": _("%(org)s is verified"),
    "suspend": _("%(org)s is suspended"),
    "reinstate": _("%(org)s is verified again: the suspension is lifted"),
}


def organisation_reviewed(org: Organisation, action: str) -> None:
    """The organisation's admins learn a verification decision (`verify`, `suspend`, `reinstate`);
    the reviewer's comment or the reason for a suspension is the body."""
    text = STATUS_TITLES[action]
    notify(
        user_ids=admin_ids([org.pk]),
        kind=ORGANISATION_STATUS,
        title=lambda: str(text) % {"org": org.name},
        body=org.status_reason,
        url=reverse("core:organisation", args=[org.pk]),
    )


def invitation_accepted(invitation: Invitation, user: User) -> None:
    """Whoever sent the invitation learns that it was accepted, and by whom."""
    org = invitation.organisation
    notify(
        user_ids=[invitation.invited_by_id],
        kind=INVITATION_ACCEPTED,
        title=lambda: str(_("%(who)s accepted your invitation to join %(org)s")) % {"who": user, "org": org.name},
        url=reverse("core:organisation", args=[org.pk]),
    )
