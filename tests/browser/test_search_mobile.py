"""The search page on a phone (375 px): no sideways scrolling, facets folded away, suggestions as one
types (a homophone typo still finds the keyword), and one button saves the search as a subscription."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.tests.factories import PASSWORD, OrganisationFactory, UserFactory
from techtransfer.search import suggest
from techtransfer.search.backends import reset_backends
from techtransfer.search.models import SearchSubscription
from techtransfer.search.services import reindex

PHONE = {"width": 375, "height": 740}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_on_a_phone(live_server, chromium_browser: Browser, regions, screenshot_dir, settings, tmp_path) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    suggest.reset()
    org = OrganisationFactory(name="南昌电气科技有限公司", region_id="360121", status=OrganisationStatus.VERIFIED)
    for i in range(3):
        AchievementFactory(
            organisation=org, name=f"一种稀土永磁电机的高效控制方法{i}", keywords=["永磁电机", "矢量控制"],
            abstract="提出一种稀土永磁同步电机的矢量控制方法，效率提高5%。" * 3,
            status=AchievementStatus.PUBLISHED, published_at=timezone.now(), plan_industry="new_energy",
        )  # fmt: skip
    assert reindex() == 4  # three achievements and the verified organisation
    user = UserFactory(username="phone_user")

    context = chromium_browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).not_to_have_text("登录")  # the navigation bar is folded on a phone

    page.goto(f"{base}/search/")
    page.fill("#id_q", "永磁电机")
    page.press("#id_q", "Enter")
    expect(page.locator("#search-hits li")).to_have_count(3)
    assert page.url == f"{base}/search/?q=%E6%B0%B8%E7%A3%81%E7%94%B5%E6%9C%BA"  # empty filters left out
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("#facets")).to_be_hidden()  # folded on a phone: results come first
    page.click("#facets-toggle")
    expect(page.locator("#facet-plan_industry")).to_be_visible()
    heights = page.eval_on_selector_all("#facets li a", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 24  # touch targets (WCAG 2.2, 2.5.8)
    page.screenshot(path=str(screenshot_dir / "search-phone.png"), full_page=True)

    # A homophone typo (瓷 for 磁, both cí) still suggests the keyword.
    page.fill("#id_q", "")
    page.locator("#id_q").press_sequentially("永瓷", delay=50)
    expect(page.locator("#suggest-list")).to_contain_text("永磁电机")
    page.screenshot(path=str(screenshot_dir / "search-phone-suggest.png"))
    page.locator("#suggest-list a", has_text="永磁电机").first.click()
    expect(page.locator("#result-count")).to_contain_text("3")
    # Pasted text (an input event without keys) suggests too; the keyboard walks the list.
    page.fill("#id_q", "永瓷")
    expect(page.locator("#suggest-list")).to_contain_text("永磁电机")
    expect(page.locator("#id_q")).to_have_attribute("aria-expanded", "true")  # a combobox with its list open
    expect(page.locator("#suggest-list [role=option]")).not_to_have_count(0)
    page.locator("#id_q").press("ArrowDown")
    expect(page.locator("#suggest-list a").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_q")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#suggest-list")).to_have_count(0)
    expect(page.locator("#id_q")).to_have_attribute("aria-expanded", "false")
    page.fill("#id_q", "永瓷")  # the same words again: the list comes back
    expect(page.locator("#suggest-list")).to_contain_text("永磁电机")
    page.locator("main h1").click()  # a tap elsewhere closes it
    expect(page.locator("#suggest-list")).to_have_count(0)
    expect(page.locator("#id_q")).to_have_attribute("aria-expanded", "false")
    page.fill("#id_q", "永瓷")
    expect(page.locator("#suggest-list")).to_contain_text("永磁电机")
    page.keyboard.press("ArrowDown")  # into the list and back: it stays open
    expect(page.locator("#suggest-list a").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_q")).to_be_focused()
    expect(page.locator("#suggest-list")).to_contain_text("永磁电机")
    page.keyboard.press("Tab")  # on to the search button: it closes
    expect(page.locator("#suggest-list")).to_have_count(0)

    page.click("#subscribe-form button")
    expect(page.locator("#subscription-form")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "subscription-edit-phone.png"), full_page=True)
    sub = SearchSubscription.objects.get(user=user)
    assert (sub.query, sub.kind) == ("永磁电机", SearchSubscription.Kind.SEARCH)
    page.goto(f"{base}/search/subscriptions/")
    expect(page.locator(f"#subscription-{sub.pk}")).to_contain_text("永磁电机")
    page.screenshot(path=str(screenshot_dir / "subscriptions-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    suggest.reset()
