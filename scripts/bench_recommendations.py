"""Latency of recommendations and "more like this" on the current database and index.

Runs `search.recommend.recommend` for every published need and `similar` for every indexed
achievement (or the first --limit of each), as an anonymous visitor, end to end below HTTP:
source document from the database, engine queries, candidate re-load and scoring.

    TECHTRANSFER_VAR_DIR=/tmp/demo-var PYTHONPATH=src python scripts/bench_recommendations.py --limit 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser

    from techtransfer.search import recommend
    from techtransfer.search.registry import get_type

    user = AnonymousUser()

    def pks(type_name: str) -> list[str]:
        return [d.pk for d, _ in zip(get_type(type_name).load(None), range(args.limit), strict=False)]

    def measure(label: str, type_name: str, fn: object) -> None:
        times: list[float] = []
        shown = 0
        for pk in pks(type_name):
            started = time.perf_counter()
            doc = recommend.source_document(user, type_name, pk)
            if doc is None:
                continue
            out = fn(user, doc)  # type: ignore[operator]
            times.append((time.perf_counter() - started) * 1000)
            shown += sum(len(g.items) for g in out) if out and hasattr(out[0], "items") else len(out)
        if not times:
            print(f"{label}: no records")
            return
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{label}: n={len(times)} p50={statistics.median(times):.1f} ms p95={p95:.1f} ms "
            f"max={times[-1]:.1f} ms, results/record={shown / len(times):.1f}"
        )

    measure("recommend(need)", "need", recommend.recommend)
    measure("recommend(achievement)", "achievement", recommend.recommend)
    measure("similar(achievement)", "achievement", recommend.similar)
    measure("similar(need)", "need", recommend.similar)


if __name__ == "__main__":
    main()
