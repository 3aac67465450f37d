"""The Content-Security-Policy blocks what an injected piece of HTML would run, and nothing of the
platform's own: the main pages (charts, search suggestions, forms, API docs, admin) load with no
violation on the console (the `page` fixture asserts it), and the behaviours that were inline
attributes still work from site.js."""

import re

import pytest
from playwright.sync_api import Page, expect

from techtransfer.core.tests.factories import PASSWORD, UserFactory


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_attached()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_injected_markup_runs_nothing(live_server, chromium_browser, regions) -> None:
    context = chromium_browser.new_context(locale="en")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/")
    # As a stored title would be put into the page by a template that forgot to escape it.
    page.evaluate(
        """() => { const d = document.createElement("div");
        d.innerHTML = '<img src="/static/web/site.js" onerror="window.pwned = 1">';
        document.body.appendChild(d);
        const s = document.createElement("script"); s.textContent = "window.pwned = 2"; document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.pwned === undefined")
    assert len(refused) == 2 and all("directive 'script-src 'self''" in text for text in refused)
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_load_without_a_violation(live_server, page: Page, regions) -> None:
    UserFactory(username="csp_admin", is_staff=True, is_superuser=True)
    base = live_server.url
    for path in ["/", "/search/?q=稀土", "/register/", "/api/v1/docs", "/admin/login/"]:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    expect(page.locator("#swagger-ui, #login-form").first).to_be_attached()
    _log_in(page, base, "csp_admin")
    for path in ["/workspace/", "/contracts/statistics/", "/admin/", "/audit/", "/notifications/", "/jobs/"]:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")

    # The registration form's summary of errors takes the focus (it was an inline script).
    page.goto(f"{base}/register/")
    page.click("main form button[type=submit]")
    expect(page.locator(".form-error-summary")).to_be_focused()

    # A new API token is selected whole when its field takes the focus (it was onfocus=).
    page.goto(f"{base}/account/tokens/")
    page.fill("#id_name", "CI")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#token-text")).to_have_value(re.compile(r"^tt_"))
    page.focus("#token-text")
    assert page.evaluate("() => window.getSelection().toString() || document.activeElement.selectionEnd") != 0

    # Deleting a saved search asks first (it was onsubmit=): dismissed, nothing is deleted.
    page.goto(f"{base}/search/?q=稀土")
    page.goto(f"{base}/search/subscriptions/new/")
    page.fill("#id_name", "稀土")
    page.fill("#id_query", "稀土")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("form[data-confirm]")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("form[data-confirm] button").click()
    expect(page.locator("form[data-confirm]")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-confirm] button").click()
    expect(page.locator("form[data-confirm]")).to_have_count(0)
