"""Browser-test fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

Never run `playwright install`: the tests use /usr/bin/chromium (`make system-deps` installs it with
the CJK font fonts-wqy-microhei).
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TIMEOUT_MS = 15_000
# `expect(…)` has a default of its own (5 s), apart from the context's: a first publish in the live
# server (index, vectors, notices) took longer than that on a loaded CI machine.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `make system-deps`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    # A Chinese visitor: Accept-Language zh-CN, which Django maps to the default language zh-hans.
    context = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Whatever the Content-Security-Policy blocked (an inline script or handler, an eval, an asset
    # from elsewhere): chromium says so on the console.
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        yield page
    finally:
        context.close()
    assert refused == []


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
