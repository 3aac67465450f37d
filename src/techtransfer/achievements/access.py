"""Who sees and acts on achievements. "Forbidden" looks like "not found".

- Anyone: published records whose secrecy level is public.
- Members of the owning organisation: all its records (drafts too), including internal ones; except
  a draft made from an invention disclosure (`confined`): until it leaves the organisation's drafts it
  keeps the disclosure's audience, its org admins (the transfer office), its author and the discloser,
  since it holds the undisclosed invention that colleagues may not read (`disclosure_access`).
- Government reviewers and officials: records of their jurisdiction once submitted to them
  (never drafts), including internal ones.
- Platform admins: everything.
"""

from typing import Literal

from django.db.models import Q, QuerySet

from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.achievements.models import Achievement
from techtransfer.core.choices import GOVERNMENT_ROLES, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q, may_act_on_region, reviews_for_region
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import decides_own, is_author, is_member, is_org_admin

S = AchievementStatus
PRIVATE_STATES = frozenset({S.DRAFT, S.PENDING_CONFIRMATION})
PUBLIC_Q = Q(status=S.PUBLISHED, secrecy=SecrecyLevel.PUBLIC)

AchievementAction = Literal["view", "edit", "review", "manage"]

# A draft made from a disclosure (`disclosures.convert_to_achievement`), still inside its organisation.
CONFINED_Q = Q(status__in=list(PRIVATE_STATES), disclosure__isnull=False)


def is_confined(a: Achievement) -> bool:
    """Is `a` a draft made from an invention disclosure that only the disclosure's audience may open?"""
    return a.status in PRIVATE_STATES and hasattr(a, "disclosure")


def may_open_confined(user: User, a: Achievement) -> bool:
    """The organisation's admins (the transfer office), the record's author and the discloser, while members."""
    if not is_member(user, a.organisation_id):
        return False
    if is_org_admin(user, a.organisation_id) or a.created_by_id == user.pk:
        return True
    return a.disclosure.discloser_id == user.pk  # type: ignore[no-any-return]


def member_q(user: User, org_ids: list[int]) -> Q:
    """The records of `org_ids` (the user's organisations) the user sees as a member: all of them but
    confined drafts, which only their admins, author and discloser see."""
    admin_of = list(
        Membership.objects.filter(user=user, is_active=True, role=Role.ORG_ADMIN, organisation_id__in=org_ids)
        .values_list("organisation_id", flat=True)
    )  # fmt: skip
    audience = Q(organisation_id__in=admin_of) | Q(created_by=user) | Q(disclosure__discloser=user)
    return Q(organisation_id__in=org_ids) & (~CONFINED_Q | audience)


def achievements_visible_to(user: User) -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related("organisation", "region")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    q = PUBLIC_Q
    if user.is_authenticated:
        org_ids = list(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
        if org_ids:
            q |= member_q(user, org_ids)
        q |= government_q(user)
    return qs.filter(q)


def government_q(user: User) -> Q:
    """Records a government reviewer or official sees in its jurisdiction: once submitted (never
    drafts), internal ones included. Matches nothing for other accounts, platform admins included
    (they see everything through `achievements_visible_to`)."""
    if not government_regions(user):  # every government role (jurisdiction_q lets platform admins through)
        return Q(pk__in=[])
    return jurisdiction_q(user, "region", roles=GOVERNMENT_ROLES) & ~Q(status__in=list(PRIVATE_STATES))


def may_export_organisation(user: User, organisation_id: int) -> bool:
    """May `user` export an organisation's records? Its members and platform admins (all of them,
    drafts too), and government accounts whose jurisdiction holds the organisation's region (what
    `government_q` shows them). The export job applies the same rule again when it runs."""
    if not user.is_authenticated:
        return False
    if user.is_platform_admin or is_member(user, organisation_id):
        return True
    region = Organisation.objects.filter(pk=organisation_id).values_list("region_id", flat=True).first()
    return region is not None and may_act_on_region(user, region, roles=GOVERNMENT_ROLES)


def public_achievements() -> QuerySet[Achievement]:
    return Achievement.objects.filter(PUBLIC_Q).select_related("organisation", "region")


def can_on_achievement(user: User, a: Achievement, action: AchievementAction) -> bool:
    if user.is_authenticated and user.is_platform_admin:
        return True
    if action == "view":
        if a.status == S.PUBLISHED and a.secrecy == SecrecyLevel.PUBLIC:
            return True
        if is_member(user, a.organisation_id):
            return not is_confined(a) or may_open_confined(user, a)
        return a.status not in PRIVATE_STATES and may_act_on_region(user, a.region_id, roles=GOVERNMENT_ROLES)
    if action == "edit":
        return is_author(user, a.created_by_id, a.organisation_id) or is_org_admin(user, a.organisation_id)
    if action == "manage":
        return is_org_admin(user, a.organisation_id)
    if action == "review":
        return (
            a.holder_region_id is not None
            and reviews_for_region(user, a.holder_region_id)
            and not decides_own(user, a.organisation_id)
        )
    return False


def is_insider(user: User, a: Achievement) -> bool:
    """Members of the owning organisation, government in its jurisdiction and platform admins see the
    workflow: where the record is, who holds it, and its history."""
    if not user.is_authenticated:
        return False
    return (
        user.is_platform_admin
        or is_member(user, a.organisation_id)
        or may_act_on_region(user, a.region_id, roles=GOVERNMENT_ROLES)
    )


def get_achievement_for_user(user: User, pk: int, *, action: AchievementAction = "view") -> Achievement:
    a = (
        Achievement.objects.select_related("organisation", "region", "holder_region", "created_by")
        .filter(pk=pk)
        .first()
    )
    if a is None or not can_on_achievement(user, a, "view") or not can_on_achievement(user, a, action):
        raise DomainError(Errors.NOT_FOUND)
    return a


def can_decide_revision(user: User, a: Achievement) -> bool:
    """May `user` approve or reject a pending change of `a`? Reviewers whose jurisdiction covers its
    region, and platform admins (what `services.decide_revision` checks)."""
    return user.is_authenticated and may_act_on_region(user, a.region_id) and not decides_own(user, a.organisation_id)
