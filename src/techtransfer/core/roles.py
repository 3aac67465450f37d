"""Small role questions asked by access checks and services."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from techtransfer.core.choices import Role
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.models import Membership, Organisation, User


def membership_of(user: User, organisation: Organisation | int) -> Membership | None:
    """The user's active membership in `organisation`, cached per user object."""
    if not user.is_authenticated or not user.is_active:
        return None
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_membership_cache", {})
    if org_id not in cache:
        cache[org_id] = (
            Membership.objects.filter(user=user, organisation_id=org_id, is_active=True)
            .select_related("organisation")
            .first()
        )
    return cache[org_id]


def is_member(user: User, organisation: Organisation | int) -> bool:
    return membership_of(user, organisation) is not None


def organisation_refusal(error: ErrorCode, actor: User, organisation: Organisation) -> DomainError:
    """`error` refusing an action for `organisation`, named to whoever acts for an organisation not
    theirs (a platform admin: `ErrorCode.named_message`) and "your organisation" to its members."""
    return DomainError(error, details={} if is_member(actor, organisation) else {"organisation": organisation.name})


def is_author(user: User, created_by_id: int | None, organisation: Organisation | int) -> bool:
    """Did `user` create the record and are they still a member of its organisation? A record's
    author edits it, withdraws it, runs it as a challenge, only while a member: a person who left
    the organisation (or was removed) no longer acts for it."""
    return bool(user.is_authenticated and created_by_id == user.pk and is_member(user, organisation))


def decides_own(user: User, organisation: Organisation | int) -> bool:
    """Would `user` decide (review, register, verify) a record of an organisation they belong to?
    Nobody decides their own organisation's records (a conflict of interest, 回避): another reviewer
    of the department does. Platform admins are exempt, as they act for the platform."""
    return bool(user.is_authenticated and not user.is_platform_admin and is_member(user, organisation))


def not_own_q(user: User, field: str = "organisation") -> Q:
    """Rows whose `field` (an Organisation foreign key) is not one of `user`'s own organisations:
    the queues of records to decide leave out what `decides_own` refuses."""
    ids = own_organisation_ids(user)
    return ~Q(**{f"{field}__in": ids}) if ids else Q()


def own_organisation_ids(user: User) -> list[int]:
    """The organisations whose records `user` may not decide (`decides_own`): their active
    memberships' (none for a platform admin)."""
    if not user.is_authenticated or user.is_platform_admin:
        return []
    if "_own_organisation_ids" not in user.__dict__:  # the workspace asks for four queues
        user.__dict__["_own_organisation_ids"] = list(
            Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True)
        )
    return list(user.__dict__["_own_organisation_ids"])


def refuse_own(user: User, organisation: Organisation | int) -> None:
    """Refuse (`own_organisation`, 403) a decision on a record of `user`'s own organisation."""
    if decides_own(user, organisation):
        raise DomainError(Errors.OWN_ORGANISATION)


def is_org_admin(user: User, organisation: Organisation | int) -> bool:
    m = membership_of(user, organisation)
    return m is not None and m.role == Role.ORG_ADMIN


def admin_ids(organisation_ids: Iterable[int]) -> list[int]:
    """The user ids of the active admins (with active accounts) of these organisations, each once, in
    order: whom a notice for an organisation goes to."""
    return list(
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids), role=Role.ORG_ADMIN, is_active=True, user__is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def forget(user: User) -> None:
    """Drop cached role answers after a membership change."""
    user.__dict__.pop("_membership_cache", None)
    user.__dict__.pop("_own_organisation_ids", None)
    user.__dict__.pop("_search_visibility", None)  # search.permissions.visibility_for
    for key in [k for k in user.__dict__ if k.startswith("_gov_regions_")]:
        user.__dict__.pop(key)
