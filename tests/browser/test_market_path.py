"""From a listing to a registered contract in the statistics, in a browser: the seller lists a published
achievement and submits it, the county reviewer publishes it, a buyer finds it on the market page and
proposes a deal, the seller agrees, registers the technology contract from the deal page (prefilled
from the deal), the county registration official registers it, and the province official sees it in
the contract statistics; the achievement's page then shows the whole path."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import PDF
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market.choices import DealStatus, ListingStatus
from techtransfer.market.models import Deal, Listing
from tests.browser.test_achievement_path import login, new_page

ACHIEVEMENT = "一种稀土永磁电机的高效控制方法"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_listing_to_registered_contract_in_statistics(
    live_server, chromium_browser: Browser, regions, screenshot_dir, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    county = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局")
    reviewer = UserFactory(username="market_reviewer")
    MembershipFactory(user=reviewer, organisation=county, role=Role.GOV_REVIEWER)
    province = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅")
    official = UserFactory(username="market_official")
    MembershipFactory(user=official, organisation=province, role=Role.GOV_OFFICIAL)
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
    shop.fill("#deal-form #deal_amount", "150.00")
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

    # 5. From the deal page the seller registers the contract; the form comes prefilled from the deal.
    page.goto(f"{base}/market/deals/{deal.pk}/")
    page.click("#register-contract-link")
    expect(page.locator("#id_deal")).to_have_value(str(deal.pk))
    expect(page.locator("#id_contract_amount")).to_have_value("1500000.00")
    expect(page.locator("#id_contract_type")).to_have_value("licensing")
    expect(page.locator("#id_achievement_number")).to_have_value("360202610007")
    expect(page.locator("#id_buyer-name")).to_have_value(buyer_org.name)
    page.select_option("#id_tech_field", "new_materials")
    page.select_option("#id_ip_type", "patent")
    page.fill("#id_signed_on", today.isoformat())
    page.fill("#id_term_start", today.isoformat())
    page.fill("#id_term_end", (today + datetime.timedelta(days=730)).isoformat())
    page.click("#contract-form button[type=submit]")
    expect(page.locator("#contract-deal")).to_have_attribute("href", f"/market/deals/{deal.pk}/")
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#id_file", str(pdf))
    page.click("form[enctype] button[type=submit]")
    page.click("#submit-contract")
    expect(page.locator("#contract-status")).to_have_attribute("data-status", "submitted")
    contract = Contract.objects.get()
    assert (contract.deal_id, contract.achievement_id) == (deal.pk, achievement.pk)

    # 6. The county registration official registers it.
    review.goto(f"{base}/contracts/registration/")
    review.click(f"#contract-queue a[href='/contracts/{contract.pk}/']")
    for box in review.locator("#decision-form input[type=checkbox]").all():
        box.check()
    review.click("#register-contract")
    number = Contract.objects.get().registration_number
    assert number is not None and number.startswith("360121")
    expect(review.locator("#registration-number")).to_have_text(number)

    # 7. The province official sees it in Jiangxi's statistics: 1,500,000 yuan, all of it technology.
    viewer = new_page(chromium_browser)
    login(viewer, base, official.username, PASSWORD)
    viewer.goto(f"{base}/contracts/statistics/?region=360000")
    expect(viewer.locator("#output-count")).to_have_text("1")
    expect(viewer.locator("#output-tech")).to_have_text("1,500,000.00")

    # 8. The achievement's page ends the path with the deal and the contract's registration number.
    page.goto(f"{base}/achievements/{achievement.pk}/")
    expect(page.locator("#achievement-contracts")).to_contain_text(number)
    expect(page.locator(f"#achievement-contracts a[href='/market/deals/{deal.pk}/']")).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "market-listing-to-contract.png"), full_page=True)
