"""An htmx request that fails shows an alert at the bottom of the window: the server's short alert in
the page's language (a 404 here), or the page's fallback text when the answer has none (a 500)."""

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_achievement_path import new_page

PROBES = """
for (const [id, url] of [["probe-404", "/needs/999999/"], ["probe-500", "/probe-500/"]]) {
  const button = document.createElement("button");
  button.id = id;
  button.setAttribute("hx-get", url);
  button.setAttribute("hx-swap", "outerHTML");
  button.textContent = id;
  document.querySelector("main").prepend(button);
  htmx.process(button);
}
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_failed_htmx_request_shows_an_alert_not_a_page_in_the_page(live_server, chromium_browser: Browser) -> None:
    page = new_page(chromium_browser)
    page.route("**/probe-500/", lambda route: route.fulfill(status=500, body="<html><body>boom</body></html>"))
    page.goto(f"{live_server.url}/")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate(PROBES)
    alert = page.locator("#htmx-alert [role=alert]")

    page.click("#probe-404")
    expect(alert).to_have_attribute("id", "error-404")
    expect(alert).to_contain_text("页面不存在")
    expect(alert).to_be_in_viewport()
    expect(page.locator("#probe-404")).to_be_visible()  # nothing swapped into the button's place
    assert page.locator("nav").count() == 1  # no layout inside the layout

    page.click("#probe-500")
    fallback = page.locator("#htmx-alert").get_attribute("data-fallback")
    assert fallback
    expect(alert).to_have_text(fallback)
    page.locator("#htmx-alert .btn-close").click()
    expect(alert).to_have_count(0)
