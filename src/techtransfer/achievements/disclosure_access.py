"""Who reads and acts on invention disclosures. "Forbidden" looks like "not found".

Visibility is a ladder; each level adds readers:
- private: the discloser (while still a member of the organisation) and the transfer office (the
  organisation's admins);
- government: plus government reviewers and officials whose jurisdiction covers the organisation's region;
- public_summary: plus anyone, who sees the title, the organisation and the public summary only;
- public: anyone sees everything except the transfer office's internal assessment notes.
Colleagues in the same organisation are "anyone" here: an undisclosed invention is not shared inside
the organisation either. Platform admins see everything.

Read levels, from least to most: `summary` < `full` (no internal notes) < `internal`.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet

from techtransfer.achievements.models import Disclosure, DisclosureStatus, DisclosureVisibility
from techtransfer.core.choices import GOVERNMENT_ROLES, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import jurisdiction_q, may_act_on_region
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import is_member, is_org_admin

V = DisclosureVisibility
ReadLevel = Literal["none", "summary", "full", "internal"]
DisclosureAction = Literal["view", "view_full", "edit", "assess"]

GOVERNMENT_LEVELS = (V.GOVERNMENT, V.PUBLIC_SUMMARY, V.PUBLIC)
PUBLIC_LEVELS = (V.PUBLIC_SUMMARY, V.PUBLIC)
_RANK: dict[str, int] = {"none": 0, "summary": 1, "full": 2, "internal": 3}


def read_level(user: User, d: Disclosure) -> ReadLevel:
    """How much of `d` the user may read."""
    if user.is_authenticated and (user.is_platform_admin or is_org_admin(user, d.organisation_id)):
        return "internal"
    if user.is_authenticated and d.discloser_id == user.pk and is_member(user, d.organisation_id):
        return "full"
    if d.visibility == V.PUBLIC:
        return "full"
    if d.visibility in GOVERNMENT_LEVELS and may_act_on_region(user, d.organisation.region_id, roles=GOVERNMENT_ROLES):
        return "full"
    if d.visibility == V.PUBLIC_SUMMARY:
        return "summary"
    return "none"


def disclosures_visible_to(user: User) -> QuerySet[Disclosure]:
    """Every disclosure the user may read at some level (use `read_level` per row for how much)."""
    qs = Disclosure.objects.select_related("organisation", "discloser")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    q = Q(visibility__in=PUBLIC_LEVELS)
    if user.is_authenticated:
        memberships = Membership.objects.filter(user=user, is_active=True)
        admin_of = list(memberships.filter(role=Role.ORG_ADMIN).values_list("organisation_id", flat=True))
        member_of = list(memberships.values_list("organisation_id", flat=True))
        q |= Q(organisation_id__in=admin_of)
        q |= Q(discloser=user, organisation_id__in=member_of)
        q |= jurisdiction_q(user, "organisation__region", roles=GOVERNMENT_ROLES) & Q(visibility__in=GOVERNMENT_LEVELS)
    return qs.filter(q)


def can_on_disclosure(user: User, d: Disclosure, action: DisclosureAction) -> bool:
    level = read_level(user, d)
    if action == "view":
        return _RANK[level] >= _RANK["summary"]
    if action == "view_full":
        return _RANK[level] >= _RANK["full"]
    if action == "edit":
        return (
            user.is_authenticated
            and d.discloser_id == user.pk
            and is_member(user, d.organisation_id)
            and d.status in (DisclosureStatus.DRAFT, DisclosureStatus.RETURNED)
        )
    if action == "assess":
        return level == "internal"
    return False


def get_disclosure_for_user(user: User, pk: int, *, action: DisclosureAction = "view") -> Disclosure:
    d = (
        Disclosure.objects.select_related(
            "organisation", "organisation__region", "discloser", "decided_by", "achievement"
        )
        .filter(pk=pk)
        .first()
    )
    if d is None or not can_on_disclosure(user, d, "view") or not can_on_disclosure(user, d, action):
        raise DomainError(Errors.NOT_FOUND)
    return d
