"""Entry-form suggestions in a browser: typing an achievement's title asks the classifier (htmx,
debounced) and a click on a suggestion fills the discipline and industry selects."""

import pytest
from playwright.sync_api import Browser, expect

from techtransfer.core.tests.factories import PASSWORD
from tests.browser.test_achievement_path import login, new_page

TITLE = "基于卷积神经网络的图像目标检测算法"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_a_title_suggests_and_a_click_fills_the_select(
    live_server, chromium_browser: Browser, regions, applicant_member
) -> None:
    page = new_page(chromium_browser)
    login(page, live_server.url, applicant_member.username, PASSWORD)
    page.goto(f"{live_server.url}/achievements/new/")
    expect(page.locator("#id_discipline")).to_have_value("")
    with page.expect_request(lambda r: "/search/classify/" in r.url) as asked:
        page.locator("#id_name").press_sequentially(TITLE, delay=20)
    # A POST (a long abstract does not fit in an address) of the texts only, not the whole form.
    sent = sorted(pair.split("=")[0] for pair in (asked.value.post_data or "").split("&"))
    assert (asked.value.method, sent) == (
        "POST",
        ["abstract", "discipline_select", "emerging_select", "industry_select", "name"],
    )

    discipline = page.locator('#classify-suggestions [data-suggest-fill="id_discipline"]')
    expect(discipline).to_have_count(3)
    expect(discipline.first).to_contain_text("%")
    suggested = discipline.first.get_attribute("data-suggest-value")
    assert suggested in {"计算机科学与技术", "信息与通信工程"}  # title only: either is right
    discipline.first.click()
    expect(page.locator("#id_discipline")).to_have_value(suggested)
    expect(discipline.first).to_have_attribute("aria-pressed", "true")

    industry = page.locator('#classify-suggestions [data-suggest-fill="id_plan_industry"]')
    expect(industry.first).to_have_attribute("data-suggest-value", "ngit")
    industry.first.click()
    expect(page.locator("#id_plan_industry")).to_have_value("ngit")
    # The user may still change the suggestion; the button no longer says it is the one chosen.
    page.select_option("#id_plan_industry", "new_materials")
    expect(page.locator("#id_plan_industry")).to_have_value("new_materials")
    expect(industry.first).to_have_attribute("aria-pressed", "false")

    # A form sent back with an error asks for suggestions at once and marks the values chosen.
    page.fill("#id_trl", "12")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#id_name")).to_have_value(TITLE)
    again = page.locator('#classify-suggestions [data-suggest-fill="id_discipline"]')
    expect(again).to_have_count(3)
    expect(page.locator(f'#classify-suggestions [data-suggest-value="{suggested}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
