"""Reads about organisations and people used by views, the API and later by dashboards."""

from __future__ import annotations

import functools

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q
from techtransfer.core.models import GROUPING_NAMES, Membership, Organisation, Region, User


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


@functools.cache
def _region_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    provinces = list(Region.objects.filter(parent__isnull=True).order_by("code"))
    cities: dict[str, list[Region]] = {}
    for city in Region.objects.filter(level="city").order_by("code"):
        cities.setdefault(city.parent_id or "", []).append(city)
    return tuple(
        (
            p.name,
            (
                (p.code, p.name),
                *((c.code, _city_label(p, c)) for c in cities.get(p.code, []) if c.name != "市辖区"),
            ),
        )
        for p in provinces
    )


def _city_label(province: Region, city: Region) -> str:
    """A city's name in a list of cities; a pseudo-city grouping directly governed counties (重庆市
    "县") would read as a city called "县", so it is shown with its province."""
    return f"{province.name}{city.name}" if city.name in GROUPING_NAMES else city.name


def region_filter_choices() -> list[tuple[str, object]]:
    """Provinces and their cities, grouped by province, for region filters (a code selects everything inside).

    The regions never change while the process runs (they come from a shipped file), so the list is
    built once per process.
    """
    return [("", _("All")), *[(name, list(options)) for name, options in _region_groups()]]
