"""Small role questions asked by access checks and services."""

from __future__ import annotations

from collections.abc import Iterable

from techtransfer.core.choices import Role
from techtransfer.core.errors import DomainError, ErrorCode
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
    user.__dict__.pop("_search_visibility", None)  # search.permissions.visibility_for
    for key in [k for k in user.__dict__ if k.startswith("_gov_regions_")]:
        user.__dict__.pop(key)
