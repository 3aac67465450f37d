"""Interests, negotiated deals and auctions: increments, anti-sniping, deposits, close → deal."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.jobs.periodic import run_due
from techtransfer.market import selectors, services
from techtransfer.market.choices import AuctionStatus, DealSource, DealStatus, DepositStatus, ListingMode
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import AuctionSession, Bid, Deal
from techtransfer.market.services import AuctionInput

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
END = T0 + datetime.timedelta(hours=2)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


@pytest.fixture
def second_bidder(db):  # type: ignore[no-untyped-def]
    org = OrganisationFactory(name="赣江测试公司", region_id="360102")
    user = UserFactory(username="bidder2")
    MembershipFactory(user=user, organisation=org)
    return user, org


@pytest.fixture
def session(listing, applicant_member, buyer, second_bidder):  # type: ignore[no-untyped-def]
    s = services.create_auction(
        actor=applicant_member,
        listing_id=listing.pk,
        data=AuctionInput(
            reserve_price=Decimal("100.00"), min_increment=Decimal("5.00"), starts_at=T0, ends_at=END,
            extension_window_minutes=5, extension_minutes=5,
        ),
    )  # fmt: skip
    for org in (buyer, second_bidder[1]):
        services.record_deposit(actor=applicant_member, session_id=s.pk, organisation_id=org.pk, status="paid")
    return s


def bid(user, org, amount: str, at: datetime.datetime, session_id: int) -> Bid:  # type: ignore[no-untyped-def]
    return services.place_bid(actor=user, session_id=session_id, organisation_id=org.pk, amount=Decimal(amount), now=at)


# --- interests and negotiated deals ---------------------------------------------------------


def test_interest_and_negotiated_deal(listing, outsider, buyer, applicant_member, published_achievement):
    services.express_interest(actor=outsider, listing_id=listing.pk, organisation_id=buyer.pk, message="希望洽谈")
    services.express_interest(actor=outsider, listing_id=listing.pk, organisation_id=buyer.pk, message="更新")
    assert [i.message for i in selectors.interests_for_listing(listing)] == ["更新"]
    deal = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("110.50"))
    assert deal.status == DealStatus.NEGOTIATING
    with pytest.raises(DomainError) as exc:
        services.agree_deal(actor=outsider, deal_id=deal.pk)  # the buyer cannot accept its own offer
    assert exc.value.error == Errors.NOT_FOUND
    agreed = services.agree_deal(actor=applicant_member, deal_id=deal.pk)
    assert agreed.status == DealStatus.AGREED and agreed.agreed_at is not None
    assert list(selectors.deals_for_achievement(published_achievement.pk)) == [agreed]
    assert list(selectors.listings_for_achievement(published_achievement.pk)) == [listing]
    actions = list(
        AuditEvent.objects.filter(object_type="market.deal", object_id=str(deal.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["deal.agree", "deal.open"]


def test_cancelled_deal_keeps_its_reason_and_leaves_the_path(listing, outsider, buyer, published_achievement):
    deal = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("90"))
    with pytest.raises(DomainError):
        services.cancel_deal(actor=outsider, deal_id=deal.pk, reason=" ")
    cancelled = services.cancel_deal(actor=outsider, deal_id=deal.pk, reason="价格未谈拢")
    assert (cancelled.status, cancelled.cancel_reason) == (DealStatus.CANCELLED, "价格未谈拢")
    assert list(selectors.deals_for_achievement(published_achievement.pk)) == []
    assert list(selectors.deals_for_achievement(published_achievement.pk, include_cancelled=True)) == [cancelled]
    with pytest.raises(DomainError) as exc:
        services.agree_deal(actor=outsider, deal_id=deal.pk)
    assert exc.value.error in (Errors.INVALID_TRANSITION, Errors.NOT_FOUND)


def test_seller_cannot_buy_its_own_listing(listing, applicant_member, seller):
    with pytest.raises(DomainError) as exc:
        services.open_deal(actor=applicant_member, listing_id=listing.pk, buyer_id=seller.pk, amount=Decimal("1"))
    assert exc.value.error == MarketErrors.OWN_LISTING
    assert Deal.objects.count() == 0


def test_deal_page_permissions(client, listing, outsider, buyer, applicant_member, ganzhou_reviewer, county_reviewer):
    deal = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("90"))
    url = reverse("market:deal", args=[deal.pk])
    for user, status in ((outsider, 200), (applicant_member, 200), (county_reviewer, 200), (ganzhou_reviewer, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(applicant_member)
    client.post(reverse("market:deal_action", args=[deal.pk, "agree"]))
    deal.refresh_from_db()
    assert deal.status == DealStatus.AGREED


# --- auctions -------------------------------------------------------------------------------


def test_first_bid_must_reach_the_reserve_then_the_increment(session, outsider, buyer, second_bidder):
    user2, org2 = second_bidder
    with pytest.raises(DomainError) as exc:
        bid(outsider, buyer, "99.99", T0 + minutes(1), session.pk)
    assert exc.value.error == MarketErrors.BID_TOO_LOW and exc.value.details["minimum"] == "100.00"
    bid(outsider, buyer, "100.00", T0 + minutes(1), session.pk)
    with pytest.raises(DomainError) as exc:
        bid(user2, org2, "104.99", T0 + minutes(2), session.pk)
    assert exc.value.details["minimum"] == "105.00"
    second = bid(user2, org2, "105.00", T0 + minutes(2), session.pk)
    session.refresh_from_db()
    assert (session.best_amount, session.best_bid_id, session.bid_count) == (Decimal("105.00"), second.pk, 2)
    assert [b.sequence for b in Bid.objects.filter(session=session)] == [2, 1]


def test_bids_outside_the_time_are_refused(session, outsider, buyer):
    for at in (T0 - minutes(1), END, END + minutes(1)):
        with pytest.raises(DomainError) as exc:
            bid(outsider, buyer, "100", at, session.pk)
        assert exc.value.error == MarketErrors.AUCTION_NOT_OPEN
    assert Bid.objects.count() == 0


def test_anti_sniping_extension(session, outsider, buyer, second_bidder):
    user2, org2 = second_bidder
    bid(outsider, buyer, "100", END - minutes(10), session.pk)  # before the window: no change
    session.refresh_from_db()
    assert session.ends_at == END
    bid(user2, org2, "105", END - minutes(2), session.pk)  # inside the last 5 minutes
    session.refresh_from_db()
    assert session.ends_at == END + minutes(3)  # 5 minutes after the bid
    assert session.scheduled_end == END
    # The original end has passed but the session is still open; a later bid extends again.
    bid(outsider, buyer, "110", END + minutes(1), session.pk)
    session.refresh_from_db()
    assert session.ends_at == END + minutes(6)
    event = AuditEvent.objects.filter(action="auctionsession.bid").order_by("-pk").first()
    assert event is not None and event.changes["extended"] is True


def test_deposit_must_be_paid(session, applicant_member, buyer, outsider):
    services.record_deposit(actor=applicant_member, session_id=session.pk, organisation_id=buyer.pk, status="refunded")
    with pytest.raises(DomainError) as exc:
        bid(outsider, buyer, "100", T0 + minutes(1), session.pk)
    assert exc.value.error == MarketErrors.DEPOSIT_NOT_PAID
    assert Bid.objects.count() == 0


def test_only_the_organiser_records_deposits(session, outsider, buyer):
    with pytest.raises(DomainError) as exc:
        services.record_deposit(actor=outsider, session_id=session.pk, organisation_id=buyer.pk, status="paid")
    assert exc.value.error == Errors.NOT_FOUND


def test_bidding_for_an_organisation_needs_membership(session, second_bidder, buyer):
    user2, _org2 = second_bidder
    with pytest.raises(DomainError) as exc:
        bid(user2, buyer, "100", T0 + minutes(1), session.pk)
    assert exc.value.error == Errors.NOT_FOUND


def test_winner_becomes_an_agreed_deal_at_close(session, outsider, buyer, second_bidder, published_achievement):
    user2, org2 = second_bidder
    bid(outsider, buyer, "100", T0 + minutes(1), session.pk)
    bid(user2, org2, "120", T0 + minutes(2), session.pk)
    with pytest.raises(DomainError) as exc:
        services.close_auction(session_id=session.pk, now=END - minutes(1))
    assert exc.value.error == MarketErrors.AUCTION_NOT_ENDED
    closed = services.close_auction(session_id=session.pk, now=END)
    deal = Deal.objects.get()
    assert (closed.status, closed.deal_id) == (AuctionStatus.CLOSED, deal.pk)
    assert (deal.buyer_id, deal.amount, deal.status, deal.source) == (
        org2.pk, Decimal("120.00"), DealStatus.AGREED, DealSource.AUCTION,
    )  # fmt: skip
    assert list(selectors.deals_for_achievement(published_achievement.pk)) == [deal]
    with pytest.raises(DomainError):
        services.close_auction(session_id=session.pk, now=END)  # closing twice creates no second deal
    assert Deal.objects.count() == 1


def test_session_without_bids_fails(session):
    closed = services.close_auction(session_id=session.pk, now=END)
    assert (closed.status, closed.deal_id) == (AuctionStatus.FAILED, None)
    assert Deal.objects.count() == 0


def test_periodic_maintenance_closes_sessions_past_their_end(session, outsider, buyer):
    bid(outsider, buyer, "100", T0 + minutes(1), session.pk)
    AuctionSession.objects.filter(pk=session.pk).update(ends_at=timezone.now() - minutes(1))
    ran = run_due()
    assert "market.close_auctions" in ran
    session.refresh_from_db()
    assert session.status == AuctionStatus.CLOSED
    assert Deal.objects.get().amount == Decimal("100.00")


def test_one_scheduled_session_per_listing(session, listing, applicant_member):
    with pytest.raises(DomainError) as exc:
        services.create_auction(
            actor=applicant_member,
            listing_id=listing.pk,
            data=AuctionInput(Decimal("1"), Decimal("1"), T0, END),
        )
    assert exc.value.error == MarketErrors.AUCTION_RUNNING


def test_bid_page_shows_refusal(client, session, outsider, buyer):
    AuctionSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - minutes(5), ends_at=timezone.now() + minutes(60)
    )
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    response = client.post(
        reverse("market:bid", args=[session.pk]), {"organisation": buyer.pk, "amount": "50"}, follow=True
    )
    assert "below the minimum" in response.content.decode()
    client.post(reverse("market:bid", args=[session.pk]), {"organisation": buyer.pk, "amount": "100"})
    session.refresh_from_db()
    assert session.best_amount == Decimal("100.00")
    assert session.deposits.get(organisation=buyer).status == DepositStatus.PAID


@pytest.mark.parametrize("mode", [ListingMode.ASSIGNMENT, ListingMode.EXCLUSIVE_LICENCE, ListingMode.SOLE_LICENCE])
def test_a_listing_for_one_buyer_with_an_agreed_deal_cannot_be_sold_again(
    mode, listing, buyer, outsider, applicant_member
):
    """A QA pass sold an assigned patent twice (by negotiation, then by auction), and a sole licence
    (排他许可: one licensee, the licensor keeps its own use) to several buyers."""
    listing.mode = mode
    listing.save(update_fields=["mode"])
    first = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("120"))
    second = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("130"))
    services.agree_deal(actor=applicant_member, deal_id=first.pk)
    for attempt in (
        lambda: services.agree_deal(actor=applicant_member, deal_id=second.pk),
        lambda: services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("140")),
        lambda: services.create_auction(
            actor=applicant_member, listing_id=listing.pk,
            data=AuctionInput(Decimal("100"), Decimal("5"), T0, END, extension_window_minutes=5, extension_minutes=5),
        ),
    ):  # fmt: skip
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.code == "listing_sold"
    with translation.override("en"):
        assert str(MarketErrors.SOLD.message) == (
            "This listing is an assignment, an exclusive licence or a sole licence and already has an agreed "
            "deal: it cannot be sold again."
        )
    assert sorted(Deal.objects.filter(listing=listing).values_list("pk", "status")) == [
        (first.pk, DealStatus.AGREED), (second.pk, DealStatus.NEGOTIATING),
    ]  # fmt: skip
    assert not AuctionSession.objects.filter(listing=listing).exists()


def test_a_non_exclusive_licence_is_sold_to_several_buyers(listing, buyer, outsider, applicant_member):
    assert listing.mode == ListingMode.NON_EXCLUSIVE_LICENCE
    first = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("120"))
    second = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("130"))
    services.agree_deal(actor=applicant_member, deal_id=first.pk)
    services.agree_deal(actor=applicant_member, deal_id=second.pk)
    assert Deal.objects.filter(listing=listing, status=DealStatus.AGREED).count() == 2


def test_a_sole_licence_agreed_by_negotiation_during_its_auction_leaves_the_auction_without_a_winner(
    session, listing, outsider, buyer, second_bidder, applicant_member
):
    listing.mode = ListingMode.SOLE_LICENCE
    listing.save(update_fields=["mode"])
    user2, org2 = second_bidder
    bid(user2, org2, "120", T0 + minutes(1), session.pk)
    with pytest.raises(DomainError) as exc:  # refused now while the auction is scheduled
        services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("110"))
    assert exc.value.code == "listing_under_auction"
    # Agreed before that refusal existed (data of earlier versions): the auction has no winner.
    negotiated = Deal.objects.create(
        listing=listing, buyer=buyer, amount=Decimal("110"), status=DealStatus.AGREED, created_by=outsider,
        source=DealSource.NEGOTIATION, agreed_at=T0 + minutes(2),
    )  # fmt: skip
    closed = services.close_auction(session_id=session.pk, now=END)
    assert (closed.status, closed.deal_id) == (AuctionStatus.FAILED, None)
    assert list(Deal.objects.values_list("pk", "status", "source")) == [
        (negotiated.pk, DealStatus.AGREED, DealSource.NEGOTIATION)
    ]


def test_a_deposit_cannot_be_refunded_while_its_bids_stand(session, second_bidder, applicant_member):
    """A QA pass refunded the leading bidder's deposit mid-auction; the bid still won the deal."""
    user, org = second_bidder
    bid(user, org, "100", T0, session.pk)
    with pytest.raises(DomainError) as exc:
        services.record_deposit(
            actor=applicant_member, session_id=session.pk, organisation_id=org.pk, status="refunded"
        )
    assert exc.value.code == "deposit_held"
    services.close_auction(session_id=session.pk, now=END)
    refunded = services.record_deposit(
        actor=applicant_member, session_id=session.pk, organisation_id=org.pk, status="refunded"
    )
    assert refunded.status == "refunded"


