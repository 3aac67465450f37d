"""Reads about organisations and people used by views, the API and later by dashboards."""

from __future__ import annotations

import functools

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from techtransfer.core import uscc
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q
from techtransfer.core.models import GROUPING_NAMES, Membership, Organisation, Region, User

REGISTRANT_KIND_LABELS = {
    uscc.STATE_ORGAN: gettext_lazy("a state organ"),
    uscc.PUBLIC_INSTITUTION: gettext_lazy("a public institution"),
    uscc.SOCIAL_ORGANISATION: gettext_lazy("a social organisation"),
    uscc.ENTERPRISE: gettext_lazy("an enterprise"),
}
# The registrant kinds a credit code may name that disagree with an organisation type. Only where
# they plainly disagree: a research institute or hospital may be a public institution, an enterprise
# or a social organisation, so only these pairs are flagged to the reviewer.
_CONFLICTING_KINDS: dict[str, frozenset[str]] = {
    OrganisationType.UNIVERSITY: frozenset({uscc.ENTERPRISE}),
    OrganisationType.RESEARCH_INSTITUTE: frozenset({uscc.ENTERPRISE}),
    OrganisationType.HOSPITAL: frozenset({uscc.ENTERPRISE}),
    OrganisationType.ENTERPRISE: frozenset({uscc.STATE_ORGAN, uscc.PUBLIC_INSTITUTION}),
}


def type_code_conflict(org_type: str, code: str) -> str | None:
    """The registrant kind (a `uscc` constant) the credit code names when it disagrees with the
    organisation type, else None. A government department must have a state organ's code (11):
    registration refuses any other, and one registered before that rule is flagged here too."""
    kind = uscc.registrant_kind(code)
    if kind is None:
        return None
    if org_type == OrganisationType.GOVERNMENT:
        return kind if kind != uscc.STATE_ORGAN else None
    return kind if kind in _CONFLICTING_KINDS.get(org_type, frozenset()) else None


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
def _region_groups() -> tuple[tuple[tuple[str, str], tuple[tuple[str, str, str], ...]], ...]:
    """Each province's (Chinese, English) name with (code, Chinese label, English label) of itself and its cities."""
    provinces = list(Region.objects.filter(parent__isnull=True).order_by("code"))
    cities: dict[str, list[Region]] = {}
    for city in Region.objects.filter(level="city").order_by("code"):
        cities.setdefault(city.parent_id or "", []).append(city)
    return tuple(
        (
            (p.name, p.name_en),
            (
                (p.code, p.name, p.name_en),
                *((c.code, *_city_label(p, c)) for c in cities.get(p.code, []) if c.name != "市辖区"),
            ),
        )
        for p in provinces
    )


def _city_label(province: Region, city: Region) -> tuple[str, str]:
    """A city's name in a list of cities, in Chinese and in English; a pseudo-city grouping directly
    governed counties (重庆市 "县") would read as a city called "县", so it is shown with its province."""
    if city.name in GROUPING_NAMES:
        return f"{province.name}{city.name}", f"{province.name_en} {city.name_en}"
    return city.name, city.name_en


def region_filter_choices() -> list[tuple[str, object]]:
    """Provinces and their cities, grouped by province, for region filters (a code selects everything inside);
    on English pages each reads 江西省 (Jiangxi Province), as the region selects of the forms do.

    The regions never change while the process runs (they come from a shipped file), so the list is
    built once per process.
    """
    english = get_language() == "en"
    return [
        ("", _("All")),
        *[
            (
                f"{name} ({name_en})" if english else name,
                [(code, f"{zh} ({en})" if english else zh) for code, zh, en in options],
            )
            for (name, name_en), options in _region_groups()
        ],
    ]
