"""The achievement → listing → deal path: selectors for other apps, the include template, the API."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market import selectors, services
from techtransfer.market.choices import ListingStatus
from techtransfer.market.services import AuctionInput
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_listings_for_achievement_respects_visibility(
    listing, published_achievement, seller, applicant_member, outsider
):
    draft = ListingFactory(
        organisation=seller, created_by=applicant_member, achievement=published_achievement, status=ListingStatus.DRAFT
    )
    assert list(selectors.listings_for_achievement(published_achievement.pk)) == [listing]
    assert set(selectors.listings_for_achievement(published_achievement.pk, user=applicant_member)) == {listing, draft}
    assert list(selectors.listings_for_achievement(published_achievement.pk, user=outsider)) == [listing]


def test_include_template_lists_listing_and_deal(listing, published_achievement, outsider, buyer):
    services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal("88.00"))
    html = render_to_string(
        "market/_achievement_market.html",
        {
            "market_listings": selectors.listings_for_achievement(published_achievement.pk),
            "market_deals": selectors.deals_for_achievement(published_achievement.pk),
        },
    )
    assert f"/market/listings/{listing.pk}/" in html and "88.00" in html and buyer.name in html


def test_api_deal_and_bid(client, listing, outsider, buyer, applicant_member):
    client.force_login(outsider)
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/deals",
        {"buyer_id": buyer.pk, "amount": "95.5"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "negotiating"
    now = timezone.now()
    session = services.create_auction(
        actor=applicant_member,
        listing_id=listing.pk,
        data=AuctionInput(
            Decimal("100"), Decimal("10"), now - datetime.timedelta(minutes=1), now + datetime.timedelta(hours=1)
        ),
    )
    bid_url = f"/api/v1/market/auctions/{session.pk}/bids"
    response = client.post(bid_url, {"organisation_id": buyer.pk, "amount": "100"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "deposit_not_paid"
    services.record_deposit(actor=applicant_member, session_id=session.pk, organisation_id=buyer.pk, status="paid")
    response = client.post(bid_url, {"organisation_id": buyer.pk, "amount": "100"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["sequence"] == 1
    # The leading organisation may not bid against itself, whatever the amount.
    response = client.post(bid_url, {"organisation_id": buyer.pk, "amount": "110"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "bid_already_leading"
    rival_org = OrganisationFactory(name="赣江测试公司", region_id="360102")
    rival = UserFactory(username="rival")
    MembershipFactory(user=rival, organisation=rival_org)
    services.record_deposit(actor=applicant_member, session_id=session.pk, organisation_id=rival_org.pk, status="paid")
    client.force_login(rival)
    response = client.post(bid_url, {"organisation_id": rival_org.pk, "amount": "105"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["details"]["minimum"] == "110.00"
    assert client.get(f"/api/v1/market/auctions/{session.pk}").json()["best_amount"] == "100.00"


def test_api_listing_create_and_submit(client, seller, applicant_admin, published_achievement, county_reviewer):
    client.force_login(applicant_admin)
    today = timezone.localdate()
    response = client.post(
        "/api/v1/market/listings",
        {
            "organisation_id": seller.pk,
            "achievement_id": published_achievement.pk,
            "mode": "equity",
            "listed_from": today.isoformat(),
            "listed_until": (today + datetime.timedelta(days=10)).isoformat(),
            "price_min": "300",
            "price_max": "200",
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "listing_price_range"
    assert response.json()["details"] == {"fields": {"price_max": [response.json()["message"]]}}
    response = client.post(
        "/api/v1/market/listings",
        {
            "organisation_id": seller.pk,
            "achievement_id": published_achievement.pk,
            "mode": "equity",
            "listed_from": today.isoformat(),
            "listed_until": (today + datetime.timedelta(days=10)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.post(f"/api/v1/market/listings/{pk}/do/submit", {}, content_type="application/json")
    assert response.json()["status"] == "submitted"
    client.force_login(county_reviewer)
    url = f"/api/v1/market/listings/{pk}/do/reject"
    assert client.post(url, {}, content_type="application/json").status_code == 422  # a reason is required
    response = client.post(url, {"comment": "材料不全"}, content_type="application/json")
    assert response.status_code == 409  # reject only from under review


def test_achievement_page_shows_the_market_panel(client):
    from techtransfer.achievements.tests.factories_catalogue import PublishedAchievementFactory

    a = PublishedAchievementFactory(name="面板测试成果")
    html = client.get(f"/achievements/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="achievement-market"' in html
    assert "Not listed." in html
