"""Who sees and acts on listings, deals and auctions. "Forbidden" looks like "not found".

- Anyone: published listings and their auctions.
- Members of the listing's organisation: all its listings (drafts too), their deals and auctions.
  Only its admins choose which of its achievements go on the market (`listable_achievements`).
- Members of a buyer organisation: their own deals.
- The technology broker a deal names: that deal (not its listing's other deals, nor a draft listing).
- Government reviewers and officials: listings of their jurisdiction once submitted (never drafts)
  and the deals on them; reviewers of the region review listings.
- Platform admins: everything.

Auctions are open ascending auctions: anyone who sees one sees its bids' amounts and times, but a
bidder is named (`BidderDisclosure`) only to the organisers (the seller's members), platform admins
and government users of the listing's region, and to the bidder itself for its own bids; others read
"Bidder n" (竞买号).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q, QuerySet

from techtransfer.achievements.access import achievements_visible_to
from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.models import Achievement
from techtransfer.core.choices import GOVERNMENT_ROLES, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import jurisdiction_q, may_act_on_region
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import decides_own, is_member
from techtransfer.market.choices import ListingStatus
from techtransfer.market.models import AuctionSession, Deal, Listing

S = ListingStatus
PRIVATE_STATES = frozenset({S.DRAFT})
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})

ListingAction = Literal["view", "edit", "manage", "review"]
# "participant": the parties and the deal's broker (who read the broker's ratings), not government viewers.
DealAction = Literal["view", "seller", "buyer", "party", "participant"]
AuctionAction = Literal["view", "organise", "name_bidders"]


def _org_ids(user: User) -> list[int]:
    if not user.is_authenticated:
        return []
    cached: list[int] | None = getattr(user, "_market_org_ids", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
        setattr(user, "_market_org_ids", cached)  # noqa: B010 (a per-request cache on the user object)
    return cached


def public_listings() -> QuerySet[Listing]:
    return Listing.objects.filter(status=S.PUBLISHED).select_related("organisation", "region", "achievement")


def listings_visible_to(user: User) -> QuerySet[Listing]:
    qs = Listing.objects.select_related("organisation", "region", "achievement")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    q = Q(status=S.PUBLISHED)
    if user.is_authenticated:
        org_ids = _org_ids(user)
        if org_ids:
            q |= Q(organisation_id__in=org_ids)
        q |= jurisdiction_q(user, "region", roles=GOVERNMENT_ROLES) & ~Q(status__in=list(PRIVATE_STATES))
    return qs.filter(q)


def can_on_listing(user: User, listing: Listing, action: ListingAction) -> bool:
    if not user.is_authenticated:
        return action == "view" and listing.status == S.PUBLISHED
    if user.is_platform_admin:
        return True
    member = is_member(user, listing.organisation_id)
    if action == "view":
        if listing.status == S.PUBLISHED or member:
            return True
        return listing.status not in PRIVATE_STATES and may_act_on_region(
            user, listing.region_id, roles=GOVERNMENT_ROLES
        )
    if action == "edit":
        return member and listing.status in EDITABLE_STATES
    if action == "manage":
        return member
    if action == "review":  # not a listing of one's own organisation (`decides_own`)
        return may_act_on_region(user, listing.region_id) and not decides_own(user, listing.organisation_id)
    return False


def listable_achievements(user: User) -> QuerySet[Achievement]:
    """The achievements `user` may put on the market (choose as a listing's subject): published, visible
    to them, of an organisation whose achievements they manage: its admins, as for every other
    decision over the organisation's records (`achievements.access.can_on_achievement(..., "manage")`);
    any for a platform admin. ADR 0015.

    The one rule behind the achievement page's "Put on the market" link (`panels.market_panel`), the
    listing form's achievement choices (`forms.ListingForm`) and `services.create_listing` /
    `update_listing`. Other members still draft listings of patents and edit their organisation's
    listings, keeping the achievement an admin chose.
    """
    published = achievements_visible_to(user).filter(status=AchievementStatus.PUBLISHED)
    if not user.is_authenticated:
        return published.none()
    if user.is_platform_admin:
        return published
    managed = Membership.objects.filter(user=user, is_active=True, role=Role.ORG_ADMIN).values("organisation_id")
    return published.filter(organisation_id__in=managed)


def may_list_achievement(user: User, achievement_id: int) -> bool:
    """May `user` put this achievement on the market (`listable_achievements`)?"""
    return listable_achievements(user).filter(pk=achievement_id).exists()


def get_listing_for_user(user: User, pk: int, *, action: ListingAction = "view") -> Listing:
    listing = Listing.objects.select_related("organisation", "region", "achievement").filter(pk=pk).first()
    if listing is None or not can_on_listing(user, listing, "view") or not can_on_listing(user, listing, action):
        raise DomainError(Errors.NOT_FOUND)
    return listing


def deals_visible_to(user: User) -> QuerySet[Deal]:
    qs = Deal.objects.select_related("listing", "listing__organisation", "buyer")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    if not user.is_authenticated:
        return qs.none()
    org_ids = _org_ids(user)
    q = Q(listing__organisation_id__in=org_ids) | Q(buyer_id__in=org_ids) | Q(broker=user)
    q |= jurisdiction_q(user, "listing__region", roles=GOVERNMENT_ROLES)
    return qs.filter(q)


def can_on_deal(user: User, deal: Deal, action: DealAction) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    seller = is_member(user, deal.listing.organisation_id)
    buyer = is_member(user, deal.buyer_id)
    if action == "seller":
        return seller
    if action == "buyer":
        return buyer
    if action == "party":
        return seller or buyer
    broker = deal.broker_id is not None and deal.broker_id == user.pk
    if action == "participant":
        return seller or buyer or broker
    return seller or buyer or broker or may_act_on_region(user, deal.listing.region_id, roles=GOVERNMENT_ROLES)


def get_deal_for_user(user: User, pk: int, *, action: DealAction = "view") -> Deal:
    deal = (
        Deal.objects.select_related("listing", "listing__organisation", "listing__region", "buyer", "broker")
        .filter(pk=pk)
        .first()
    )
    if deal is None or not can_on_deal(user, deal, "view") or not can_on_deal(user, deal, action):
        raise DomainError(Errors.NOT_FOUND)
    return deal


def can_on_auction(user: User, session: AuctionSession, action: AuctionAction) -> bool:
    if not can_on_listing(user, session.listing, "view"):
        return False
    if action == "organise":
        return user.is_authenticated and (user.is_platform_admin or is_member(user, session.listing.organisation_id))
    if action == "name_bidders":
        # The organisers and whoever may see the winner's deal on the seller's side (`can_on_deal`).
        return user.is_authenticated and (
            user.is_platform_admin
            or is_member(user, session.listing.organisation_id)
            or may_act_on_region(user, session.listing.region_id, roles=GOVERNMENT_ROLES)
        )
    return True


@dataclass(frozen=True)
class BidderDisclosure:
    """Which bidders of one session a user may see named: all of them, or only its own organisations'."""

    all: bool
    own: frozenset[int]

    def names(self, organisation_id: int) -> bool:
        return self.all or organisation_id in self.own


def bidder_disclosure(user: User, session: AuctionSession) -> BidderDisclosure:
    """What `user`, who may view `session`, may learn of who bid in it (see the module's docstring)."""
    return BidderDisclosure(all=can_on_auction(user, session, "name_bidders"), own=frozenset(_org_ids(user)))


def get_auction_for_user(user: User, pk: int, *, action: AuctionAction = "view") -> AuctionSession:
    session = (
        AuctionSession.objects.select_related("listing", "listing__organisation", "best_bid", "best_bid__organisation")
        .filter(pk=pk)
        .first()
    )
    if session is None or not can_on_auction(user, session, action):
        raise DomainError(Errors.NOT_FOUND)
    return session
