"""A challenge in a browser: an enterprise posts a need and runs it as a challenge, two solvers accept
the agreement and submit, an expert declares conflicts and scores, the enterprise shortlists and awards,
and the losing solver reads its feedback (score, rank band, the expert's comment)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.needs.models import Challenge, Need, Proposal

NEED = "稀土永磁体高温退磁难题"


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
def test_post_challenge_submit_score_award_feedback(live_server, chromium_browser: Browser, regions, screenshot_dir):
    base = live_server.url
    county = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局")
    MembershipFactory(user=UserFactory(username="ch_reviewer"), organisation=county, role=Role.GOV_REVIEWER)
    enterprise = OrganisationFactory(type=OrganisationType.ENTERPRISE, region_id="360121", name="南昌县磁材公司")
    MembershipFactory(user=UserFactory(username="ch_seeker"), organisation=enterprise, role=Role.ORG_ADMIN)
    university = OrganisationFactory(type=OrganisationType.UNIVERSITY, region_id="360102", name="东湖磁学大学")
    MembershipFactory(user=UserFactory(username="solver_a"), organisation=university, role=Role.MEMBER)
    UserFactory(username="solver_b")
    UserFactory(username="panel_expert")

    # 1. The enterprise posts a need; the county reviewer publishes it.
    seeker = new_page(chromium_browser)
    login(seeker, base, "ch_seeker")
    seeker.goto(f"{base}/needs/new/")
    seeker.fill("#id_title", NEED)
    seeker.fill("#id_summary", "钕铁硼磁体180℃不可逆损失需降到5%以下。")
    seeker.fill("#id_description", "完整问题：现有产品180℃下不可逆磁通损失约12%，需要低成本方案。")
    seeker.check("input[name=cooperation_modes][value=commissioned]")
    seeker.click("#need-form button[type=submit]")
    seeker.click("button[name=action][value=submit]")
    need = Need.objects.get(title=NEED)
    reviewer = new_page(chromium_browser)
    login(reviewer, base, "ch_reviewer")
    reviewer.goto(f"{base}/needs/{need.pk}/")
    reviewer.click("button[name=action][value=start_review]")
    # The page after the first step, before the second (a PostgreSQL run under load once clicked on).
    expect(reviewer.locator("#need-status")).to_have_text("审核中")
    reviewer.click("button[name=action][value=publish]")
    expect(reviewer.locator("#need-status")).to_have_text("已发布")

    # 2. It runs the need as a challenge with two winning places and puts an expert on the panel.
    seeker.goto(f"{base}/needs/{need.pk}/")
    seeker.click("#run-challenge")
    seeker.fill("#id_bounty", "10000")
    seeker.fill("#id_split", "60,40")
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(hours=2))
    seeker.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    seeker.fill("#id_criteria", "可行性 | 60\n成本 | 40")
    seeker.click("#challenge-form button[type=submit]")
    expect(seeker.locator("#bounty")).to_contain_text("10,000 元")
    seeker.fill("#id_username", "panel_expert")
    seeker.click("#expert-form button[type=submit]")
    expect(seeker.locator("#panel")).to_contain_text("panel_expert")
    challenge = Challenge.objects.get(need=need)
    challenge_url = f"{base}/challenges/{challenge.pk}/"

    # 3. Two solvers accept the agreement and submit.
    for username, kind, title in (("solver_a", "organisation", "晶界扩散方案"), ("solver_b", "individual", "涂层方案")):
        solver = new_page(chromium_browser)
        login(solver, base, username)
        solver.goto(challenge_url)
        expect(solver.locator("#full-problem")).to_have_count(0)
        solver.click("#accept-agreement")
        expect(solver.locator("#full-problem")).to_contain_text("完整问题")
        solver.select_option("#id_solver_type", kind)
        if kind == "organisation":
            solver.select_option("#id_organisation", str(university.pk))
        else:
            solver.fill("#id_region", "360102")
        solver.fill("#id_title", title)
        solver.fill("#id_approach", f"{title}：具体技术路线与成本测算。")
        solver.click("#proposal-form button[type=submit]")
        expect(solver.locator("#my-proposal")).to_contain_text(title)
        solver.context.close()
    assert Proposal.objects.filter(challenge=challenge).count() == 2

    # 4. The deadline passes.
    Challenge.objects.filter(pk=challenge.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))

    # 5. The expert declares no conflicts and scores both proposals.
    expert = new_page(chromium_browser)
    login(expert, base, "panel_expert")
    expert.goto(challenge_url)
    expert.click("#declare-conflicts")
    for title, a, b, comment in (
        ("晶界扩散方案", "90", "80", "路线成熟"),
        ("涂层方案", "60", "50", "涂层耐温性论证不足"),
    ):
        expert.goto(challenge_url)
        expert.click(f"#proposals a:text('{title}')")
        inputs = expert.locator("#score-form input[type=number]")
        inputs.nth(0).fill(a)
        inputs.nth(1).fill(b)
        expert.fill("#id_comment", comment)
        expert.click("#score-form button[type=submit]")
        expect(expert.locator("#proposals")).to_contain_text(title)

    # 6. The enterprise shortlists and awards the first place.
    winner = Proposal.objects.get(challenge=challenge, title="晶界扩散方案")
    seeker.goto(challenge_url)
    seeker.check(f"#shortlist-form input[value='{winner.pk}']")
    seeker.click("#save-shortlist")
    seeker.select_option("#place-1", str(winner.pk))
    seeker.fill("#id_announcement", "一等奖：晶界扩散方案")
    seeker.click("#award-button")
    expect(seeker.locator("#announcement")).to_contain_text("6,000 元")

    # 7. The losing solver reads its feedback.
    loser = new_page(chromium_browser)
    login(loser, base, "solver_b")
    loser.goto(challenge_url)
    feedback = loser.locator("#my-feedback")
    expect(feedback).to_contain_text("56.00")
    expect(feedback).to_contain_text("涂层耐温性论证不足")
    expect(loser.locator("#announcement")).to_contain_text("6,000 元")
    expect(loser.locator("#proposals")).to_have_count(0)
    loser.screenshot(path=str(screenshot_dir / "challenge-feedback.png"), full_page=True)

    # 8. The statistics page draws its charts with ECharts.
    loser.click("#stats-link")
    expect(loser.locator("#solver-count")).to_contain_text("2")
    expect(loser.locator("#trend-chart canvas")).to_have_count(1)
    expect(loser.locator("#regions-chart canvas")).to_have_count(1)
    loser.screenshot(path=str(screenshot_dir / "challenge-statistics.png"), full_page=True)
