"""Measure the suggestion table: build time, memory and lookup latency on real titles and keywords.

Titles come from the classification files of ../shared/bench (patent, paper and category titles),
keywords from the `keywords` queries of the retrieval set; `--repeat N` adds N-1 copies of every
title with a numeric suffix (distinct entries, for scale only). Lookups use typed prefixes,
traditional input, homophone typos, typed pinyin and Latin typos; `/search/suggest` is timed through
Django's test client with the table in place (the view and template, no HTTP server).

    PYTHONPATH=src python scripts/bench_suggest.py --bench ../shared/bench --repeat 5
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

QUERIES = [
    "太阳", "钛阳能", "太陽能", "taiyang", "石墨", "湿墨烯", "锂电", "里电池", "电动汽车", "区块链", "曲块链",
    "神经网络", "神精网络", "水電站", "fpga", "fgpa", "mimo", "rfdi", "5g", "一种水电",
]  # fmt: skip


def load(bench: Path) -> tuple[list[str], Counter[str]]:
    csv.field_size_limit(sys.maxsize)
    titles: list[str] = []
    for name, column in (
        ("classification/patent_ipc_train.tsv", "title"),
        ("classification/discipline_train.tsv", "title"),
        ("classification/category_title_train.tsv", "text"),
    ):
        path = bench / name
        if path.exists():
            with path.open(encoding="utf-8") as f:
                titles += [row[column] for row in csv.DictReader(f, delimiter="\t")]
    keywords: Counter[str] = Counter()
    with (bench / "retrieval/queries_dev.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["qtype"] == "keywords":
                keywords.update(row["text"].split())
    return titles, keywords


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", type=Path, default=Path("../shared/bench"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from techtransfer.search import suggest

    titles, keywords = load(args.bench)
    pairs = [
        (t if k == 0 else f"{t}{k}", f"/achievements/{i}/") for k in range(args.repeat) for i, t in enumerate(titles)
    ]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    table = suggest.Suggester(keywords, pairs)
    build = time.perf_counter() - started
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    print(
        f"entries {len(table):,} (titles {len(pairs):,}, keywords {len(keywords):,}), latin words {len(table.latin):,}"
    )
    print(f"build {build:.2f} s, RSS growth {rss:.0f} MB")

    lookups: list[float] = []
    for _ in range(args.rounds):
        for q in QUERIES:
            t = time.perf_counter()
            table.suggest(q)
            lookups.append((time.perf_counter() - t) * 1000)
    lookups.sort()
    print(
        f"lookup ms: p50 {statistics.median(lookups):.3f}, p95 {lookups[int(len(lookups) * 0.95)]:.3f}, "
        f"max {lookups[-1]:.3f} ({len(lookups)} lookups)"
    )

    suggest._state.update(suggester=table, built_at=time.monotonic())
    setup_test_environment()
    client = Client()
    views: list[float] = []
    for _ in range(max(1, args.rounds // 5)):
        for q in QUERIES:
            t = time.perf_counter()
            response = client.get("/search/suggest", {"q": q})
            views.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
    views.sort()
    p95 = views[int(len(views) * 0.95)]
    print(f"/search/suggest ms (view + template, anonymous): p50 {statistics.median(views):.3f}, p95 {p95:.3f}")
    for q in QUERIES[:8]:
        print(f"  {q!r:10} → {[s.text[:16] for s in table.suggest(q)[:3]]}")


if __name__ == "__main__":
    main()
