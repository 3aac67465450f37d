"""The need page loads its recommendations and "more like this" lazily (htmx) in a real browser,
with the "why recommended" badges; a hidden record's panel removes itself instead of hanging."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationType, ReviewStatus
from techtransfer.core.tests.factories import OrganisationFactory, UserFactory
from techtransfer.needs.models import Need
from techtransfer.search.services import reindex
from tests.browser.test_achievement_path import new_page

ACHIEVEMENT = "钕铁硼磁体晶界扩散技术"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_need_page_shows_recommendations(live_server, chromium_browser: Browser, regions, screenshot_dir) -> None:
    base = live_server.url
    seeker = OrganisationFactory(name="南昌县磁材企业", region_id="360121")
    uni = OrganisationFactory(type=OrganisationType.UNIVERSITY, name="东湖区磁材大学", region_id="360102")
    author = UserFactory(username="need_author")
    fields = {"organisation": seeker, "region_id": "360121", "created_by": author, "industry": "new_materials"}
    need = Need.objects.create(
        title="钕铁硼磁体高温退磁", summary="降低钕铁硼磁体高温退磁。", description="钕铁硼磁体高温退磁严重。",
        status=ReviewStatus.PUBLISHED, published_at=timezone.now(), budget_max=Decimal("200"), required_trl=6,
        cooperation_modes=["licence"], confidentiality="public", **fields,
    )  # fmt: skip
    Need.objects.create(
        title="钕铁硼磁体草稿", summary="钕铁硼磁体", description="钕铁硼磁体", status=ReviewStatus.DRAFT, **fields
    )
    similar = Need.objects.create(
        title="钕铁硼磁体矫顽力提升", summary="提升钕铁硼磁体矫顽力。", description="钕铁硼磁体",
        status=ReviewStatus.PUBLISHED, published_at=timezone.now(), **fields,
    )  # fmt: skip
    achievement = AchievementFactory(
        organisation=uni, name=ACHIEVEMENT, abstract="通过晶界扩散降低钕铁硼磁体高温退磁。", keywords=["钕铁硼"],
        status=AchievementStatus.PUBLISHED, published_at=timezone.now(), registration_number="360202610009",
        plan_industry="new_materials", trl=7, price=Decimal("100"), transfer_modes=["licence"],
    )  # fmt: skip
    reindex()

    page = new_page(chromium_browser)
    page.goto(f"{base}/needs/{need.pk}/")
    row = page.locator("#recommend-achievement tbody tr").first
    expect(row).to_contain_text(ACHIEVEMENT)
    expect(row.locator(".badge.text-bg-success")).to_have_count(6)  # relevance 1.00 and five ✓
    # The parts' explanations open under the title, for a phone or a screen reader.
    row.locator("details.recommend-why summary").click()
    expect(row.locator("details.recommend-why")).to_contain_text("相对于这些候选中最好的一个")
    expect(page.locator("#similar-hits")).to_contain_text(similar.title)
    expect(page.locator("#similar-hits")).not_to_contain_text("草稿")
    page.screenshot(path=str(screenshot_dir / "need-recommendations.png"), full_page=True)
    # On a phone the table does not scroll sideways: the parts' columns give way to the "Why" list.
    page.set_viewport_size({"width": 375, "height": 740})
    table = page.locator("#recommend-achievement .table-responsive")
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(row.locator(".badge.text-bg-success").first).to_be_hidden()
    expect(row.locator("details.recommend-why")).to_contain_text("行业")
    page.screenshot(path=str(screenshot_dir / "need-recommendations-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The achievement's page recommends the need back (through the achievements panel registry).
    page.goto(f"{base}/achievements/{achievement.pk}/")
    expect(page.locator("#recommend-need tbody tr").first).to_contain_text(need.title)
    expect(page.locator("#recommend-need")).not_to_contain_text("草稿")
    page.screenshot(path=str(screenshot_dir / "achievement-recommendations.png"), full_page=True)
