"""How fast a search results page loads on a phone: Debian's chromium, driven by Playwright, as a
375 px wide touch phone on an emulated mobile network, with the CPU slowed down.

The defaults are Lighthouse's mobile profile ("slow 4G": 150 ms round trip, 1.6 Mbit/s down,
750 kbit/s up; CPU 4 × slower). For each question the page is opened twice in a fresh browser
context: first with an empty browser cache (a first visit: the page, the style sheets and the
scripts all come over the network), then once more (a repeat visit: the static files come from the
browser cache). Each visit reports time to first byte, first contentful paint, largest contentful
paint, DOMContentLoaded and load, the bytes transferred and the number of requests, all read from
the browser's own Navigation, Paint and Resource Timing entries. Chromium adds the emulated round
trip after the response headers, so the time to first byte is the server's (and loopback's) share;
the paints and load include the emulated network.

Before measuring, each question is asked a few times without the browser, so that every server
process has loaded its index, vectors and encoder (a process's first question pays for that).

Against a running server (e.g. `make run`, or granian on a demo database):

    python scripts/bench_phone.py --base http://127.0.0.1:8000 --queries 稀土 永磁电机 \
        "一种基于深度学习的锂电池健康状态估计方法" --out phone.json

Never runs `playwright install`: it needs /usr/bin/chromium (`make system-deps`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from techtransfer.search.loadtest import percentile

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 375, "height": 740}
DEFAULT_QUERIES = ["稀土", "永磁电机", "锂电池", "一种基于深度学习的图像识别方法"]
# What the page reports once it has loaded (the paints are buffered, so they are there too).
MEASURE = """() => new Promise((resolve) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((p) => [p.name, p.startTime]));
  let lcp = null;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) lcp = entry.startTime;
  }).observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => {
    const resources = performance.getEntriesByType("resource");
    resolve({
      ttfb: nav.responseStart,
      fcp: paint["first-contentful-paint"] ?? null,
      lcp: lcp,
      dcl: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      html_bytes: nav.transferSize,
      html_decoded_bytes: nav.decodedBodySize,
      bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0),
      requests: 1 + resources.length,
      from_cache: resources.filter((r) => r.transferSize === 0).length,
    });
  }, 50);
})"""


THROTTLING = ("rtt_ms", "down_kbps", "up_kbps", "cpu_slowdown")


def visit_twice(browser: Any, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """A first and a repeat visit of `url` in a fresh context (empty cache), throttled."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": args.rtt_ms,
                "downloadThroughput": args.down_kbps * 1000 / 8,
                "uploadThroughput": args.up_kbps * 1000 / 8,
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_slowdown})
        visits = []
        for visit in ("first", "repeat"):
            response = page.goto(url, wait_until="load", timeout=60_000)
            if response is None or response.status != 200:
                raise SystemExit(f"{url}: HTTP {None if response is None else response.status}")
            hits = page.locator("#search-hits li").count()
            visits.append({"visit": visit, "url": url, "hits": hits, **page.evaluate(MEASURE)})
        return visits
    finally:
        context.close()


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"pages": len(rows)}
    for key in ("ttfb", "fcp", "lcp", "dcl", "load"):
        values = [r[key] for r in rows if r[key] is not None]
        if values:
            out[key] = {"p50": round(statistics.median(values)), "p95": round(percentile(sorted(values), 95))}
    for key in ("bytes", "html_bytes", "html_decoded_bytes", "requests"):
        out[key] = round(statistics.median(r[key] for r in rows))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--queries", nargs="+", default=DEFAULT_QUERIES)
    parser.add_argument("--queries-file", type=Path, help="one question a line (added to --queries)")
    parser.add_argument("--rounds", type=int, default=3, help="times each question is measured")
    parser.add_argument("--rtt-ms", type=float, default=150.0)
    parser.add_argument("--down-kbps", type=float, default=1638.4)
    parser.add_argument("--up-kbps", type=float, default=750.0)
    parser.add_argument("--cpu-slowdown", type=float, default=4.0)
    parser.add_argument("--warmup", type=int, default=4, help="requests per question before measuring")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    queries = list(args.queries)
    if args.queries_file:
        queries += [line.strip() for line in args.queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]

    from playwright.sync_api import sync_playwright

    if not args.base.startswith(("http://", "https://")):
        raise SystemExit("--base must be an http(s) URL")
    for query in queries:
        for i in range(args.warmup):
            urllib.request.urlopen(f"{args.base.rstrip('/')}/search/?q={quote(query)}&warm={i}", timeout=60).read()  # noqa: S310 (checked above)
    rows: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            for round_ in range(args.rounds):
                for i, query in enumerate(queries):
                    # A parameter the page ignores keeps each round's URL new to the results cache.
                    url = f"{args.base.rstrip('/')}/search/?q={quote(query)}&r={round_}"
                    rows.extend(visit_twice(browser, url, args))
                    print(f"\r{round_ * len(queries) + i + 1}/{args.rounds * len(queries)} pages", end="", flush=True)
        finally:
            browser.close()
    print()
    result: dict[str, Any] = {
        "profile": {"viewport": PHONE, **{k: getattr(args, k) for k in THROTTLING}},
        "first": summary([r for r in rows if r["visit"] == "first"]),
        "repeat": summary([r for r in rows if r["visit"] == "repeat"]),
        "rows": rows,
    }
    for visit in ("first", "repeat"):
        s = result[visit]
        print(
            f"{visit:6s} visit ({s['pages']} pages): TTFB p50 {s['ttfb']['p50']} ms, FCP p50 {s['fcp']['p50']} / "
            f"p95 {s['fcp']['p95']} ms, LCP p50 {s['lcp']['p50']} / p95 {s['lcp']['p95']} ms, "
            f"load p50 {s['load']['p50']} ms; {s['bytes'] / 1024:.1f} KB in {s['requests']} requests "
            f"(page {s['html_bytes'] / 1024:.1f} KB over the wire, {s['html_decoded_bytes'] / 1024:.1f} KB decoded)"
        )
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
