"""The whole registry path in a browser: register an organisation, get it verified, register an
achievement, submit it, review and approve it; the record then appears in the public list."""

import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect

from techtransfer.achievements.models import Achievement
from techtransfer.core import uscc
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

ORG_NAME = "南昌县浏览器成果公司"
ADMIN = "path_admin"
ACHIEVEMENT = "一种高镍三元正极材料的共沉淀制备工艺"


def login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_visible()


def new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_submit_review_publish(live_server, chromium_browser: Browser, regions, screenshot_dir) -> None:
    base = live_server.url
    province = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅")
    reviewer = UserFactory(username="path_reviewer")
    MembershipFactory(user=reviewer, organisation=province, role=Role.GOV_REVIEWER)

    # 1. The enterprise registers itself.
    applicant = new_page(chromium_browser)
    applicant.goto(f"{base}/register/")
    applicant.fill("#id_name", ORG_NAME)
    applicant.select_option("#id_type", "enterprise")
    applicant.fill("#id_uscc", uscc.make("91360121MA35PATH1"))
    applicant.select_option("#id_province", "360000")
    expect(applicant.locator('#id_city option[value="360100"]')).to_be_attached()
    applicant.select_option("#id_city", "360100")
    expect(applicant.locator('#id_county option[value="360121"]')).to_be_attached()
    applicant.select_option("#id_county", "360121")
    applicant.fill("#id_admin_username", ADMIN)
    applicant.fill("#id_admin_email", "path@example.com")
    applicant.fill("#id_password1", PASSWORD)
    applicant.fill("#id_password2", PASSWORD)
    applicant.click("#register-form button[type=submit]")
    expect(applicant.locator("#org-status")).to_have_text("已注册")
    org_url = applicant.url

    # 2. The province reviewer verifies it.
    gov = new_page(chromium_browser)
    login(gov, base, "path_reviewer", PASSWORD)
    gov.goto(org_url)
    gov.click("button[name=action][value=verify]")
    expect(gov.locator("#org-status")).to_have_text("已核验")

    # 3. The applicant registers an achievement and submits it (an admin's submission is confirmed).
    applicant.goto(f"{base}/achievements/new/")
    applicant.fill("#id_name", ACHIEVEMENT)
    applicant.fill("#id_abstract", "本成果提出一种高镍三元正极材料的共沉淀制备工艺，循环寿命提高30%。")
    applicant.fill("#id_keywords", "锂电池；正极材料")
    applicant.fill("#id_trl", "6")
    applicant.select_option("#id_discipline", "材料科学与工程")
    applicant.select_option("#id_plan_industry", "new_energy")
    applicant.check("input[name=transfer_modes][value=licence]")
    applicant.fill("#id_contributor_people", "张三（南昌县浏览器成果公司）：工艺设计")
    applicant.click("#achievement-form button[type=submit]")
    expect(applicant.locator("#achievement-status")).to_have_text("草稿")
    applicant.click("button[name=action][value=submit]")
    expect(applicant.locator("#achievement-status")).to_have_text("已提交")
    expect(applicant.locator("#where-panel")).to_contain_text("江西省科学技术厅")

    # 4. The reviewer takes it up and approves it; the registration number appears.
    gov.goto(f"{base}/achievements/review/")
    gov.click(f"#review-queue a:has-text('{ACHIEVEMENT}')")
    gov.click("button[name=action][value=start_review]")
    expect(gov.locator("#achievement-status")).to_have_text("审核中")
    gov.click("button[name=action][value=approve]")
    expect(gov.locator("#achievement-status")).to_have_text("已发布")
    number = Achievement.objects.get(name=ACHIEVEMENT).registration_number
    assert number is not None and len(number) == 12 and number.startswith("360")
    expect(gov.locator("#registration-number")).to_have_text(number)

    # 5. Anyone finds it in the public list, filtered by industry.
    visitor = new_page(chromium_browser)
    visitor.goto(f"{base}/achievements/?plan_industry=new_energy")
    expect(visitor.locator("#achievement-results")).to_contain_text(ACHIEVEMENT)
    expect(visitor.locator("#achievement-results")).to_contain_text(number)
    visitor.screenshot(path=str(screenshot_dir / "achievements-public-list.png"), full_page=True)

    # 6. The province department puts it into a catalogue and publishes it; the PDF lists it.
    gov.goto(f"{base}/catalogues/new/")
    gov.fill("#id_title", "2026 先进适用科技成果目录 · 新能源")
    gov.click("main form button[type=submit]")
    gov.select_option("#id_plan_industry", "new_energy")
    gov.click("section[aria-labelledby=filters-heading] form[method=get] button[type=submit]")
    expect(gov.locator("#preview li")).to_have_count(1)
    gov.click("#preview form button[type=submit]")
    expect(gov.locator("#catalogue-entries tbody tr")).to_have_count(1)
    gov.click("button[name=action][value=publish]")
    expect(gov.locator("#entries")).to_contain_text(ACHIEVEMENT)
    with gov.expect_download() as info:
        gov.click("#downloads a[href$='/download/pdf/']")
    pdf = screenshot_dir / "achievement-path-catalogue.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    # `make system-deps` installs poppler-utils for pdftotext.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert number in text
    assert ACHIEVEMENT[:10] in text.replace("\n", "")
