"""Jurisdiction: which regions a government account may act on.

A reviewer or official of a county science department acts on its county, of a city department on
the city and its counties, of the province department on the whole province. Every app asks
`may_act_on_region()` for one object and filters lists with `jurisdiction_q()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from techtransfer.core.choices import GOVERNMENT_ROLES, OrganisationStatus, OrganisationType, Role
from techtransfer.core.models import Membership, Region, User

_ALL_GOV_ROLES: frozenset[str] = frozenset(str(r) for r in GOVERNMENT_ROLES)


def government_regions(user: User, roles: Iterable[str] = _ALL_GOV_ROLES) -> list[Region]:
    """Regions of the government departments in which `user` holds one of `roles`.

    Only active memberships of verified government organisations count; the result is cached on the
    user object for the duration of a request.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    key = "_gov_regions_" + ",".join(sorted(roles))
    cached: list[Region] | None = getattr(user, key, None)
    if cached is None:
        cached = [
            m.organisation.region
            for m in Membership.objects.filter(
                user=user,
                is_active=True,
                role__in=list(roles),
                organisation__type=OrganisationType.GOVERNMENT,
                organisation__status=OrganisationStatus.VERIFIED,
            ).select_related("organisation__region")
        ]
        setattr(user, key, cached)
    return cached


def may_act_on_region(user: User, region: Region | str, *, roles: Iterable[str] = (Role.GOV_REVIEWER,)) -> bool:
    """May this government account act on `region` (a Region or a 6-digit code)?

    True when the user holds one of `roles` in a verified government department whose region is the
    target region or contains it. Platform admins may act everywhere.
    """
    if user.is_authenticated and getattr(user, "is_platform_admin", False):
        return True
    code = region if isinstance(region, str) else region.code
    return any(code.startswith(r.prefix) for r in government_regions(user, frozenset(str(r) for r in roles)))


def jurisdiction_q(user: User, field: str = "region", *, roles: Iterable[str] = (Role.GOV_REVIEWER,)) -> Q:
    """A filter selecting rows whose `field` (a Region foreign key) lies in the user's jurisdiction.

    Returns a filter that matches nothing when the user has no government role.
    """
    if user.is_authenticated and getattr(user, "is_platform_admin", False):
        return Q()
    regions = government_regions(user, frozenset(str(r) for r in roles))
    if not regions:
        return Q(pk__in=[])
    q = Q()
    for region in regions:
        q |= Q(**{f"{field}__code__startswith": region.prefix})
    return q


def reviews_for_region(user: User, code: str) -> bool:
    """Is `user` a reviewer of the government department of exactly this region?

    Used by multi-level review routes, where each step belongs to one level (county, city or
    province) rather than to everyone whose jurisdiction contains the region. Platform admins may
    act on every step.
    """
    if user.is_authenticated and getattr(user, "is_platform_admin", False):
        return True
    return any(r.code == code for r in government_regions(user, frozenset({str(Role.GOV_REVIEWER)})))


def _reviewers(codes: Iterable[str], record_of: Iterable[int] = ()) -> QuerySet[Membership]:
    """The active reviewer memberships (active accounts) of the verified government departments of
    exactly these regions; without the members of the organisations `record_of` (whose record
    they may not decide: `roles.decides_own`)."""
    reviewers = Membership.objects.filter(
        role=Role.GOV_REVIEWER,
        is_active=True,
        user__is_active=True,
        organisation__type=OrganisationType.GOVERNMENT,
        organisation__status=OrganisationStatus.VERIFIED,
        organisation__region_id__in=list(codes),
    )
    if own := list(record_of):
        members = Membership.objects.filter(organisation_id__in=own, is_active=True).values("user_id")
        reviewers = reviewers.exclude(user_id__in=members)
    return reviewers


def reviewer_ids(code: str, record_of: Iterable[int] = ()) -> list[int]:
    """The ids of the active reviewers (with active accounts) of the verified government department of
    exactly this region: whom `reviews_for_region` lets act on a step held by `code`, platform admins
    aside (they may act on every step, but no step waits for them); not the members of `record_of`,
    the organisations of the record waiting."""
    return list(_reviewers([code], record_of).order_by("user_id").values_list("user_id", flat=True).distinct())


def nearest_reviewing_departments(code: str, record_of: Iterable[int] = ()) -> list[str]:
    """The names of the departments whose reviewers `nearest_reviewer_ids` names: whom a submitter is
    told the record went to ("Submitted for review to 赣州市科学技术局.")."""
    return _nearest(code, record_of, "organisation__name")


def nearest_reviewer_ids(code: str, record_of: Iterable[int] = ()) -> list[int]:
    """The reviewers of the nearest department, counting from the region `code` upwards (county,
    city, province), that has any: whom a submission that any reviewer covering `code` may take
    waits for (a need). The departments above are not told of every county's submission; they see
    it in their queues. Members of `record_of`, the organisations of the record, are left out (a
    department none of whose other reviewers may decide it is passed over)."""
    return _nearest(code, record_of, "user_id")


def _nearest(code: str, record_of: Iterable[int], column: str) -> list[Any]:
    """`column` of the reviewers of the nearest department from `code` upwards that has any, sorted,
    each value once (one query for the region's chain, one for its reviewers)."""
    region = Region.objects.filter(code=code).select_related("parent__parent").first()
    chain = [r.code for r in region.lineage()] if region is not None else []
    by_region: dict[str, set[Any]] = {}
    for region_code, value in _reviewers(chain, record_of).values_list("organisation__region_id", column):
        by_region.setdefault(region_code, set()).add(value)
    return next((sorted(by_region[c]) for c in chain if c in by_region), [])
