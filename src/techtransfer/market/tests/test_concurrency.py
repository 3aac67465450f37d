"""Concurrent bids on PostgreSQL: the session row lock makes bids judged one after another.

Threads need committed data and their own connections, so these tests use a transactional
database and are skipped on SQLite (threads cannot share the in-memory test database); the
PostgreSQL lane runs them. A transactional test flushes every table afterwards, so the module puts
the regions back when it ends.
"""

import datetime
import itertools
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market import services
from techtransfer.market.choices import DealStatus, ListingMode
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import AuctionSession, Bid, Deal, Listing
from techtransfer.market.services import AuctionInput

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions_after_module")]

T0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
END = T0 + datetime.timedelta(hours=2)


def _load_regions_if_flushed() -> None:
    from techtransfer.core.models import Region
    from techtransfer.core.regions_loader import load_regions

    if not Region.objects.exists():
        load_regions()


@pytest.fixture(autouse=True)
def _regions(transactional_db):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; the PostgreSQL lane runs this test")
    _load_regions_if_flushed()


@pytest.fixture
def bidders(db):  # type: ignore[no-untyped-def]
    out = []
    for i in range(6):
        org = OrganisationFactory(name=f"竞买测试{i}", region_id="360102")
        user = UserFactory(username=f"bidder_c{i}")
        MembershipFactory(user=user, organisation=org)
        out.append((user, org))
    return out


@pytest.fixture
def session(listing, applicant_member, bidders):  # type: ignore[no-untyped-def]
    s = services.create_auction(
        actor=applicant_member,
        listing_id=listing.pk,
        data=AuctionInput(Decimal("100.00"), Decimal("5.00"), T0, END, extension_window_minutes=5, extension_minutes=5),
    )
    for _user, org in bidders:
        services.record_deposit(actor=applicant_member, session_id=s.pk, organisation_id=org.pk, status="paid")
    return s


