"""What the listing and auction pages say and offer: a sold listing, a refused interest kept as
typed, the deposit a bidder needs, amounts with their unit and times to the minute."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market import services
from techtransfer.market.choices import ListingMode
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import Deal, Interest
from techtransfer.market.services import AuctionInput

pytestmark = pytest.mark.django_db

SOLD = "Sold: this listing already has an agreed deal and is no longer offered to other buyers."


def _agree(listing, buyer, outsider, applicant_member) -> Deal:  # type: ignore[no-untyped-def]
    deal = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("120"))
    return services.agree_deal(actor=applicant_member, deal_id=deal.pk)


# --- a listing for one buyer with an agreed deal is shown sold ---------------------------------


@pytest.mark.parametrize("mode", [ListingMode.ASSIGNMENT, ListingMode.EXCLUSIVE_LICENCE, ListingMode.SOLE_LICENCE])
def test_a_sold_listing_says_so_and_offers_no_sale(client, mode, listing, buyer, outsider, applicant_member):
    """It read "no deal yet" to others, with the interest and deal forms that then refused."""
    listing.mode = mode
    listing.save(update_fields=["mode"])
    _agree(listing, buyer, outsider, applicant_member)
    org = OrganisationFactory(name="第三方测试公司", region_id="360102")
    other_buyer = UserFactory(username="third_buyer")
    MembershipFactory(user=other_buyer, organisation=org)
    client.force_login(other_buyer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    page = client.get(f"/market/listings/{listing.pk}/").content.decode()
    assert f'<p class="alert alert-info" id="listing-sold">{SOLD}</p>' in page
    assert "no deal yet" not in page and ">sold</li>" in page  # the deal is not theirs to see
    assert 'id="interest-form"' not in page and 'id="deal-form"' not in page
    # The seller reads it too, and is not offered an auction.
    client.force_login(applicant_member)
    page = client.get(f"/market/listings/{listing.pk}/").content.decode()
    assert SOLD in page and f"/market/listings/{listing.pk}/auctions/new/" not in page
    # The services still refuse a sale sent anyway.
    client.force_login(other_buyer)
    client.post(f"/market/listings/{listing.pk}/deals/new/", {"organisation": org.pk, "amount": "130"})
    assert Deal.objects.filter(listing=listing).count() == 1


@pytest.mark.parametrize("mode", [ListingMode.ASSIGNMENT, ListingMode.EXCLUSIVE_LICENCE, ListingMode.SOLE_LICENCE])
def test_an_interest_posted_to_a_sold_listing_is_refused(client, mode, listing, buyer, outsider, applicant_member):
    """Its page offers no interest form, but a POST sent anyway read "卖方可以看到您的意向。" and was kept."""
    listing.mode = mode
    listing.save(update_fields=["mode"])
    _agree(listing, buyer, outsider, applicant_member)
    org = OrganisationFactory(name="第三方测试公司", region_id="360102", status=OrganisationStatus.VERIFIED)
    other_buyer = UserFactory(username="third_buyer")
    MembershipFactory(user=other_buyer, organisation=org)
    client.force_login(other_buyer)
    response = client.post(
        f"/market/listings/{listing.pk}/interest/", {"organisation": org.pk, "message": "希望洽谈"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="alert alert-danger" role="alert">该挂牌项目为转让、独占许可或排他许可，已有达成的交易，不能再次出售。</div>'
        in page
    )
    assert "卖方可以看到您的意向。" not in page and 'id="interest-form"' not in page
    assert not Interest.objects.exists()
    with pytest.raises(DomainError) as exc:
        services.express_interest(actor=other_buyer, listing_id=listing.pk, organisation_id=org.pk)
    assert exc.value.error == MarketErrors.SOLD
    assert not Interest.objects.exists()


def test_an_interest_in_a_non_exclusive_licence_with_an_agreed_deal_is_still_recorded(
    listing, buyer, outsider, applicant_member
):
    _agree(listing, buyer, outsider, applicant_member)
    interest = services.express_interest(actor=outsider, listing_id=listing.pk, organisation_id=buyer.pk)
    assert list(Interest.objects.values_list("pk", "listing_id", "organisation_id")) == [
        (interest.pk, listing.pk, buyer.pk)
    ]


def test_a_listing_sold_under_a_non_exclusive_licence_stays_on_offer(
    client, listing, buyer, outsider, applicant_member
):
    _agree(listing, buyer, outsider, applicant_member)
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/market/listings/{listing.pk}/").content.decode()
    assert SOLD not in page and 'id="listing-sold"' not in page
    assert 'id="interest-form"' in page and 'id="deal-form"' in page


def test_an_unsold_listing_still_reads_no_deal_yet(client, listing, outsider):
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/market/listings/{listing.pk}/").content.decode()
    assert "no deal yet" in page and 'id="listing-sold"' not in page and 'id="interest-form"' in page


# --- an interest message over the limit -------------------------------------------------------


def test_an_interest_message_over_the_limit_is_refused_for_its_length_and_kept(client, listing, buyer, outsider):
    """It came back as "请选择您所在的机构。" (choose your organisation), the message lost."""
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    typed = "希望洽谈" * 500 + "。"  # 2,001 characters
    response = client.post(f"/market/listings/{listing.pk}/interest/", {"organisation": buyer.pk, "message": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Message: Ensure this value has at most 2000 characters (it has 2001)." in page
    assert "Choose one of your organisations." not in page
    assert f'id="id_message">\n{typed}</textarea>' in page
    assert f'<option value="{buyer.pk}" selected>' in page
    assert not Interest.objects.exists()
    response = client.post(
        f"/market/listings/{listing.pk}/interest/", {"organisation": buyer.pk, "message": typed[:-1]}
    )
    assert response.status_code == 302 and response["Location"] == f"/market/listings/{listing.pk}/"
    assert Interest.objects.get().message == typed[:-1]


def test_an_interest_without_an_organisation_says_to_choose_one(client, listing, outsider):
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.post(f"/market/listings/{listing.pk}/interest/", {"organisation": "", "message": "希望洽谈"})
    page = response.content.decode()
    assert response.status_code == 200 and "代表机构：此项为必填项。" in page
    assert 'id="id_message">\n希望洽谈</textarea>' in page and not Interest.objects.exists()


# --- the auction page ---------------------------------------------------------------------------


@pytest.fixture
def open_auction(listing, applicant_member):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return services.create_auction(
        actor=applicant_member, listing_id=listing.pk,
        data=AuctionInput(Decimal("92.00"), Decimal("5.00"), now - datetime.timedelta(minutes=1),
                          now + datetime.timedelta(hours=1)),
    )  # fmt: skip


DEPOSIT = "Before your organisation can bid, the organiser must record its deposit as paid."


def test_a_bidder_without_a_paid_deposit_is_told_what_it_needs_above_the_bid_form(
    client, open_auction, listing, buyer, outsider, applicant_member
):
    """It saw the form and learnt of the deposit only from the refusal."""
    url = f"/market/auctions/{open_auction.pk}/"
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    page = client.get(url).content.decode()
    interest = (
        "It can record one only for an organisation that has expressed interest in this listing: "
        f'<a href="/market/listings/{listing.pk}/#interest-form">express interest</a> first.'
    )
    assert DEPOSIT in page and interest in page
    assert page.index('id="deposit-needed"') < page.index('id="bid-form"')
    # Interested: the organiser can record its deposit now; it is told to wait for that only.
    services.express_interest(actor=outsider, listing_id=listing.pk, organisation_id=buyer.pk)
    page = client.get(url).content.decode()
    assert DEPOSIT in page and interest not in page
    services.record_deposit(
        actor=applicant_member, session_id=open_auction.pk, organisation_id=buyer.pk, status="pending"
    )
    assert DEPOSIT in client.get(url).content.decode()
    # Paid: nothing to say.
    services.record_deposit(actor=applicant_member, session_id=open_auction.pk, organisation_id=buyer.pk, status="paid")
    page = client.get(url).content.decode()
    assert DEPOSIT not in page and 'id="deposit-needed"' not in page and 'id="bid-form"' in page


def test_the_auction_page_gives_amounts_with_their_unit_and_times_to_the_minute(client, open_auction, outsider):
    """It read "Reserve price 92.00 10,000 yuan" and "2026-12-07 08:08 – 2026-12-14 09:08:48"."""
    tz = timezone.get_current_timezone()
    starts = datetime.datetime(2099, 12, 7, 8, 8, 12, tzinfo=tz)
    ends = datetime.datetime(2099, 12, 14, 9, 8, 48, tzinfo=tz)
    type(open_auction).objects.filter(pk=open_auction.pk).update(starts_at=starts, ends_at=ends, scheduled_end=ends)
    client.force_login(outsider)
    en = client.get(f"/market/auctions/{open_auction.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd class="col-sm-9" id="reserve-price">92.00 (10,000 yuan)</dd>' in en
    assert '<dd class="col-sm-9" id="min-increment">5.00 (10,000 yuan)</dd>' in en
    assert (
        '<dd class="col-sm-9" id="auction-time">2099-12-07 08:08 – <span id="auction-end">2099-12-14 09:08</span></dd>'
        in en
    )
    zh = client.get(f"/market/auctions/{open_auction.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<dd class="col-sm-9" id="reserve-price">92.00 (万元)</dd>' in zh


def test_the_best_bid_and_the_next_one_carry_the_unit(client, open_auction, buyer, outsider, applicant_member):
    services.record_deposit(actor=applicant_member, session_id=open_auction.pk, organisation_id=buyer.pk, status="paid")
    services.place_bid(actor=outsider, session_id=open_auction.pk, organisation_id=buyer.pk, amount=Decimal("92"))
    client.force_login(outsider)
    en = client.get(f"/market/auctions/{open_auction.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd class="col-sm-9" id="best-bid">92.00 (10,000 yuan)</dd>' in en
    assert '<dd class="col-sm-9" id="next-bid">97.00 (10,000 yuan)</dd>' in en


# --- the listing's price line --------------------------------------------------------------------


def test_the_listing_price_gives_its_unit_as_the_auction_page_does(client, listing):
    """It read "100.00–150.00 10,000 yuan" in English; the auction page reads "92.00 (10,000 yuan)"."""
    url = f"/market/listings/{listing.pk}/"
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd class="col-sm-9">100.00–150.00 (10,000 yuan), negotiable</dd>' in en
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<dd class="col-sm-9">100.00–150.00 (万元)，可议价</dd>' in zh
    # The same line in the market list.
    assert (
        "100.00–150.00 (10,000 yuan), negotiable" in client.get("/market/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.mark.parametrize(
    ("price_min", "price_max", "negotiable", "en", "zh"),
    [
        (Decimal("100.00"), Decimal("150.00"), False, "100.00–150.00 (10,000 yuan)", "100.00–150.00 (万元)"),
        (Decimal("80.00"), None, True, "80.00 (10,000 yuan), negotiable", "80.00 (万元)，可议价"),
        (None, None, False, "Price on request", "价格面议"),
    ],
)
def test_the_price_line_in_both_languages(price_min, price_max, negotiable, en, zh):
    from django.template.loader import render_to_string
    from django.utils import translation

    from techtransfer.market.models import Listing

    listing = Listing(price_min=price_min, price_max=price_max, price_negotiable=negotiable)
    for language, expected in (("en", en), ("zh-hans", zh)):
        with translation.override(language):
            assert render_to_string("market/_price.html", {"listing": listing}).strip() == expected


def test_the_deal_amount_gives_its_unit_as_the_auction_page_does(client, listing, buyer, outsider, applicant_member):
    """It read "120.00 10,000 yuan" on the deal page and in the achievement page's market panel."""
    deal = _agree(listing, buyer, outsider, applicant_member)
    client.force_login(applicant_member)
    en = client.get(f"/market/deals/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd class="col-sm-9" id="deal-amount">120.00 (10,000 yuan)</dd>' in en
    en = client.get(f"/achievements/{listing.achievement_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<li>Deal: {buyer.name} · 120.00 (10,000 yuan) · Agreed</li>" in en
