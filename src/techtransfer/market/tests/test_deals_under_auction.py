"""No negotiated deal on a listing while an auction on it is scheduled or running (a QA pass agreed
one below the reserve and the auction kept bidding on a sold listing, its forms unusable)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.market import services
from techtransfer.market.choices import AuctionStatus, DealStatus, ListingMode
from techtransfer.market.models import AuctionSession, Deal
from techtransfer.market.services import AuctionInput

pytestmark = pytest.mark.django_db

UNDER_AUCTION = (
    "An auction on this listing is scheduled or running: no negotiated deal can be opened or agreed "
    "on it until the auction is closed."
)
SOLD_MEANWHILE = (
    "This listing was sold by a negotiated deal while the auction was scheduled: the auction takes "
    "no bids and closes without a winner."
)


def _schedule(listing, actor) -> AuctionSession:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return services.create_auction(
        actor=actor, listing_id=listing.pk,
        data=AuctionInput(Decimal("100.00"), Decimal("5.00"), now - datetime.timedelta(minutes=5),
                          now + datetime.timedelta(hours=2)),
    )  # fmt: skip


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def test_a_deal_cannot_be_opened_while_an_auction_is_scheduled(listing, applicant_member, outsider, buyer):
    _schedule(listing, applicant_member)
    with pytest.raises(DomainError) as exc:
        services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("50"))
    assert (exc.value.code, exc.value.http_status) == ("listing_under_auction", 409)
    assert not Deal.objects.exists()
    page = _client(outsider).get(reverse("market:detail", args=[listing.pk])).content.decode()
    assert 'id="deal-form"' not in page
    assert f'<p class="text-muted small" id="deal-under-auction">{UNDER_AUCTION}</p>' in page


def test_a_negotiating_deal_cannot_be_agreed_while_an_auction_is_scheduled(listing, applicant_member, outsider, buyer):  # type: ignore[no-untyped-def]
    deal = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("50"))
    session = _schedule(listing, applicant_member)
    with pytest.raises(DomainError) as exc:
        services.agree_deal(actor=applicant_member, deal_id=deal.pk)
    assert (exc.value.code, exc.value.http_status) == ("listing_under_auction", 409)
    deal.refresh_from_db()
    assert (deal.status, deal.agreed_at) == (DealStatus.NEGOTIATING, None)
    assert not AuditEvent.objects.filter(action="deal.agree").exists()
    c = _client(applicant_member)
    page = c.get(reverse("market:deal", args=[deal.pk])).content.decode()
    assert 'id="agree-button"' not in page
    assert f'<p class="alert alert-warning" id="agree-blocked">{UNDER_AUCTION}</p>' in page
    refused = c.post(reverse("market:deal_action", args=[deal.pk, "agree"]), follow=True).content.decode()
    assert UNDER_AUCTION in refused
    # Once the auction is closed (here without bids), the deal may be agreed.
    with pytest.raises(DomainError):
        services.close_auction(session_id=session.pk, actor=applicant_member)
    AuctionSession.objects.filter(pk=session.pk).update(status=AuctionStatus.FAILED)
    assert services.agree_deal(actor=applicant_member, deal_id=deal.pk).status == DealStatus.AGREED


def test_an_auction_on_a_listing_sold_meanwhile_takes_no_bids_and_may_be_closed(
    listing, applicant_member, outsider, buyer
):  # type: ignore[no-untyped-def]
    """Data from before the refusal: an exclusive listing agreed by negotiation during its auction."""
    listing.mode = ListingMode.ASSIGNMENT
    listing.save(update_fields=["mode"])
    session = _schedule(listing, applicant_member)
    services.record_deposit(actor=applicant_member, session_id=session.pk, organisation_id=buyer.pk, status="paid")
    Deal.objects.create(listing=listing, buyer=buyer, amount=50, status=DealStatus.AGREED, created_by=outsider)
    with pytest.raises(DomainError) as exc:
        services.place_bid(actor=outsider, session_id=session.pk, organisation_id=buyer.pk, amount=Decimal("120"))
    assert (exc.value.code, exc.value.http_status) == ("auction_listing_sold", 409)
    assert session.bids.count() == 0
    page = _client(outsider).get(reverse("market:auction", args=[session.pk])).content.decode()
    assert '<span class="badge text-bg-secondary" id="auction-phase">Listing sold</span>' in page
    assert f'<p class="alert alert-warning" id="auction-listing-sold">{SOLD_MEANWHILE}</p>' in page
    assert 'id="bid-form"' not in page and 'id="next-bid"' not in page
    organiser_page = _client(applicant_member).get(reverse("market:auction", args=[session.pk])).content.decode()
    assert 'id="deposit-form"' not in organiser_page and reverse("market:auction_close", args=[session.pk]) in (
        organiser_page
    )
    closed = services.close_auction(session_id=session.pk, actor=applicant_member)
    assert (closed.status, closed.deal_id) == (AuctionStatus.FAILED, None)
