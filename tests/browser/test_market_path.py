"""From a listing to a deal in a browser: the seller lists a published achievement and submits it,
the county reviewer publishes it, a buyer finds it on the market page and proposes a deal, the
seller agrees. (Contract registration continues from the deal in the contracts app.)"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market.choices import DealStatus, ListingStatus
from techtransfer.market.models import Deal, Listing
from tests.browser.test_achievement_path import login, new_page

ACHIEVEMENT = "一种稀土永磁电机的高效控制方法"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_listing_to_deal(live_server, chromium_browser: Browser, regions, screenshot_dir) -> None:
    base = live_server.url
    county = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局")
    reviewer = UserFactory(username="market_reviewer")
    MembershipFactory(user=reviewer, organisation=county, role=Role.GOV_REVIEWER)
    seller_org = OrganisationFactory(name="南昌县浏览器电机公司", region_id="360121")
    seller = UserFactory(username="market_seller")
    MembershipFactory(user=seller, organisation=seller_org, role=Role.ORG_ADMIN)
    buyer_org = OrganisationFactory(name="东湖区浏览器买方公司", region_id="360102")
    buyer = UserFactory(username="market_buyer")
    MembershipFactory(user=buyer, organisation=buyer_org, role=Role.ORG_ADMIN)
    achievement = AchievementFactory(
        organisation=seller_org, created_by=seller, name=ACHIEVEMENT, status=AchievementStatus.PUBLISHED,
        registration_number="360202610007", plan_industry="new_materials", published_at=timezone.now(),
    )  # fmt: skip
    today = timezone.localdate()

    # 1. The seller lists the published achievement and submits the listing.
    page = new_page(chromium_browser)
    login(page, base, seller.username, PASSWORD)
    page.goto(f"{base}/market/listings/new/?achievement={achievement.pk}")
    page.select_option("#id_mode", "exclusive_licence")
    page.fill("#id_price_min", "120")
    page.fill("#id_price_max", "180")
    page.fill("#id_listed_from", today.isoformat())
    page.fill("#id_listed_until", (today + datetime.timedelta(days=90)).isoformat())
    page.click("#market-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(ACHIEVEMENT)
    listing = Listing.objects.get()
    page.click("#listing-actions button[value=submit]")
    expect(page.locator("#listing-status")).not_to_have_text("草稿")
    assert Listing.objects.get().status == ListingStatus.SUBMITTED

    # 2. The county reviewer starts the review and publishes.
    review = new_page(chromium_browser)
    login(review, base, reviewer.username, PASSWORD)
    review.goto(f"{base}/market/review/")
    review.click(f"a[href='/market/listings/{listing.pk}/']")
    review.click("#listing-actions button[value=start_review]")
    review.click("#listing-actions button[value=publish]")
    expect(review.locator("#listing-actions")).to_have_count(0)
    assert Listing.objects.get().status == ListingStatus.PUBLISHED

    # 3. The buyer finds it on the market page, sees the path, and proposes a deal.
    shop = new_page(chromium_browser)
    login(shop, base, buyer.username, PASSWORD)
    shop.goto(f"{base}/market/")
    shop.select_option("#id_mode", "exclusive_licence")
    shop.click("#listing-filter button[type=submit]")
    shop.click(f"#listing-results a[href='/market/listings/{listing.pk}/']")
    expect(shop.locator("#market-path")).to_contain_text("360202610007")
    shop.fill("#deal-form #id_amount", "150.00")
    shop.click("#deal-form button[type=submit]")
    expect(shop.locator("#deal-amount")).to_contain_text("150.00")
    deal = Deal.objects.get()
    assert (deal.status, deal.buyer_id, deal.amount) == (DealStatus.NEGOTIATING, buyer_org.pk, Decimal("150.00"))

    # 4. The seller agrees; the listing page shows achievement → listing → deal.
    page.goto(f"{base}/market/deals/{deal.pk}/")
    page.click("#agree-button")
    expect(page.locator("#agree-button")).to_have_count(0)
    assert Deal.objects.get().status == DealStatus.AGREED
    page.goto(f"{base}/market/listings/{listing.pk}/")
    expect(page.locator("#market-path")).to_contain_text(f"#{deal.pk}")
    page.screenshot(path=str(screenshot_dir / "market-listing-to-deal.png"), full_page=True)