def test_the_auction_form_refuses_an_end_in_the_past():
    from techtransfer.market.forms import AuctionForm

    past = timezone.localtime() - datetime.timedelta(days=2)
    form = AuctionForm(
        {
            "reserve_price": "10", "min_increment": "1", "extension_window_minutes": "5", "extension_minutes": "5",
            "starts_at": (past - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": past.strftime("%Y-%m-%dT%H:%M"),
        }
    )  # fmt: skip
    with translation.override("en"):  # it read the English a page asked for earlier had left active
        assert not form.is_valid()
        assert form.errors["ends_at"] == ["The auction must end in the future."]


def test_a_scheduled_auction_says_what_it_is_doing_now(session):
    """Its status, "scheduled", read 待开始 (not started) while bidding was open."""
    from unittest import mock

    from django.utils import translation

    with translation.override("zh-hans"):
        phases = []
        for at in (T0 - minutes(1), T0 + minutes(1), END + minutes(1)):
            with mock.patch("django.utils.timezone.now", return_value=at):
                phases.append(session.phase_label)
        assert phases == ["待开始", "竞价中", "已结束，待结算"]
        services.close_auction(session_id=session.pk, now=END)
        session.refresh_from_db()
        assert session.phase_label == str(session.get_status_display())


def test_a_refused_bid_comes_back_with_the_amount_typed(client, listing, buyer, outsider, applicant_member):
    now = timezone.now()
    s = services.create_auction(
        actor=applicant_member, listing_id=listing.pk,
        data=AuctionInput(Decimal("100.00"), Decimal("5.00"), now - minutes(1), now + minutes(60)),
    )  # fmt: skip
    services.record_deposit(actor=applicant_member, session_id=s.pk, organisation_id=buyer.pk, status="paid")
    client.force_login(outsider)
    refused = client.post(f"/market/auctions/{s.pk}/bid/", {"organisation": buyer.pk, "amount": "99.50"})
    assert (
        refused.status_code == 302
        and refused["Location"] == f"/market/auctions/{s.pk}/?amount=99.50&organisation={buyer.pk}"
    )
    page = client.get(refused["Location"]).content.decode()
    assert 'name="amount" value="99.50"' in page
    assert not Bid.objects.exists()
    accepted = client.post(f"/market/auctions/{s.pk}/bid/", {"organisation": buyer.pk, "amount": "100"})
    assert accepted["Location"] == f"/market/auctions/{s.pk}/"


# --- the leading organisation does not bid against itself -----------------------------------


def test_the_leading_organisation_cannot_outbid_itself(session, outsider, buyer, second_bidder):
    """A QA pass saw the leader raise its own price, each bid extending the auction."""
    user2, org2 = second_bidder
    colleague = UserFactory(username="buyer_colleague")
    MembershipFactory(user=colleague, organisation=buyer)
    first = bid(outsider, buyer, "100", END - minutes(2), session.pk)  # inside the window: end moves to END+3
    for who in (outsider, colleague):  # the organisation leads, whoever of its people bids
        with pytest.raises(DomainError) as exc:
            bid(who, buyer, "150", END + minutes(1), session.pk)
        assert exc.value.error == MarketErrors.ALREADY_LEADING
        assert exc.value.details == {"field": "organisation"}
        with translation.override("en"):
            assert str(exc.value.error.message) == (
                "Your organisation's bid already leads this auction: it cannot bid against itself."
            )
    session.refresh_from_db()
    assert (session.best_amount, session.best_bid_id, session.bid_count, session.ends_at) == (
        Decimal("100.00"), first.pk, 1, END + minutes(3),
    )  # fmt: skip
    assert Bid.objects.count() == 1
    assert AuditEvent.objects.filter(action="auctionsession.bid").count() == 1
    # Once another organisation leads, the first may bid again.
    bid(user2, org2, "105", END + minutes(1), session.pk)
    again = bid(colleague, buyer, "110", END + minutes(2), session.pk)
    session.refresh_from_db()
    assert (session.best_bid_id, session.bid_count) == (again.pk, 3)


def test_a_refused_bid_against_oneself_comes_back_with_the_fields_typed(
    client, listing, buyer, outsider, applicant_member
):
    now = timezone.now()
    s = services.create_auction(
        actor=applicant_member, listing_id=listing.pk,
        data=AuctionInput(Decimal("100.00"), Decimal("5.00"), now - minutes(1), now + minutes(60)),
    )  # fmt: skip
    services.record_deposit(actor=applicant_member, session_id=s.pk, organisation_id=buyer.pk, status="paid")
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    client.post(f"/market/auctions/{s.pk}/bid/", {"organisation": buyer.pk, "amount": "100"})
    refused = client.post(f"/market/auctions/{s.pk}/bid/", {"organisation": buyer.pk, "amount": "120.00"})
    assert refused["Location"] == f"/market/auctions/{s.pk}/?amount=120.00&organisation={buyer.pk}"
    page = client.get(refused["Location"]).content.decode()
    assert "Your organisation&#x27;s bid already leads this auction: it cannot bid against itself." in page
    assert 'name="amount" value="120.00"' in page
    assert f'<option value="{buyer.pk}" selected>' in page
    assert list(Bid.objects.values_list("amount", flat=True)) == [Decimal("100.00")]
