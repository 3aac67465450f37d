"""Measure subscription matching: the time `subscriptions.match_changed` adds to each outbox batch.

Indexes the retrieval corpus of ../shared/bench as public achievement documents in a temporary
index, creates N subscribers each with one saved search (queries taken from the `keywords` queries
of the same set, so some match), and times matching one batch of changed records (the outbox
batch size, 500) through the real path: each subscription's request restricted to the batch, with
its owner's visibility, plus inserting match rows. Uses a throw-away SQLite database.

    PYTHONPATH=src python scripts/bench_subscriptions.py --bench ../shared/bench --subscriptions 1000
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", type=Path, default=Path("../shared/bench"))
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-subs-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    os.environ["SEARCH_INDEX_DIR"] = str(tmp / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from techtransfer.core.models import User
    from techtransfer.search import subscriptions
    from techtransfer.search.backends import get_backend
    from techtransfer.search.models import SearchSubscription, SubscriptionMatch
    from techtransfer.search.registry import PUBLIC, SearchDocument

    csv.field_size_limit(sys.maxsize)
    with (args.bench / "retrieval/corpus.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    with (args.bench / "retrieval/queries_dev.tsv").open(encoding="utf-8") as f:
        queries = [r["text"] for r in csv.DictReader(f, delimiter="\t") if r["qtype"] == "keywords"]
    docs = [
        SearchDocument(
            type="achievement", pk=str(i), title=r["text"][:40], url=f"/achievements/{i}/",
            fields={"title": r["text"][:40], "body": r["text"]}, visibility=[PUBLIC],
        )
        for i, r in enumerate(rows, start=1)
    ]  # fmt: skip
    started = time.perf_counter()
    get_backend().rebuild(docs)
    print(f"indexed {len(docs):,} documents in {time.perf_counter() - started:.1f} s")

    users = User.objects.bulk_create(
        [User(username=f"u{i}", email=f"u{i}@example.org") for i in range(args.subscriptions)]
    )
    SearchSubscription.objects.bulk_create(
        [
            SearchSubscription(
                user=u, name=f"s{i}", query=queries[i % len(queries)].split()[0],
                frequency=SearchSubscription.Frequency.DAILY,
            )
            for i, u in enumerate(users)
        ]
    )  # fmt: skip
    batch = docs[: args.batch]
    started = time.perf_counter()
    created = subscriptions.match_changed(batch)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = subscriptions.match_changed(batch)
    second = time.perf_counter() - started
    print(
        f"{args.subscriptions:,} subscriptions × {len(batch)} changed records: {first:.2f} s "
        f"({first / args.subscriptions * 1000:.2f} ms per subscription), {created:,} new matches; "
        f"the same batch again {second:.2f} s, {again} new matches; rows {SubscriptionMatch.objects.count():,}"
    )


if __name__ == "__main__":
    main()
