"""Who may browse audit events.

Platform admins see all events. Government reviewers and officials see the events of organisations
in their jurisdiction, of the records they may open (`audit.scopes`). Org admins see their own
organisation's events. Nobody else sees any.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techtransfer.audit import scopes
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import GOVERNMENT_ROLES, Role
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q
from techtransfer.core.models import Membership, User


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "organisation")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    q = Q(pk__in=[])
    if government_regions(user, frozenset(str(r) for r in GOVERNMENT_ROLES)):
        # Of each record only what the user may open (`scopes`): not a draft's title, nor a private
        # disclosure's text, nor a contract the registration point has not been sent.
        q |= jurisdiction_q(user, "organisation__region", roles=GOVERNMENT_ROLES) & scopes.government_q(user)
    admin_of = list(
        Membership.objects.filter(user=user, is_active=True, role=Role.ORG_ADMIN).values_list(
            "organisation_id", flat=True
        )
    )
    if admin_of:
        q |= Q(organisation_id__in=admin_of)
    return qs.filter(q)


def may_browse_audit(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_platform_admin
        or bool(government_regions(user, frozenset(str(r) for r in GOVERNMENT_ROLES)))
        or Membership.objects.filter(user=user, is_active=True, role=Role.ORG_ADMIN).exists()
    )
