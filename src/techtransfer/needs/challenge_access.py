"""Who sees challenges and proposals. "Forbidden" looks like "not found".

A challenge is visible wherever its need is. Its full problem shows to the seeking organisation, the
panel, government in the need's jurisdiction, and solvers who accepted the agreement.

Proposals are private: the solver who wrote it, the seeker (the need's author and the admins of its
organisation — not every colleague) and the experts assigned to the challenge. Nobody else, on any
page, API, export or notification: every read of a proposal goes through `proposals_visible_to` or
`get_proposal_for_user`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techtransfer.core.choices import GOVERNMENT_ROLES, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import may_act_on_region
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import is_member
from techtransfer.needs.access import can_on_need, needs_visible_to
from techtransfer.needs.challenges import expert_of, has_accepted, is_seeker
from techtransfer.needs.models import Challenge, Expert, Proposal


def challenges_visible_to(user: User) -> QuerySet[Challenge]:
    return Challenge.objects.filter(need__in=needs_visible_to(user)).select_related(
        "need__organisation", "need__region"
    )


def get_challenge_for_user(user: User, pk: int) -> Challenge:
    challenge = Challenge.objects.select_related("need__organisation", "need__region").filter(pk=pk).first()
    if challenge is None or not can_on_need(user, challenge.need, "view"):
        raise DomainError(Errors.NOT_FOUND)
    return challenge


def may_see_problem(user: User, challenge: Challenge) -> bool:
    if not user.is_authenticated:
        return False
    need = challenge.need
    return bool(
        user.is_platform_admin
        or is_member(user, need.organisation_id)
        or expert_of(user, challenge) is not None
        or may_act_on_region(user, need.organisation.region_id, roles=GOVERNMENT_ROLES)
        or has_accepted(user, challenge)
    )


def sees_all_proposals(user: User, challenge: Challenge) -> bool:
    return is_seeker(user, challenge) or expert_of(user, challenge) is not None


def proposals_visible_to(user: User, challenge: Challenge) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(challenge=challenge).select_related("solver", "region", "organisation")
    if not user.is_authenticated:
        return qs.none()
    if sees_all_proposals(user, challenge):
        return qs
    return qs.filter(solver=user)


def all_proposals_visible_to(user: User) -> QuerySet[Proposal]:
    """Across challenges: own proposals, those of challenges one seeks, and those one judges."""
    qs = Proposal.objects.select_related("challenge__need", "solver", "region")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    judged = Expert.objects.filter(user=user).values("challenge_id")
    memberships = Membership.objects.filter(user=user, is_active=True)
    admin_orgs = memberships.filter(role=Role.ORG_ADMIN).values("organisation_id")
    member_orgs = memberships.values("organisation_id")
    return qs.filter(
        Q(solver=user)
        | Q(challenge_id__in=judged)
        # its need's author while still a member (`roles.is_author`), and its organisation's admins
        | Q(challenge__need__created_by=user, challenge__need__organisation_id__in=member_orgs)
        | Q(challenge__need__organisation_id__in=admin_orgs)
    )


def get_proposal_for_user(user: User, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("challenge__need__organisation", "solver", "region", "organisation")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not user.is_authenticated:
        raise DomainError(Errors.NOT_FOUND)
    if proposal.solver_id != user.pk and not sees_all_proposals(user, proposal.challenge):
        raise DomainError(Errors.NOT_FOUND)
    return proposal


def get_expert_for_user(user: User, challenge: Challenge) -> Expert:
    expert = expert_of(user, challenge)
    if expert is None:
        raise DomainError(Errors.NOT_FOUND)
    return expert
