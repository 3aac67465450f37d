"""The contract statistics charts keep every label inside their canvas and their legend clear of the axis
names, on a phone (390 px) as on a desktop, in Chinese and in English (QA, statistics on a phone: the
legend covered "10,000 yuan", the first slanted category name was cut at the left edge, the flows'
right-hand names at the right edge).

The layout is read back from the chart library (ECharts) itself: each text it drew, with its box in
canvas pixels after rotation, and the legend's box."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from techtransfer.contracts.history import load as load_history
from techtransfer.contracts.models import HistoricalTurnover
from techtransfer.contracts.tests.factories import BUYER2_USCC, buyer, registered
from techtransfer.core import uscc
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

CHARTS = ["chart-history", "chart-month", "chart-type", "chart-field", "chart-flows"]

# Every chart on the page: its size, the legend's box, and every text drawn (zrender draws a Text as
# tspans: their Text is the one with the box), in canvas pixels: x, y, width, height.
LAYOUT = """() => {
  const box = (el) => { const r = el.getBoundingRect().clone(); if (el.transform) { r.applyTransform(el.transform); }
    return [r.x, r.y, r.width, r.height]; };
  const out = {};
  for (const el of document.querySelectorAll("[_echarts_instance_]")) {
    const chart = echarts.getInstanceByDom(el);
    const legendModel = chart.getModel().getComponent("legend");
    const legend = legendModel ? chart.getViewOfComponentModel(legendModel).group : null;
    const inLegend = (node) => { for (let p = node; p; p = p.parent) { if (p === legend) { return true; } } return false; };
    const texts = [];
    const seen = new Set();
    for (const drawn of chart.getZr().storage.getDisplayList(true)) {
      const text = drawn.type === "tspan" ? drawn.parent : drawn;
      if (!text || text.type !== "text" || seen.has(text) || text.ignore || text.invisible) { continue; }
      seen.add(text);
      const shown = (text.style.text || "").trim();
      if (shown) { texts.push({ text: shown, axisName: text.anid === "name", legend: inLegend(text), box: box(text) }); }
    }
    out[el.id] = { width: chart.getWidth(), height: chart.getHeight(), texts: texts, legend: legend ? box(legend) : null };
  }
  return out;
}"""


def overlap(a: list[float], b: list[float]) -> bool:
    """Whether two boxes (x, y, width, height) share some area (touching edges do not count)."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(box: list[float], width: int, height: int) -> bool:
    # A hundredth of a pixel of rounding is no cut.
    x, y, w, h = box
    return x >= -0.01 and y >= -0.01 and x + w <= width + 0.01 and y + h <= height + 0.01


def problems(layout: dict[str, Any]) -> list[str]:
    """What is wrong with each chart's layout, as readable lines (none: all is well)."""
    found = []
    for chart_id, chart in layout.items():
        for t in chart["texts"]:
            if not inside(t["box"], chart["width"], chart["height"]):
                found.append(f"{chart_id}: “{t['text']}” {t['box']} outside {chart['width']}×{chart['height']}")
            if chart["legend"] and not t["legend"] and overlap(chart["legend"], t["box"]):
                found.append(f"{chart_id}: legend {chart['legend']} over “{t['text']}” {t['box']}")
    return found


