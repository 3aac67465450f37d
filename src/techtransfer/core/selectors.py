"""Reads about organisations and people used by views, the API and later by dashboards."""

from __future__ import annotations

from django.db.models import QuerySet

from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q
from techtransfer.core.models import Membership, Organisation, Region, User


def memberships_for(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("organisation", "organisation__region")


def pending_verifications(user: User) -> QuerySet[Organisation]:
    """Organisations waiting for verification inside the user's reviewer jurisdiction."""
    if not (user.is_platform_admin or government_regions(user, frozenset({str(Role.GOV_REVIEWER)}))):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(jurisdiction_q(user), status=OrganisationStatus.REGISTERED)
        .exclude(memberships__user=user)
        .select_related("region")
        .order_by("created_at")
    )


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(parent__isnull=True).order_by("code")


def children_of(code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=code).order_by("code")
