"""Demo market: listings of published demo achievements, negotiated deals (two of them brokered by the
demo service agency's broker, one rated) and one running auction.

Everything goes through the real services (create → submit → review → publish; open → agree; auction,
deposits, bids), so the audit trail, the search index and the statistics see demo records exactly as
they would see real ones. Listings are only made for achievements marked `is_demo`. Idempotent: nothing
happens when a listing of a demo achievement exists.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from techtransfer.achievements.choices import AchievementKind, AchievementStatus
from techtransfer.achievements.models import Achievement
from techtransfer.core.models import Organisation, User
from techtransfer.market import services
from techtransfer.market.choices import DepositStatus, ListingMode
from techtransfer.market.models import Listing

MODES = list(ListingMode)
# The buyer's rating of the broker of the first demo deal (stars, comment).
DEMO_DEAL_RATING = (
    4,
    "演示评价：协助核实专利状态并促成许可条款。Demo rating: checked the patents' status, helped agree the terms.",
)


@dataclass(frozen=True)
class DemoParty:
    """A demo organisation on one side of the market, and the member who acts for it."""

    organisation: Organisation
    actor: User


def load_demo_market(
    *,
    sellers: Sequence[DemoParty],
    buyers: Sequence[DemoParty],
    reviewer: User,
    per_seller: int = 12,
    broker: User | None = None,
) -> dict[str, int]:
    """List `per_seller` published demo achievements (applied technologies) of each seller; buyers open
    deals on some of them (about one in three; two of every three deals agreed) and bid in one running
    auction. With a `broker`, the seller's admin names them on the first deal, agreed and then rated by
    the buyer, and on the first deal left in negotiation (ADR 0030 addendum).
    Returns counts of what was created."""
    created = {"listings": 0, "deals": 0, "agreed": 0, "bids": 0, "brokered": 0}
    if Listing.objects.filter(achievement__is_demo=True).exists() or not buyers:
        return created
    rng = random.Random(2026)
    today = timezone.localdate()
    listings: list[Listing] = []
    for seller in sellers:
        # Applied technologies only: a licence of a paper on political theory reads as nonsense.
        achievements = Achievement.objects.filter(
            organisation=seller.organisation,
            is_demo=True,
            status=AchievementStatus.PUBLISHED,
            kind=AchievementKind.APPLIED,
        ).order_by("pk")[:per_seller]
        for i, achievement in enumerate(achievements):
            low = Decimal(rng.randrange(20, 400))
            data = services.ListingInput(
                mode=MODES[(len(listings) + i) % len(MODES)],
                listed_from=today - datetime.timedelta(days=rng.randrange(0, 60)),
                listed_until=today + datetime.timedelta(days=rng.randrange(60, 240)),
                achievement_id=achievement.pk,
                description="演示挂牌：价格与条件为虚构。Demo listing: price and terms are made up.",
                industry=achievement.plan_industry,
                price_min=low,
                price_max=low + Decimal(rng.randrange(10, 200)),
                price_negotiable=i % 3 != 0,
            )
            listing = services.create_listing(actor=seller.actor, organisation_id=seller.organisation.pk, data=data)
            services.submit_listing(actor=seller.actor, listing_id=listing.pk)
            services.review_listing(actor=reviewer, listing_id=listing.pk, action="start_review")
            services.review_listing(actor=reviewer, listing_id=listing.pk, action="publish", comment="演示")
            listings.append(listing)
            created["listings"] += 1
    for n, listing in enumerate(listings[::3]):
        buyer = buyers[n % len(buyers)]
        if buyer.organisation.pk == listing.organisation_id:
            continue
        amount = (listing.price_min or Decimal(50)) + Decimal(rng.randrange(0, 30))
        deal = services.open_deal(
            actor=buyer.actor, listing_id=listing.pk, buyer_id=buyer.organisation.pk, amount=amount, note="演示"
        )
        created["deals"] += 1
        seller = next(s for s in sellers if s.organisation.pk == listing.organisation_id)
        if broker is not None and n in (0, 2):
            services.set_deal_broker(actor=seller.actor, deal_id=deal.pk, username=broker.username)
            created["brokered"] += 1
        if n % 3 != 2:
            services.agree_deal(actor=seller.actor, deal_id=deal.pk)
            created["agreed"] += 1
            if broker is not None and n == 0:
                score, comment = DEMO_DEAL_RATING
                services.rate_deal_broker(actor=buyer.actor, deal_id=deal.pk, score=score, comment=comment)
    auctioned = next((x for x in reversed(listings) if not x.deals.exists()), None)
    if auctioned is not None:
        created["bids"] = _demo_auction(auctioned, sellers, buyers, rng)
    return created


def _demo_auction(
    listing: Listing, sellers: Sequence[DemoParty], buyers: Sequence[DemoParty], rng: random.Random
) -> int:
    """A bidding session open for a week, deposits paid by the buyers, a few bids already in."""
    seller = next(s for s in sellers if s.organisation.pk == listing.organisation_id)
    now = timezone.now()
    reserve = listing.price_min or Decimal(100)
    session = services.create_auction(
        actor=seller.actor,
        listing_id=listing.pk,
        data=services.AuctionInput(
            reserve_price=reserve,
            min_increment=Decimal(5),
            starts_at=now - datetime.timedelta(hours=1),
            ends_at=now + datetime.timedelta(days=7),
        ),
    )
    bidders = [b for b in buyers if b.organisation.pk != listing.organisation_id]
    for b in bidders:
        services.record_deposit(
            actor=seller.actor, session_id=session.pk, organisation_id=b.organisation.pk, status=DepositStatus.PAID
        )
    amount, bids = reserve, 0
    # Bidders take turns: the organisation whose bid leads may not bid again (one bidder bids once).
    for round_ in range(4 if len(bidders) > 1 else 1):
        bidder = bidders[round_ % len(bidders)]
        services.place_bid(
            actor=bidder.actor, session_id=session.pk, organisation_id=bidder.organisation.pk, amount=amount
        )
        amount += Decimal(5 * rng.randint(1, 3))
        bids += 1
    return bids
