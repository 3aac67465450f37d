"""Reads of the market for its pages, the API, the achievements page and the contracts app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import BooleanField, Case, Count, Exists, Min, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from techtransfer.core.jurisdiction import jurisdiction_q
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import not_own_q
from techtransfer.market.access import BidderDisclosure, listings_visible_to
from techtransfer.market.choices import AuctionStatus, DealStatus, DepositStatus, ListingMode, ListingStatus
from techtransfer.market.models import AuctionSession, Bid, Deal, DealBrokerRating, Interest, Listing, Watch
from techtransfer.matchmaking.brokerage import BrokeredDeals

# Modes that give one buyer the right (an assignment, an exclusive licence, a sole licence: the
# licensor keeps its own use but licenses nobody else): once a deal is agreed, the listing is sold.
EXCLUSIVE_MODES = frozenset({ListingMode.ASSIGNMENT, ListingMode.EXCLUSIVE_LICENCE, ListingMode.SOLE_LICENCE})


def is_sold(listing: Listing, *, besides: Deal | None = None) -> bool:
    """Is the listing of an `EXCLUSIVE_MODES` mode with an agreed deal (other than `besides`)? The
    services refuse another sale of it (under the listing's row lock); its page offers none."""
    if listing.mode not in EXCLUSIVE_MODES:
        return False
    agreed = Deal.objects.filter(listing=listing, status=DealStatus.AGREED)
    if besides is not None:
        agreed = agreed.exclude(pk=besides.pk)
    return agreed.exists()


def is_under_auction(listing: Listing) -> bool:
    """Has the listing an auction that is scheduled or running (not yet closed)? No negotiated deal
    is opened or agreed on it meanwhile (`services.open_deal`, `services.agree_deal`)."""
    return listing.auctions.filter(status=AuctionStatus.SCHEDULED).exists()


def with_sold(qs: QuerySet[Listing]) -> QuerySet[Listing]:
    """`qs` with each listing's `sold` (as `is_sold` says) computed in the same query, for lists."""
    agreed = Deal.objects.filter(listing_id=OuterRef("pk"), status=DealStatus.AGREED)
    return qs.annotate(
        sold=Case(
            When(mode__in=sorted(EXCLUSIVE_MODES), then=Exists(agreed)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def listings_for_achievement(achievement_id: int, *, user: User | None = None) -> QuerySet[Listing]:
    """Listings of one achievement, newest first: the published ones, or all the user may see."""
    base = listings_visible_to(user) if user is not None else Listing.objects.filter(status=ListingStatus.PUBLISHED)
    return base.filter(achievement_id=achievement_id).order_by("-created_at", "-pk")


# A listing in one of these states no longer offers its achievement: it may be listed again.
ENDED_LISTING_STATES = frozenset({ListingStatus.REJECTED, ListingStatus.WITHDRAWN, ListingStatus.EXPIRED})


def is_listed(achievement_id: int) -> bool:
    """Has the achievement a listing being drafted, reviewed or shown (any listing not ended)?"""
    return Listing.objects.filter(achievement_id=achievement_id).exclude(status__in=ENDED_LISTING_STATES).exists()


def deals_for_achievement(achievement_id: int, *, include_cancelled: bool = False) -> QuerySet[Deal]:
    """Deals on any listing of one achievement (the achievement → listing → deal path), oldest first.

    Used by the achievements page and by the contracts app to link a contract to its deal.
    """
    qs = Deal.objects.filter(listing__achievement_id=achievement_id).select_related("listing", "buyer")
    if not include_cancelled:
        qs = qs.exclude(status=DealStatus.CANCELLED)
    return qs.order_by("created_at", "pk")


def agreed_deals_of_sellers(organisation_ids: list[int]) -> QuerySet[Deal]:
    """Agreed deals whose listing belongs to one of `organisation_ids` (the seller side), newest first.

    The contracts app narrows these to the deals that have no active registration yet.
    """
    return (
        Deal.objects.filter(status=DealStatus.AGREED, listing__organisation_id__in=organisation_ids)
        .select_related("listing", "listing__achievement", "buyer")
        .order_by("-agreed_at", "-pk")
    )


def deals_for_listing(listing: Listing) -> QuerySet[Deal]:
    return listing.deals.select_related("buyer").order_by("created_at", "pk")


def broker_deal_numbers() -> dict[int, BrokeredDeals]:
    """Per broker (user id): the deals naming them, by status, and the sides' ratings of them; two
    queries. Registered with the brokers page (`matchmaking.brokerage`, in `market.apps`)."""
    counts = {
        row["broker_id"]: row
        for row in Deal.objects.filter(broker__isnull=False)
        .values("broker_id")
        .annotate(
            negotiating=Count("pk", filter=Q(status=DealStatus.NEGOTIATING)),
            agreed=Count("pk", filter=Q(status=DealStatus.AGREED)),
            cancelled=Count("pk", filter=Q(status=DealStatus.CANCELLED)),
        )
        .order_by()
    }
    ratings = {
        row["broker_id"]: (row["total"], row["n"])
        for row in DealBrokerRating.objects.values("broker_id").annotate(total=Sum("score"), n=Count("pk")).order_by()
    }
    out: dict[int, BrokeredDeals] = {}
    for broker_id in counts.keys() | ratings.keys():
        c = counts.get(broker_id, {})
        total, n = ratings.get(broker_id, (0, 0))
        out[broker_id] = BrokeredDeals(
            negotiating=c.get("negotiating", 0), agreed=c.get("agreed", 0), cancelled=c.get("cancelled", 0),
            rating_sum=total, ratings=n,
        )  # fmt: skip
    return out


def deals_brokered_by(user: User) -> QuerySet[Deal]:
    """The deals naming `user` as their broker, newest first (the broker's list of deals)."""
    return Deal.objects.filter(broker=user).select_related("listing", "listing__organisation", "buyer")


def comparable_deal_amounts(*, industry: str, mode: str, exclude_listing_id: int | None = None) -> list[Decimal]:
    """Amounts of agreed deals on listings of the same industry and mode (the market approach)."""
    qs = Deal.objects.filter(status=DealStatus.AGREED, listing__industry=industry, listing__mode=mode)
    if exclude_listing_id is not None:
        qs = qs.exclude(listing_id=exclude_listing_id)
    return list(qs.order_by("amount").values_list("amount", flat=True))


def watchlist(user: User) -> QuerySet[Listing]:
    return (
        with_sold(Listing.objects.filter(watches__user=user))
        .select_related("organisation", "region")
        .order_by("-watches__created_at", "-pk")
    )


def watched_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Watch.objects.filter(user=user).values_list("listing_id", flat=True))


def interests_for_listing(listing: Listing) -> QuerySet[Interest]:
    return listing.interests.select_related("organisation", "user")


BidderStanding = Literal["paid", "known", "unknown"]


def bidder_standing(session: AuctionSession, organisation_ids: list[int]) -> BidderStanding:
    """Where the organisations `organisation_ids` (a user's) stand before bidding in `session`:
    "paid" when one has its deposit recorded as paid; "known" when one is among the bidders the
    organiser can record a deposit for (it expressed interest in the listing, or has a deposit row);
    else "unknown": it must express interest first."""
    deposits = session.deposits.filter(organisation_id__in=organisation_ids)
    if deposits.filter(status=DepositStatus.PAID).exists():
        return "paid"
    if deposits.exists() or session.listing.interests.filter(organisation_id__in=organisation_ids).exists():
        return "known"
    return "unknown"


def bids_for_session(session: AuctionSession) -> QuerySet[Bid]:
    return session.bids.select_related("organisation").order_by("-sequence")


@dataclass(frozen=True)
class BidRow:
    """One bid as a given user may see it: `bidder` is the organisation's name when the user may know
    it (`organisation_id` is then set too), else "Bidder n"; `own` marks a bid of the user's own
    organisation. `number` is the bidder's number in the session (竞买号), by the order of first bids."""

    sequence: int
    number: int
    bidder: str
    organisation_id: int | None
    own: bool
    amount: Decimal
    placed_at: datetime.datetime


def bidder_numbers(session: AuctionSession) -> dict[int, int]:
    """Organisation id → its bidder number in `session`: 1 for the first to bid, 2 for the next, …"""
    firsts = session.bids.values("organisation_id").annotate(first=Min("sequence")).order_by("first")
    return {row["organisation_id"]: n for n, row in enumerate(firsts, start=1)}


def _row(bid: Bid, numbers: dict[int, int], disclosure: BidderDisclosure) -> BidRow:
    number = numbers[bid.organisation_id]
    own = bid.organisation_id in disclosure.own
    named = disclosure.names(bid.organisation_id)
    if own:
        bidder = _("%(name)s (your organisation)") % {"name": bid.organisation.name}
    elif named:
        bidder = bid.organisation.name
    else:
        bidder = _("Bidder %(n)d") % {"n": number}
    return BidRow(
        sequence=bid.sequence,
        number=number,
        bidder=bidder,
        organisation_id=bid.organisation_id if named else None,
        own=own,
        amount=bid.amount,
        placed_at=bid.placed_at,
    )


def bid_history(
    session: AuctionSession,
    disclosure: BidderDisclosure,
    *,
    limit: int | None = None,
    numbers: dict[int, int] | None = None,
) -> list[BidRow]:
    """The session's bids, newest first (the latest `limit`), each as `disclosure` lets its reader see
    it. `numbers` is `bidder_numbers(session)`, when the caller has it already."""
    numbers = bidder_numbers(session) if numbers is None else numbers
    bids = bids_for_session(session)
    return [_row(bid, numbers, disclosure) for bid in (bids[:limit] if limit is not None else bids)]


def auction_winner(
    session: AuctionSession, disclosure: BidderDisclosure, *, numbers: dict[int, int] | None = None
) -> BidRow | None:
    """The winning bid of a session closed with a winner, as `disclosure` lets its reader see it."""
    if session.status != AuctionStatus.CLOSED or session.best_bid is None:
        return None
    return _row(session.best_bid, bidder_numbers(session) if numbers is None else numbers, disclosure)


def auctions_for_listing(listing: Listing) -> QuerySet[AuctionSession]:
    return listing.auctions.order_by("-starts_at", "-pk")


def review_queue(user: User) -> QuerySet[Listing]:
    """Submitted or under-review listings in the reviewer's jurisdiction, not of their own
    organisations (`decides_own`), oldest change first."""
    return (
        Listing.objects.filter(
            jurisdiction_q(user, "region"),
            not_own_q(user),
            status__in=[ListingStatus.SUBMITTED, ListingStatus.UNDER_REVIEW],
        )
        .select_related("organisation", "region")
        .order_by("updated_at", "pk")
    )


def my_listings(user: User) -> QuerySet[Listing]:
    org_ids = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
    return (
        with_sold(Listing.objects.filter(organisation_id__in=org_ids))
        .select_related("organisation")
        .order_by("-updated_at")
    )
