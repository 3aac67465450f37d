"""What the search engine indexes of the technology market: listings.

Every listing is indexed with the visibility tokens of those who may see it (`market.access`):
published listings are public; a draft is seen by its organisation's members and platform admins;
once submitted, government reviewers and officials of its jurisdiction see it too.

The listing mode is kept as its own facet (`listing_mode`) and mapped onto the shared
`transfer_mode` vocabulary of achievements and needs (the three licence kinds → "licence"), so one
transfer-mode filter covers every record type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import PlanIndustry, Stage
from techtransfer.market.choices import ListingMode
from techtransfer.market.models import Listing
from techtransfer.search.classifier import discipline_name, discipline_values
from techtransfer.search.permissions import reviewed_record_visibility
from techtransfer.search.registry import (
    FilterKind,
    FilterSpec,
    SearchDocument,
    SearchType,
    choice_filter,
    int_pks,
    load_documents,
    pks_of,
    region_prefixes,
    register,
)

_INDUSTRY = dict(PlanIndustry.choices)
_MODES = dict(ListingMode.choices)

TRANSFER_MODE = {
    ListingMode.ASSIGNMENT: "assignment",
    ListingMode.EXCLUSIVE_LICENCE: "licence",
    ListingMode.SOLE_LICENCE: "licence",
    ListingMode.NON_EXCLUSIVE_LICENCE: "licence",
    ListingMode.EQUITY: "equity",
    ListingMode.JOINT_DEVELOPMENT: "joint_development",
}


def listing_visibility(listing: Listing) -> list[str]:
    """Mirror of `market.access.listings_visible_to`."""
    return reviewed_record_visibility(listing.status, listing.organisation_id, listing.region_id or "")


def document(listing: Listing) -> SearchDocument:
    a = listing.achievement
    filters: dict[str, list[str | int | float]] = {
        "plan_industry": [listing.industry] if listing.industry else [],
        "listing_mode": [listing.mode],
        "transfer_mode": [TRANSFER_MODE[ListingMode(listing.mode)]] if listing.mode in _MODES else [],
        "region": list(region_prefixes(listing.region_id or "")),
        "price": [float(p) for p in (listing.price_min, listing.price_max) if p is not None],
    }
    if a is not None:
        filters["stage"] = [a.stage]
        if a.trl is not None:
            filters["trl"] = [a.trl]
        if a.discipline:
            filters["discipline"] = [a.discipline]
    if listing.published_at:
        filters["year"] = [timezone.localdate(listing.published_at).year]
    # What is offered: the listing's own words and the achievement's abstract (a description of terms
    # alone, "价格面议", would leave the technology unfindable and the snippet without it).
    body = "\n".join(part for part in (listing.description, a.abstract if a is not None else "") if part)
    return SearchDocument(
        type="listing",
        pk=str(listing.pk),
        title=listing.title,
        url=reverse("market:detail", args=[listing.pk]),
        fields={
            "title": listing.title,
            "keywords": " ".join(a.keywords or []) if a is not None else "",
            "body": body,
        },
        filters=filters,
        visibility=listing_visibility(listing),
        summary=body,
        names=[listing.organisation.name],
        owner=str(listing.organisation_id),
        date=listing.published_at or listing.created_at,
    )


def load(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    return load_documents(Listing.objects.select_related("organisation", "achievement").order_by("pk"), pks, document)


def of_organisations(org_pks: Sequence[str]) -> Iterable[str]:
    return pks_of(Listing.objects.filter(organisation_id__in=int_pks(org_pks)))


def of_achievements(achievement_pks: Sequence[str]) -> Iterable[str]:
    return pks_of(Listing.objects.filter(achievement_id__in=int_pks(achievement_pks)))


register(
    SearchType(
        name="listing",
        label=_("Market listings"),
        model_label=Listing._meta.label_lower,
        fields={"title": 3.0, "keywords": 2.0, "body": 1.0},
        load=load,
        count=lambda: Listing.objects.count(),
        dependents={"core.organisation": of_organisations, "achievements.achievement": of_achievements},
        filters=(
            choice_filter("plan_industry", _("Industry"), _INDUSTRY),
            choice_filter("listing_mode", _("Listing mode"), _MODES),
            FilterSpec("transfer_mode", _("Transfer mode"), values=lambda: sorted(set(TRANSFER_MODE.values()))),
            FilterSpec("discipline", _("Discipline"), value_label=discipline_name, values=discipline_values),
            choice_filter("stage", _("Stage"), dict(Stage.choices)),  # the achievement's stage
            FilterSpec("trl", _("Technology readiness level"), kind=FilterKind.INT, facet=False),
            FilterSpec("region", _("Region"), kind=FilterKind.PREFIX, facet=False),
            FilterSpec("price", _("Price (10,000 yuan)"), kind=FilterKind.FLOAT, facet=False),
            FilterSpec("year", _("Year published"), kind=FilterKind.INT, facet=False),
        ),
    )
)
