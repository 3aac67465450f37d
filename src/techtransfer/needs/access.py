"""Who sees technology needs. "Forbidden" looks like "not found".

- Anyone: published needs (the summary; the full text too when the need is fully public).
- Accounts in a verified organisation: the full text of published needs.
- Members of the owning organisation: all its needs, drafts included.
- Government reviewers and officials: needs of organisations in their jurisdiction once submitted.
  Jurisdiction follows the organisation's region, as for achievements, listings and contracts; the
  need's own `region` (where the technology is wanted) is descriptive and chooses no reviewer.
- Platform admins: everything.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet

from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus, ReviewStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import jurisdiction_q, may_act_on_region
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import is_member, not_own_q
from techtransfer.needs.choices import Confidentiality
from techtransfer.needs.models import Need
from techtransfer.needs.services import can_decide_need, can_edit_need

S = ReviewStatus
NeedAction = Literal["view", "edit", "review"]


def public_needs() -> QuerySet[Need]:
    return Need.objects.filter(status=S.PUBLISHED).select_related("organisation", "region")


def needs_visible_to(user: User) -> QuerySet[Need]:
    qs = Need.objects.select_related("organisation", "region")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    q = Q(status=S.PUBLISHED)
    if user.is_authenticated:
        org_ids = list(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
        if org_ids:
            q |= Q(organisation_id__in=org_ids)
        q |= jurisdiction_q(user, "organisation__region", roles=GOVERNMENT_ROLES) & ~Q(status=S.DRAFT)
    return qs.filter(q)


def review_queue(user: User) -> QuerySet[Need]:
    """Submitted or under-review needs in the reviewer's jurisdiction, not of their own organisations."""
    return Need.objects.filter(
        jurisdiction_q(user, "organisation__region"), not_own_q(user), status__in=[S.SUBMITTED, S.UNDER_REVIEW]
    ).select_related("organisation", "region")


def is_verified_account(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, organisation__status=OrganisationStatus.VERIFIED
    ).exists()


def may_read_full_text(user: User, need: Need) -> bool:
    """The full problem text of a need (a challenge adds its agreement on top, see challenge_access)."""
    if need.confidentiality == Confidentiality.PUBLIC and need.status == S.PUBLISHED:
        return True
    if not user.is_authenticated:
        return False
    if user.is_platform_admin or is_member(user, need.organisation_id):
        return True
    if need.status != S.DRAFT and may_act_on_region(user, need.organisation.region_id, roles=GOVERNMENT_ROLES):
        return True
    return need.status == S.PUBLISHED and is_verified_account(user)


def can_on_need(user: User, need: Need, action: NeedAction) -> bool:
    if user.is_authenticated and user.is_platform_admin:
        return True
    if action == "view":
        if need.status == S.PUBLISHED:
            return True
        if not user.is_authenticated:
            return False
        if is_member(user, need.organisation_id):
            return True
        return need.status != S.DRAFT and may_act_on_region(user, need.organisation.region_id, roles=GOVERNMENT_ROLES)
    if action == "edit":
        return can_edit_need(user, need)
    if action == "review":
        return can_decide_need(user, need)
    return False


def get_need_for_user(user: User, pk: int, *, action: NeedAction = "view") -> Need:
    need = Need.objects.select_related("organisation", "region", "created_by").filter(pk=pk).first()
    if need is None or not can_on_need(user, need, "view") or not can_on_need(user, need, action):
        raise DomainError(Errors.NOT_FOUND)
    return need
