"""A bid binds: one far above the next minimum ("155,5" typed into the number field reaches the server
as 1555) is placed only on a second click with the amount named; a refused form names the field and
what is wrong; the organiser is offered to close the auction only once it has ended."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from techtransfer.core.tests.factories import OrganisationFactory, member
from techtransfer.market import services
from techtransfer.market.models import AuctionSession, Bid
from techtransfer.market.services import AuctionInput

pytestmark = pytest.mark.django_db

CLOSE = "Close the auction</button>"


@pytest.fixture
def auction(listing, applicant_member, buyer):  # type: ignore[no-untyped-def]
    """Open for an hour; reserve 100, increment 5 (10,000 yuan); the buyer's deposit paid."""
    now = timezone.now()
    session = services.create_auction(
        actor=applicant_member, listing_id=listing.pk,
        data=AuctionInput(Decimal("100.00"), Decimal("5.00"), now - datetime.timedelta(minutes=1),
                          now + datetime.timedelta(hours=1)),
    )  # fmt: skip
    services.record_deposit(actor=applicant_member, session_id=session.pk, organisation_id=buyer.pk, status="paid")
    return session


@pytest.fixture
def bidder(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    return client


def _bid(client, auction, buyer, amount: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("market:bid", args=[auction.pk]), {"organisation": buyer.pk, "amount": amount, **extra})


def _said(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_bid_far_above_the_minimum_asks_for_a_second_click_and_places_nothing(bidder, auction, buyer):
    response = _bid(bidder, auction, buyer, "1555")
    page_url = reverse("market:auction", args=[auction.pk])
    assert (response.status_code, response["Location"]) == (
        302, f"{page_url}?amount=1555&organisation={buyer.pk}&confirm=1555",
    )  # fmt: skip
    assert _said(response) == [
        "You bid 1555 (10,000 yuan), far above the minimum of 100.00. Check the amount and press Bid again to "
        "confirm it."
    ]
    assert not Bid.objects.exists()
    page = bidder.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="confirm" value="1555">' in page
    assert 'name="amount" value="1555"' in page


@pytest.mark.parametrize("confirmed", ["1555", "1555.00", " 1555.0 "])
def test_the_same_amount_confirmed_is_placed(bidder, auction, buyer, confirmed):
    response = _bid(bidder, auction, buyer, "1555", confirm=confirmed)
    assert (response.status_code, response["Location"]) == (302, reverse("market:auction", args=[auction.pk]))
    assert _said(response) == ["Bid accepted."]
    assert list(Bid.objects.values_list("amount", "organisation_id")) == [(Decimal("1555.00"), buyer.pk)]


@pytest.mark.parametrize("confirmed", ["155.5", "abc", "sNaN"])
def test_another_amount_confirmed_asks_again(bidder, auction, buyer, confirmed):
    response = _bid(bidder, auction, buyer, "1555", confirm=confirmed)
    assert response["Location"].endswith("&confirm=1555")
    assert not Bid.objects.exists()


@pytest.mark.parametrize(("amount", "placed"), [("100", True), ("200", True), ("200.01", False)])
def test_a_bid_up_to_twice_the_minimum_is_placed_at_once(bidder, auction, buyer, amount, placed):
    """Far above: more than twice the minimum (200) and more than ten increments above it (150)."""
    response = _bid(bidder, auction, buyer, amount)
    assert _said(response)[0].startswith("Bid accepted." if placed else f"You bid {amount} (10,000 yuan)")
    assert Bid.objects.count() == (1 if placed else 0)


@pytest.fixture
def second_org(listing, applicant_member, auction):  # type: ignore[no-untyped-def]
    org = OrganisationFactory(name="赣江测试公司", region_id="360102")
    user = member("bidder2", org)
    services.record_deposit(actor=applicant_member, session_id=auction.pk, organisation_id=org.pk, status="paid")
    return user, org


def test_ten_increments_above_the_minimum_count_once_bids_are_high(bidder, auction, buyer, second_org):
    user, org = second_org
    services.place_bid(actor=user, session_id=auction.pk, organisation_id=org.pk, amount=Decimal("100"))
    auction.refresh_from_db()
    assert auction.minimum_next_bid() == Decimal("105.00")  # the threshold is max(210, 155) = 210
    assert _said(_bid(bidder, auction, buyer, "210"))[0] == "Bid accepted."
    assert Bid.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("155,5", "Bid (10,000 yuan): “155,5” is not a number."),
        ("100.555", "Bid (10,000 yuan): “100.555” has more than 2 decimal places."),
        ("", "Bid (10,000 yuan): This field is required."),
    ],
)
def test_a_refused_form_names_the_field_and_what_is_wrong(bidder, auction, buyer, amount, said):
    response = _bid(bidder, auction, buyer, amount)
    assert _said(response) == [said]
    assert not Bid.objects.exists()


def test_a_bid_for_an_organisation_not_ones_own_is_refused_quoting_it(bidder, auction, buyer):
    response = bidder.post(reverse("market:bid", args=[auction.pk]), {"organisation": "999999", "amount": "x"})
    assert _said(response) == ["Bid (10,000 yuan): “x” is not a number. Bidder: “999999” is not one of the choices."]
    assert not Bid.objects.exists()


def test_the_close_button_waits_for_the_end(client, auction, applicant_member):
    client.force_login(applicant_member)
    url = reverse("market:auction", args=[auction.pk])
    assert CLOSE not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    now = timezone.now()
    AuctionSession.objects.filter(pk=auction.pk).update(
        starts_at=now - datetime.timedelta(hours=2), ends_at=now - datetime.timedelta(minutes=1)
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<form method="post" action="{reverse("market:auction_close", args=[auction.pk])}">' in page
    assert CLOSE in page


def test_after_the_end_no_next_bid_nor_form_is_offered(bidder, auction):
    url = reverse("market:auction", args=[auction.pk])
    page = bidder.get(url).content.decode()
    assert 'id="next-bid">100.00 (10,000 yuan)</dd>' in page and 'id="bid-form"' in page
    now = timezone.now()
    AuctionSession.objects.filter(pk=auction.pk).update(
        starts_at=now - datetime.timedelta(hours=2), ends_at=now - datetime.timedelta(seconds=5)
    )
    page = bidder.get(url).content.decode()
    assert 'id="auction-phase">Ended, closing</span>' in page
    assert 'id="next-bid"' not in page and 'id="bid-form"' not in page


def test_an_extended_end_is_shown_to_the_second(bidder, auction):
    end = timezone.localtime(auction.ends_at + datetime.timedelta(minutes=3, seconds=17))
    AuctionSession.objects.filter(pk=auction.pk).update(ends_at=end)
    page = bidder.get(reverse("market:auction", args=[auction.pk])).content.decode()
    assert f'<span id="auction-end">{end:%Y-%m-%d %H:%M:%S}</span> (extended)' in page
