"""Accessibility (WCAG 2.1 AA, GB/T 37668-2019): axe-core finds no serious or critical violation on a
representative set of pages, in Chinese and in English, signed out and signed in, at a desktop's and a
phone's width: the home page and the statistics page (charts), search with facets and open
suggestions, lists and details, and forms sent back with their errors shown (whose summary takes the
focus, so a keyboard or screen-reader user lands on it).

axe-core's axe.min.js (MPL-2.0) ships inside the axe-playwright-python wheel: nothing is downloaded at
test time."""

from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts.tests.factories import registered
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.search import suggest
from techtransfer.search.backends import reset_backends
from techtransfer.search.services import reindex

AXE = Axe()
# The WCAG 2.0 and 2.1 level A and AA rules (axe's best-practice rules are not a conformance level).
OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def violations(page: Page, what: str) -> list[str]:
    """The serious and critical violations axe finds on the page as it stands, one line each: where,
    the rule and the elements (CSS selectors)."""
    found = AXE.run(page, options=OPTIONS).response["violations"]
    return [
        f"{what}: {v['id']} ({v['impact']}) at " + "; ".join(" ".join(n["target"]) for n in v["nodes"])
        for v in found
        if v["impact"] in BLOCKING
    ]


def check(page: Page, url: str, what: str) -> list[str]:
    page.goto(url)
    return violations(page, what)


def send_empty(page: Page, url: str, form: str, what: str) -> list[str]:
    """The form sent with nothing filled in: its errors shown, the summary above it focused."""
    page.goto(url)
    page.click(f"{form} button[type=submit]")
    expect(page.locator(f"{form} .invalid-feedback").first).to_be_visible()
    # The page's first summary (a contract's form has a second one, of its parties).
    expect(page.locator(".form-error-summary").first).to_be_focused()
    return violations(page, what)


def new_page(browser: Browser, locale: str, viewport: dict[str, int] = DESKTOP) -> Page:
    context = browser.new_context(locale=locale, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    return context.new_page()


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_attached()  # folded into the menu on a phone


def report(found: list[str]) -> str:
    return f"{len(found)} serious or critical accessibility violation(s):\n" + "\n".join(found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages(live_server, chromium_browser: Browser, regions, settings, tmp_path) -> None:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    suggest.reset()
    org = OrganisationFactory(name="南昌电气科技有限公司", region_id="360121", status=OrganisationStatus.VERIFIED)
    achievements = []
    for i in range(2):
        achievements.append(AchievementFactory(
            organisation=org, name=f"一种稀土永磁电机的高效控制方法{i}", keywords=["永磁电机", "矢量控制"],
            abstract="提出一种稀土永磁同步电机的矢量控制方法，效率提高5%。", status=AchievementStatus.PUBLISHED,
            published_at=timezone.now(), plan_industry="new_energy",
        ))  # fmt: skip
    reindex()
    base = live_server.url
    search = f"{base}/search/?q=永磁电机"
    found: list[str] = []
    for locale in ("zh-CN", "en"):
        page = new_page(chromium_browser, locale)
        page.goto(f"{base}/")
        expect(page.locator("#orgs-chart canvas")).to_be_attached()
        found += violations(page, f"{locale} home (charts)")
        found += check(page, search, f"{locale} search")
        expect(page.locator("#search-hits li")).to_have_count(2)
        found += check(page, f"{search}&plan_industry=new_energy", f"{locale} search with a facet")
        found += check(page, f"{base}/achievements/", f"{locale} achievements")
        found += check(page, f"{base}/achievements/{achievements[0].pk}/", f"{locale} achievement")
        found += check(page, f"{base}/organisations/{org.pk}/", f"{locale} organisation")
        found += send_empty(page, f"{base}/register/", "#register-form", f"{locale} registration with errors")
        page.goto(f"{base}/login/")
        page.fill("#id_username", "nobody")
        page.fill("#id_password", "wrong")
        page.click("main form button[type=submit]")
        expect(page.locator("main .alert-danger[role=alert]")).to_be_visible()
        found += violations(page, f"{locale} login refused")
        page.context.close()

    # A phone: the folded navigation, the search box's open suggestions (htmx), and the menu opened.
    page = new_page(chromium_browser, "zh-CN", PHONE)
    page.goto(f"{base}/search/")
    page.fill("#id_q", "永磁")
    expect(page.locator("#suggest-list [role=option]").first).to_be_visible()
    expect(page.locator("#id_q")).to_have_attribute("aria-expanded", "true")
    found += violations(page, "zh-CN phone, search suggestions open")
    page.click(".navbar-toggler")
    expect(page.locator("#nav")).to_be_visible()
    found += violations(page, "zh-CN phone, menu open")
    page.context.close()
    assert not found, report(found)


def _contract_data() -> dict[str, Any]:
    """A registered contract of a seller in 南昌县, and a province official who sees the statistics."""
    county = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局")
    province = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅")
    seller = OrganisationFactory(region_id="360121", name="南昌县无障碍公司", status=OrganisationStatus.VERIFIED)
    admin = MembershipFactory(user=UserFactory(username="a11y_admin"), organisation=seller, role=Role.ORG_ADMIN).user
    registrar = MembershipFactory(user=UserFactory(), organisation=county, role=Role.GOV_REVIEWER).user
    MembershipFactory(user=UserFactory(username="a11y_official"), organisation=province, role=Role.GOV_OFFICIAL)
    contract = registered(seller, admin, registrar, contract_amount=Decimal("3000000"))
    return {"contract": contract}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signed_in_pages(live_server, chromium_browser: Browser, regions) -> None:
    data = _contract_data()
    base = live_server.url
    contract = f"{base}/contracts/{data['contract'].pk}/"
    found: list[str] = []

    # A government official in English on a phone: the charts, and tables wider than the window
    # (each must scroll from the keyboard).
    page = new_page(chromium_browser, "en", PHONE)
    login(page, base, "a11y_official")
    page.goto(f"{base}/contracts/statistics/")
    expect(page.locator("#chart-flows canvas")).to_be_attached()
    found += violations(page, "en phone statistics (charts)")
    found += check(page, f"{base}/audit/", "en phone audit log")
    found += check(page, contract, "en phone contract")
    found += check(page, f"{base}/notifications/", "en phone notifications")
    # The same official in Chinese on a desktop.
    page.set_viewport_size(DESKTOP)
    page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.goto(f"{base}/contracts/statistics/")
    expect(page.locator("#chart-flows canvas")).to_be_attached()
    found += violations(page, "zh statistics (charts)")
    found += check(page, f"{base}/contracts/", "zh contracts")
    found += check(page, f"{base}/audit/", "zh audit log")
    page.context.close()

    # The seller's admin in Chinese: forms sent back with their errors, the workspace.
    page = new_page(chromium_browser, "zh-CN")
    login(page, base, "a11y_admin")
    found += check(page, f"{base}/workspace/", "zh workspace")
    found += send_empty(page, f"{base}/achievements/new/", "#achievement-form", "zh achievement form with errors")
    found += send_empty(page, f"{base}/contracts/new/", "#contract-form", "zh contract form with errors")
    found += check(page, f"{base}/needs/new/", "zh need form")
    page.context.close()
    assert not found, report(found)
