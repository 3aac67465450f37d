"""A catalogue compiled in a real browser: an official filters, orders, annotates and publishes it;
a visitor finds it in the public list and downloads the PDF with the Chinese font embedded."""

import re

import pytest
from playwright.sync_api import Page, expect

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.achievements.models import Catalogue
from techtransfer.achievements.tests.factories_catalogue import PublishedAchievementFactory
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

TITLE = "2026 先进适用科技成果目录 · 新材料"


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_visible()


def _entry_names(page: Page) -> list[str]:
    return page.locator("#catalogue-entries tbody tr td:nth-child(2) a").all_inner_texts()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_official_publishes_catalogue_and_visitor_downloads_pdf(
    live_server, page: Page, regions, screenshot_dir, tmp_path
) -> None:
    dept = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅")
    official = UserFactory(username="catalogue_official")
    MembershipFactory(user=official, organisation=dept, role=Role.GOV_OFFICIAL)
    org = OrganisationFactory(region_id="360121", name="南昌县新材料有限公司")
    magnets = PublishedAchievementFactory(
        name="稀土永磁材料低成本制备技术", organisation=org, registration_number="360202610001"
    )
    PublishedAchievementFactory(name="锂电池正极材料回收技术", organisation=org, registration_number="360202610002")
    PublishedAchievementFactory(name="工业互联网平台", organisation=org, plan_industry=PlanIndustry.NGIT)
    base = live_server.url

    # 1. The official creates a draft.
    _login(page, base, "catalogue_official")
    page.goto(f"{base}/catalogues/")
    page.click('a[href="/catalogues/new/"]')
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", Catalogue.Kind.ADVANCED_APPLICABLE)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/catalogues/\d+/edit/$"))
    catalogue = Catalogue.objects.get(title=TITLE)

    # 2. Filter by industry, preview, add the two matches.
    page.select_option("#id_plan_industry", PlanIndustry.NEW_MATERIALS)
    page.click("section[aria-labelledby=filters-heading] form[method=get] button[type=submit]")
    expect(page.locator("#preview li")).to_have_count(2)
    page.click("#preview form button[type=submit]")
    expect(page.locator("#catalogue-entries tbody tr")).to_have_count(2)
    first, second = _entry_names(page)
    assert {first, second} == {"稀土永磁材料低成本制备技术", "锂电池正极材料回收技术"}

    # 3. htmx: move the second entry up and annotate the magnets, without leaving the page.
    page.locator("#catalogue-entries tbody tr").nth(1).locator("button[value=up]").click()
    expect(page.locator("#catalogue-entries tbody tr").first.locator("td:nth-child(2) a")).to_have_text(second)
    row = page.locator(f"#catalogue-entries tr:has(a[href='/achievements/{magnets.pk}/'])")
    row.locator("textarea[name=note]").fill("编者按：适合中小企业以许可方式转化。")
    with page.expect_response(lambda r: "/note/" in r.url) as response:
        row.locator("form[hx-post*='/note/'] button[type=submit]").click()
    assert response.value.status == 200
    expect(
        page.locator(f"#catalogue-entries tr:has(a[href='/achievements/{magnets.pk}/']) textarea[name=note]")
    ).to_have_value("编者按：适合中小企业以许可方式转化。")
    assert catalogue.entries.get(achievement=magnets).note == "编者按：适合中小企业以许可方式转化。"
    page.screenshot(path=str(screenshot_dir / "catalogue-editor.png"), full_page=True)

    # 4. Publish: the public page shows the entries with the note.
    page.click("button[name=action][value=publish]")
    expect(page).to_have_url(f"{base}/catalogues/{catalogue.pk}/")
    expect(page.locator("#entries li")).to_have_count(2)
    expect(page.locator("#entries")).to_contain_text("编者按：适合中小企业以许可方式转化。")

    # 5. A visitor finds it in the public list and downloads the PDF.
    page.click('form[action="/logout/"] button[type=submit]')
    page.goto(f"{base}/catalogues/")
    page.click(f"#catalogues a:has-text('{TITLE}')")
    expect(page.locator("h1")).to_have_text(TITLE)
    page.screenshot(path=str(screenshot_dir / "catalogue-public.png"), full_page=True)
    with page.expect_download() as info:
        page.click(f'#downloads a[href="/catalogues/{catalogue.pk}/download/pdf/"]')
    download = info.value
    assert download.suggested_filename == f"{TITLE}.pdf"
    saved = tmp_path / "catalogue.pdf"
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"+WenQuanYiMicroHei" in data and b"/FontFile2" in data
