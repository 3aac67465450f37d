"""Permission-checked fetches of organisations and their members.

"Forbidden" looks like "not found": every helper raises `DomainError(NOT_FOUND)` for both.

Who sees what:
- anyone, including anonymous visitors: verified organisations (public profile);
- a member: their own organisations in any status, with the member list;
- a government reviewer or official: every organisation in their jurisdiction, with members;
- a platform admin: everything.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet

from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import jurisdiction_q, may_act_on_region
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import is_member, is_org_admin

OrgAction = Literal["view", "view_members", "manage", "review"]


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("region")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    q = Q(status=OrganisationStatus.VERIFIED)
    if user.is_authenticated:
        q |= Q(memberships__user=user, memberships__is_active=True)
        q |= jurisdiction_q(user, "region", roles=GOVERNMENT_ROLES)
    return qs.filter(q).distinct()


def can_on_organisation(user: User, org: Organisation, action: OrgAction) -> bool:
    if user.is_authenticated and user.is_platform_admin:
        return True
    if action == "view":
        return (
            org.status == OrganisationStatus.VERIFIED
            or is_member(user, org)
            or may_act_on_region(user, org.region_id, roles=GOVERNMENT_ROLES)
        )
    if action == "view_members":
        return is_member(user, org) or may_act_on_region(user, org.region_id, roles=GOVERNMENT_ROLES)
    if action == "manage":
        return is_org_admin(user, org)
    if action == "review":
        return may_act_on_region(user, org.region_id) and not is_member(user, org)
    return False


def get_organisation_for_user(user: User, pk: int, *, action: OrgAction = "view") -> Organisation:
    org = (
        Organisation.objects.select_related("region", "region__parent", "region__parent__parent").filter(pk=pk).first()
    )
    if org is None or not can_on_organisation(user, org, "view") or not can_on_organisation(user, org, action):
        raise DomainError(Errors.NOT_FOUND)
    return org


def members_of(user: User, org: Organisation) -> QuerySet[Membership]:
    if not can_on_organisation(user, org, "view_members"):
        raise DomainError(Errors.NOT_FOUND)
    return (
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .order_by("-is_active", "role", "user__username")
    )
