"""A technology contract in a browser: the seller drafts it with the buyer's data, attaches the signed
PDF and submits it; the county registration official checks the recognition conditions and registers
it; the province official sees it in the contract statistics. (The integrator extends this path from
a market listing and deal.)"""

import pytest
from playwright.sync_api import Browser, Page, expect

from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import BUYER_USCC, PDF
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

CONTRACT = "稀土永磁晶界扩散技术许可合同"


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_visible()


def new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_a_contract_and_see_it_in_the_statistics(
    live_server, chromium_browser: Browser, regions, screenshot_dir, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    county = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局")
    province = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅")
    seller = OrganisationFactory(region_id="360121", name="南昌县浏览器合同公司")
    MembershipFactory(user=UserFactory(username="c_seller"), organisation=seller, role=Role.ORG_ADMIN)
    MembershipFactory(user=UserFactory(username="c_registrar"), organisation=county, role=Role.GOV_REVIEWER)
    MembershipFactory(user=UserFactory(username="c_official"), organisation=province, role=Role.GOV_OFFICIAL)

    # 1. The seller drafts the contract; a wrong figure is refused first and the input is kept.
    page = new_page(chromium_browser)
    login(page, base, "c_seller")
    page.goto(f"{base}/contracts/new/")
    page.fill("#id_name", CONTRACT)
    # Only the chosen type's subtypes are offered; a type without subtypes offers none.
    page.select_option("#id_contract_type", "development")
    offered = "s => [...s.options].filter(o => o.value && !o.disabled).map(o => o.value)"
    assert page.eval_on_selector("#id_subtype", offered) == ["commissioned", "cooperative"]
    page.select_option("#id_subtype", "cooperative")
    page.select_option("#id_contract_type", "licensing")
    expect(page.locator("#id_subtype")).to_be_disabled()
    expect(page.locator("#id_subtype")).to_have_value("")
    # A type the browser puts back (Back, reload) fires no change event: the subtypes follow it when
    # the page is shown (they were cleared and disabled, as for the type the page was rendered with).
    page.evaluate(
        "() => { document.getElementById('id_contract_type').value = 'transfer';"
        " window.dispatchEvent(new PageTransitionEvent('pageshow')); }"
    )
    expect(page.locator("#id_subtype")).to_be_enabled()
    assert "patent" in page.eval_on_selector("#id_subtype", offered)
    page.select_option("#id_contract_type", "licensing")
    page.select_option("#id_tech_field", "new_materials")
    page.select_option("#id_ip_type", "patent")
    page.fill("#id_signed_on", "2026-03-01")
    page.fill("#id_term_start", "2026-03-01")
    page.fill("#id_term_end", "2029-02-28")
    page.fill("#id_contract_amount", "2500000")
    page.fill("#id_non_technical_costs", "3000000")
    page.fill("#id_buyer-name", "赣州买方企业")
    page.fill("#id_buyer-uscc", BUYER_USCC)
    page.fill("#id_buyer-region", "360702")
    page.click("#contract-form button[type=submit]")
    expect(page.locator("#id_non_technical_costs")).to_have_value("3000000")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    page.fill("#id_non_technical_costs", "500000")
    page.fill("#id_carrier_costs", "100000")
    page.fill("#id_carrier_note", "样品两批")
    page.click("#contract-form button[type=submit]")
    expect(page.locator("#contract-title")).to_contain_text(CONTRACT)
    expect(page.locator("#technology-amount")).to_have_text("2,100,000.00")

    # 2. It attaches the signed PDF and submits.
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#id_file", str(pdf))
    page.click("form[enctype] button[type=submit]")
    page.click("#submit-contract")
    expect(page.locator("#contract-status")).to_have_attribute("data-status", "submitted")
    contract_url = page.url

    # 3. The county registration official checks the conditions and registers it.
    official = new_page(chromium_browser)
    login(official, base, "c_registrar")
    official.goto(f"{base}/contracts/registration/")
    official.click(f"#contract-queue a:has-text('{CONTRACT}')")
    for box in official.locator("#decision-form input[type=checkbox]").all():
        box.check()
    official.click("#register-contract")
    number = Contract.objects.get().registration_number
    assert number is not None and number.startswith("360121")
    expect(official.locator("#registration-number")).to_have_text(number)
    official.screenshot(path=str(screenshot_dir / "contract-registered.png"), full_page=True)

    # 4. The province official sees it in the statistics of Jiangxi.
    viewer = new_page(chromium_browser)
    login(viewer, base, "c_official")
    viewer.goto(f"{base}/contracts/statistics/?region=360000")
    expect(viewer.locator("#output-count")).to_have_text("1")
    expect(viewer.locator("#output-tech")).to_have_text("2,100,000.00")
    expect(viewer.locator("#table-type")).to_contain_text("2,100,000.00")
    viewer.screenshot(path=str(screenshot_dir / "contract-statistics.png"), full_page=True)
    page.goto(contract_url)
    expect(page.locator("#registration-number")).to_have_text(number)
