"""scripts/bench_phone.py measures what it says: a first visit fetches the page and its five static
files (two style sheets, htmx, bootstrap, the search box's keys), a repeat visit takes those five from
the browser cache, and the paints are read back."""

import argparse
import importlib.util
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.tests.factories import OrganisationFactory
from techtransfer.search.backends import reset_backends
from techtransfer.search.services import reindex

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_phone.py"


def _bench_phone():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_phone", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_first_and_repeat_visit_of_a_results_page(live_server, chromium_browser: Browser, regions, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    org = OrganisationFactory(name="南昌电气科技有限公司", region_id="360121", status=OrganisationStatus.VERIFIED)
    for i in range(3):
        AchievementFactory(
            organisation=org, name=f"一种稀土永磁电机的控制方法{i}", keywords=["永磁电机"],
            abstract="提出一种稀土永磁同步电机的矢量控制方法。", status=AchievementStatus.PUBLISHED,
            published_at=timezone.now(),
        )  # fmt: skip
    reindex()
    bench = _bench_phone()
    # A fast profile: the test checks what is measured, not how fast.
    args = argparse.Namespace(rtt_ms=20.0, down_kbps=20_000.0, up_kbps=10_000.0, cpu_slowdown=1.0)
    first, repeat = bench.visit_twice(chromium_browser, f"{live_server.url}/search/?q=永磁电机", args)
    assert (first["visit"], first["hits"], first["requests"], first["from_cache"]) == ("first", 3, 7, 0)
    assert (repeat["visit"], repeat["hits"], repeat["requests"], repeat["from_cache"]) == ("repeat", 3, 7, 6)
    assert repeat["bytes"] == repeat["html_bytes"] < first["bytes"]  # only the page came over the network
    for visit in (first, repeat):
        assert 0 < visit["ttfb"] <= min(visit["fcp"], visit["load"])  # the first paint may follow "load"
        assert visit["lcp"] is not None and visit["html_decoded_bytes"] > 0
    summary = bench.summary([first, repeat])
    assert summary["pages"] == 2 and summary["requests"] == 7
    assert summary["fcp"]["p95"] == round(max(first["fcp"], repeat["fcp"]))
