"""The demo market: listings of published demo achievements, deals and a running auction, made once; the
contracts demo then registers a contract for every agreed deal, which closes the demo path."""

import pytest

from techtransfer.achievements.choices import AchievementKind
from techtransfer.achievements.models import Achievement
from techtransfer.contracts.demo import load_demo_contracts
from techtransfer.contracts.models import Contract
from techtransfer.market.choices import AuctionStatus, DealStatus, ListingStatus
from techtransfer.market.models import AuctionSession, Bid, Deal, DealBrokerRating, Listing
from techtransfer.web.demo import load_demo_market_records, load_demo_records

pytestmark = pytest.mark.django_db


def test_demo_market_then_contracts_for_its_agreed_deals(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    load_demo_records(limit=40)
    created = load_demo_market_records(per_seller=6)
    listings = Listing.objects.filter(achievement__is_demo=True)
    assert created["listings"] == listings.count() == listings.filter(status=ListingStatus.PUBLISHED).count()
    assert created["listings"] > 0
    assert created["deals"] == Deal.objects.filter(source="negotiation").count() > 0
    assert created["agreed"] == Deal.objects.filter(status=DealStatus.AGREED).count()
    session = AuctionSession.objects.get()
    assert session.status == AuctionStatus.SCHEDULED
    assert created["bids"] == Bid.objects.filter(session=session).count() == 4
    # The agency's broker brokers two deals: the first, agreed and rated by its buyer, and one negotiated.
    brokered = Deal.objects.filter(broker__username="agency_broker").order_by("pk")
    assert created["brokered"] == 2
    assert [d.status for d in brokered] == [DealStatus.AGREED, DealStatus.NEGOTIATING]
    assert list(DealBrokerRating.objects.values_list("deal_id", "organisation_id", "score")) == [
        (brokered[0].pk, brokered[0].buyer_id, 4)
    ]
    assert load_demo_market_records(per_seller=6) == {
        "listings": 0, "deals": 0, "agreed": 0, "bids": 0, "brokered": 0,
    }  # fmt: skip
    # Every listed achievement belongs to the listing's organisation and is published.
    assert all(x.achievement.organisation_id == x.organisation_id for x in listings.select_related("achievement"))
    assert Achievement.objects.filter(listings__isnull=False).exclude(status="published").count() == 0
    # Only applied technologies are put on the market (no licences of papers on political theory).
    assert set(Achievement.objects.filter(listings__isnull=False).values_list("kind", flat=True)) == {
        AchievementKind.APPLIED
    }

    made = load_demo_contracts(5)
    agreed = Deal.objects.filter(status=DealStatus.AGREED)
    assert made == 5 + agreed.count()
    for deal in agreed:
        contract = Contract.objects.get(deal=deal)
        assert contract.status == "registered" and contract.registration_number
        assert contract.achievement_id == deal.listing.achievement_id
        assert contract.contract_amount == deal.amount * 10000
    assert load_demo_contracts(5) == 0