def run_together(calls):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except BaseException as exc:  # collected and checked by the test
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_equal_bids_at_the_same_moment_only_one_is_accepted(session, bidders):
    at = T0 + datetime.timedelta(minutes=1)
    calls = [
        (lambda u=u, o=o: services.place_bid(actor=u, session_id=session.pk, organisation_id=o.pk,
                                              amount=Decimal("100.00"), now=at))
        for u, o in bidders[:2]
    ]  # fmt: skip
    results = run_together(calls)
    accepted = [r for r in results if isinstance(r, Bid)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 1 and len(refused) == 1
    assert refused[0].error == MarketErrors.BID_TOO_LOW
    session.refresh_from_db()
    assert (session.best_amount, session.bid_count, session.best_bid_id) == (Decimal("100.00"), 1, accepted[0].pk)


def test_many_concurrent_bids_respect_order_and_increment(session, bidders):
    at = T0 + datetime.timedelta(minutes=1)
    amounts = ["100", "103", "105", "107", "110", "112"]
    calls = [
        (lambda u=u, o=o, a=a: services.place_bid(actor=u, session_id=session.pk, organisation_id=o.pk,
                                                   amount=Decimal(a), now=at))
        for (u, o), a in zip(bidders, amounts, strict=True)
    ]  # fmt: skip
    results = run_together(calls)
    unexpected = [r for r in results if not isinstance(r, Bid | DomainError)]
    assert unexpected == []
    bids = list(Bid.objects.filter(session=session).order_by("sequence"))
    assert [b.sequence for b in bids] == list(range(1, len(bids) + 1))
    assert bids[0].amount >= Decimal("100")
    for prev, nxt in itertools.pairwise(bids):
        assert nxt.amount - prev.amount >= Decimal("5")
    session.refresh_from_db()
    assert session.best_amount == bids[-1].amount and session.bid_count == len(bids)
    closed = services.close_auction(session_id=session.pk, now=END)
    assert Deal.objects.get(pk=closed.deal_id).amount == bids[-1].amount


def test_concurrent_closes_create_one_deal(session, bidders):
    user, org = bidders[0]
    services.place_bid(actor=user, session_id=session.pk, organisation_id=org.pk, amount=Decimal("100"), now=T0)
    results = run_together([lambda: services.close_auction(session_id=session.pk, now=END)] * 2)
    assert sum(isinstance(r, AuctionSession) for r in results) == 1
    assert Deal.objects.filter(listing=session.listing).count() == 1


def test_two_people_of_one_organisation_bidding_at_once_do_not_outbid_each_other(session, bidders):
    """Whichever bid the lock lets in first leads; the other is refused as a bid against itself."""
    user, org = bidders[0]
    colleague = UserFactory(username="bidder_c0_colleague")
    MembershipFactory(user=colleague, organisation=org)
    at = T0 + datetime.timedelta(minutes=1)
    calls = [
        (lambda u=u, a=a: services.place_bid(actor=u, session_id=session.pk, organisation_id=org.pk,
                                             amount=Decimal(a), now=at))
        for u, a in ((user, "100"), (colleague, "120"))
    ]  # fmt: skip
    results = run_together(calls)
    accepted = [r for r in results if isinstance(r, Bid)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(accepted) == 1 and len(refused) == 1
    assert refused[0].error == MarketErrors.ALREADY_LEADING
    session.refresh_from_db()
    assert (session.bid_count, session.best_bid_id) == (1, accepted[0].pk)


# --- a listing for one buyer is sold once, whatever sells it at the same moment ---------------


@pytest.mark.parametrize("mode", [ListingMode.ASSIGNMENT, ListingMode.EXCLUSIVE_LICENCE, ListingMode.SOLE_LICENCE])
def test_two_deals_agreed_at_once_on_a_listing_for_one_buyer_make_one_sale(mode, listing, applicant_member, bidders):
    """Each agreement locks its own deal: without the listing's lock both read "no agreed deal yet"."""
    Listing.objects.filter(pk=listing.pk).update(mode=mode)
    deals = [
        services.open_deal(actor=u, listing_id=listing.pk, buyer_id=o.pk, amount=Decimal("120")) for u, o in bidders[:2]
    ]
    results = run_together([(lambda d=d: services.agree_deal(actor=applicant_member, deal_id=d.pk)) for d in deals])
    agreed = [r for r in results if isinstance(r, Deal)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(agreed) == 1 and len(refused) == 1
    assert refused[0].error == MarketErrors.SOLD
    assert list(Deal.objects.filter(listing=listing, status=DealStatus.AGREED).values_list("pk", flat=True)) == [
        agreed[0].pk
    ]


def test_a_sole_licence_agreed_while_its_auction_closes_makes_one_sale(session, listing, applicant_member, bidders):
    Listing.objects.filter(pk=listing.pk).update(mode=ListingMode.SOLE_LICENCE)
    (user, org), (buyer_user, buyer_org) = bidders[0], bidders[1]
    services.place_bid(actor=user, session_id=session.pk, organisation_id=org.pk, amount=Decimal("100"), now=T0)
    # A negotiation opened before the auction was scheduled (earlier data: none can be opened while it
    # is scheduled or running, listing_under_auction).
    deal = Deal.objects.create(
        listing=listing, buyer=buyer_org, amount=Decimal("90"), status=DealStatus.NEGOTIATING, created_by=buyer_user
    )
    results = run_together(
        [
            lambda: services.agree_deal(actor=applicant_member, deal_id=deal.pk),
            lambda: services.close_auction(session_id=session.pk, now=END),
        ]
    )
    # Refused while the auction runs, or as sold once it closed: the auction makes the one sale.
    assert [type(r) for r in results] == [DomainError, AuctionSession]
    assert results[0].error in (MarketErrors.UNDER_AUCTION, MarketErrors.SOLD)
    assert Deal.objects.filter(listing=listing, status=DealStatus.AGREED).count() == 1
