"""End-to-end foundation flow in a real browser: register, log out and in, switch language; home chart."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from techtransfer.audit.models import AuditEvent
from techtransfer.core import uscc
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.forms import USCC_MESSAGES
from techtransfer.core.models import Organisation

ORG_NAME = "南昌浏览器测试科技有限公司"
USERNAME = "browser_admin"
PASSWORD = "Str0ng-passw0rd-2026"
USCC = uscc.make("91360100" + "MA35BR0W1")


def _wrong_check_character(code: str) -> str:
    wrong = next(ch for ch in uscc.ALPHABET if ch != code[-1])
    return code[:-1] + wrong


def _fill_passwords(page: Page) -> None:
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)


def _submit_registration(page: Page) -> None:
    page.click("#register-form button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_login_and_switch_language(live_server, page: Page, regions, screenshot_dir) -> None:
    # 1. The registration form, with the htmx-driven province → city → county selects.
    page.goto(f"{live_server.url}/register/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.fill("#id_name", ORG_NAME)
    page.select_option("#id_type", "enterprise")
    page.fill("#id_uscc", _wrong_check_character(USCC))
    page.select_option("#id_province", "360000")
    expect(page.locator('#id_city option[value="360100"]')).to_be_attached()
    page.select_option("#id_city", "360100")
    expect(page.locator('#id_county option[value="360102"]')).to_be_attached()
    page.select_option("#id_county", "360102")
    page.fill("#id_admin_username", USERNAME)
    page.fill("#id_admin_display_name", "浏览器测试员")
    page.fill("#id_admin_email", "browser-admin@example.com")
    _fill_passwords(page)

    # 2. A wrong check character: the error sits next to the field and the typed values stay.
    _submit_registration(page)
    uscc_input = page.locator("#id_uscc")
    expect(uscc_input).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(uscc_input).to_have_attribute("aria-invalid", "true")
    expect(uscc_input).to_have_value(_wrong_check_character(USCC))
    with translation.override("zh-hans"):
        expected_error = str(USCC_MESSAGES["check"])
    field_error = page.locator("#id_uscc ~ .invalid-feedback")
    expect(field_error).to_be_visible()
    expect(field_error).to_have_text(expected_error)
    expect(page.locator("#id_name")).to_have_value(ORG_NAME)
    expect(page.locator("#id_type")).to_have_value("enterprise")
    expect(page.locator("#id_province")).to_have_value("360000")
    expect(page.locator("#id_city")).to_have_value("360100")
    expect(page.locator("#id_county")).to_have_value("360102")
    expect(page.locator("#id_admin_username")).to_have_value(USERNAME)
    assert not Organisation.objects.exists()

    # 3. The correct code: the organisation is created and its profile page shown.
    page.fill("#id_uscc", USCC)
    _fill_passwords(page)  # password inputs are never re-rendered with their value
    _submit_registration(page)
    expect(page).to_have_url(re.compile(r"/organisations/\d+/$"))
    expect(page.locator("#org-name")).to_contain_text(ORG_NAME)
    expect(page.locator("#org-status")).to_be_visible()
    org = Organisation.objects.get(uscc=USCC)
    assert page.url.endswith(f"/organisations/{org.pk}/")
    assert org.name == ORG_NAME
    assert org.status == OrganisationStatus.REGISTERED
    assert org.region_id == "360102"
    assert AuditEvent.objects.filter(action="organisation.create", organisation=org).exists()

    # 4. Log out (a POST form in the navbar), then log in again and land on the workspace.
    expect(page.locator("#current-user")).to_be_visible()
    page.click('form[action="/logout/"] button[type=submit]')
    expect(page.locator("#current-user")).to_have_count(0)
    expect(page.locator('a[href="/login/"]').first).to_be_visible()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/workspace/")
    expect(page.locator("#workspace-title")).to_be_visible()
    expect(page.locator("section[aria-labelledby=my-orgs] a", has_text=ORG_NAME)).to_be_visible()

    # 5. Switch the language with the navbar select (it submits to /i18n/setlang/) and back.
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")
    page.select_option("#language-select", "en")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/workspace/")
    expect(page.locator("#workspace-title")).to_have_text("My workspace")
    page.select_option("#language-select", "zh-hans")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#workspace-title")).to_be_visible()
    expect(page.locator("section[aria-labelledby=my-orgs] a", has_text=ORG_NAME)).to_be_visible()

    # 6. A screenshot for a human look at the fonts.
    page.screenshot(path=str(screenshot_dir / "foundation-workspace.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_turnover_chart_renders(live_server, page: Page) -> None:
    page.goto(f"{live_server.url}/")
    canvas = page.locator("#turnover-chart canvas").first
    expect(canvas).to_be_attached()
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