def _data() -> None:
    """Registered contracts of a seller in 南昌县: bought in 南昌县, in Ganzhou ("elsewhere in the
    province" for the city of Nanchang) and in Guangdong (the longest English region name); the
    yearbook series (a transactional test may have flushed them)."""
    load_history(HistoricalTurnover)
    county = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360121", name="南昌县科学技术局")
    province = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id="360000", name="江西省科学技术厅")
    seller = OrganisationFactory(region_id="360121", name="南昌县图表公司", status=OrganisationStatus.VERIFIED)
    admin = MembershipFactory(user=UserFactory(), organisation=seller, role=Role.ORG_ADMIN).user
    registrar = MembershipFactory(user=UserFactory(), organisation=county, role=Role.GOV_REVIEWER).user
    MembershipFactory(user=UserFactory(username="chart_official"), organisation=province, role=Role.GOV_OFFICIAL)
    buyers = [
        buyer(name="南昌县买方", uscc=uscc.make("91360100MA0000005"), region_id="360121"),
        buyer(),  # 赣州市章贡区
        buyer(name="广东买方", uscc=BUYER2_USCC, region_id="440106"),
    ]
    kinds = [("development", "commissioned", "electronic_information"), ("transfer", "patent", "advanced_manufacturing"),
             ("service", "training", "urban_construction")]  # fmt: skip
    for i, (party, (kind, subtype, field)) in enumerate(zip(buyers, kinds, strict=True)):
        registered(seller, admin, registrar, contract_type=kind, subtype=subtype, tech_field=field,
                   contract_amount=Decimal(3_000_000 - i * 800_000), non_technical_costs=Decimal("0.00"),
                   parties={"buyer": party})  # fmt: skip


def _layout(page: Page, url: str) -> dict[str, Any]:
    page.goto(url)
    expect(page.locator("#chart-flows canvas")).to_be_attached()
    return _settled(page)


def _plot_width(page: Page, chart_id: str) -> float:
    """The width of the chart's plot, between its axes (px)."""
    return float(
        page.evaluate(
            "id => echarts.getInstanceByDom(document.getElementById(id))"
            ".getModel().getComponent('grid').coordinateSystem.getRect().width",
            chart_id,
        )
    )


def _settled(page: Page) -> dict[str, Any]:
    """The layout once the charts stand still (ECharts animates changes: a text read while it moves is
    read where it passes)."""
    layout = page.evaluate(LAYOUT)
    for _ in range(20):
        page.wait_for_timeout(300)
        again = page.evaluate(LAYOUT)
        if again == layout:
            return layout
        layout = again
    raise AssertionError(f"the charts of {page.url} kept moving")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_charts_fit_a_phone_and_a_desktop(
    live_server, chromium_browser: Browser, regions, screenshot_dir, locale
) -> None:
    _data()
    context = chromium_browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "chart_official")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#current-user")).to_be_attached()
    english = locale == "en"
    province = f"{live_server.url}/contracts/statistics/"
    city = f"{province}?region=360100"  # the flows of Nanchang: Ganzhou is "elsewhere in the province"
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        for scope, url in (("province", province), ("city", city)):
            layout = _layout(page, url)
            assert sorted(layout) == sorted(CHARTS)
            found = problems(layout)
            assert found == [], f"{width} px, {scope} scope:\n" + "\n".join(found)
            # What the checks above looked at: the legends and the axis names are there.
            for chart_id in CHARTS[:4]:
                assert layout[chart_id]["legend"] is not None
            for chart_id in CHARTS[1:4]:
                names = [t["text"] for t in layout[chart_id]["texts"] if t["axisName"]]
                assert names == (["10,000 yuan"] if english else ["万元"])
            names = [t["text"] for t in layout["chart-history"]["texts"] if t["axisName"]]
            own = "Contract amount registered here" if english else "本平台登记合同金额"
            if width == 390:  # the legend names the series; the unit stands once, for the plot's room
                assert names == (["100 million yuan"] if english else ["亿元"])
                assert _plot_width(page, "chart-history") >= 200
            else:
                assert len(names) == 3 and any(n.startswith(own) for n in names)
            flows = [t["text"] for t in layout["chart-flows"]["texts"]]
            elsewhere = "▸ Elsewhere in the province" if english else "▸ 省内其他地区"
            guangdong = "▸ 广东省 (Guangdong Province)" if english else "▸ 广东省"
            assert (elsewhere in flows) == (scope == "city") and guangdong in flows
            page.screenshot(
                path=str(screenshot_dir / f"statistics-charts-{locale}-{width}-{scope}.png"), full_page=True
            )
    # A window narrowed from a desktop's to a phone's lays the charts out again.
    page.set_viewport_size({"width": 390, "height": 844})
    found = problems(_settled(page))
    assert found == [], "resized to 390 px:\n" + "\n".join(found)
    context.close()
