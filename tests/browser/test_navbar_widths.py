"""The main navigation never runs off the page: English labels are long, and between 992 and 1400 px
they used to push the page wider than the window (QA, session 9)."""

import pytest
from playwright.sync_api import Browser, expect

from techtransfer.core.tests.factories import PASSWORD, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_navigation_fits_every_width(live_server, chromium_browser: Browser, regions, locale) -> None:
    user = UserFactory(username="a_rather_long_user_name", display_name="")
    context = chromium_browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    widths = (375, 992, 1024, 1199, 1200, 1280, 1400)

    def overflowing() -> list[int]:
        out = []
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{live_server.url}/search/")
            if page.evaluate("document.documentElement.scrollWidth") > width:
                out.append(width)
        return out

    assert overflowing() == []
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_attached()
    assert overflowing() == []  # signed in: notifications, the user's name and "log out" too
    context.close()
