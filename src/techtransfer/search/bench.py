"""Benchmarks on files in the format of ../shared/bench (UTF-8 TSV with a header row).

Retrieval runs the real engine: documents go through the same `HybridBackend` (segmentation,
bigrams, field weights, static embeddings) into a temporary index, and every query through `services.run`, the call
the search page makes, snippets included, so the latency is end to end below the HTTP layer.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techtransfer.search import services
from techtransfer.search.backends.base import SearchBackend, SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType

K = 10
BENCH_FIELDS = {"title": 3.0, "body": 1.0}

csv.field_size_limit(sys.maxsize)


def read_tsv(path: Path | str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def ndcg_at_k(ranked: list[str], rels: dict[str, int], k: int = K) -> float:
    """nDCG@k with linear gains (trec_eval's ndcg_cut): sum rel/log2(rank+1) over the ideal order."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], rels: dict[str, int], k: int = K) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def mrr_at_k(ranked: list[str], rels: dict[str, int], k: int = K) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranked[:k]) if rels.get(d, 0) > 0), 0.0)


@dataclass
class Scores:
    n: int = 0
    ndcg: float = 0.0
    recall: float = 0.0
    mrr: float = 0.0

    def add(self, ndcg: float, recall: float, mrr: float) -> None:
        self.n += 1
        self.ndcg += ndcg
        self.recall += recall
        self.mrr += mrr

    def as_dict(self) -> dict[str, float | int]:
        n = max(self.n, 1)
        return {
            "queries": self.n,
            "ndcg@10": round(self.ndcg / n, 4),
            "recall@10": round(self.recall / n, 4),
            "mrr@10": round(self.mrr / n, 4),
        }


@dataclass
class RetrievalResult:
    documents: int
    build_seconds: float
    overall: dict[str, float | int]
    per_qtype: dict[str, dict[str, float | int]]
    latency_ms: dict[str, float]
    skipped_queries: int
    runs: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "index_build_seconds": round(self.build_seconds, 2),
            "build_docs_per_second": round(self.documents / max(self.build_seconds, 1e-9), 1),
            "overall": self.overall,
            "per_qtype": self.per_qtype,
            "latency_ms": self.latency_ms,
            "skipped_queries_without_judgments": self.skipped_queries,
        }


def _documents(rows: list[dict[str, str]]) -> Iterator[SearchDocument]:
    for row in rows:
        yield SearchDocument(
            type="bench",
            pk=row["docid"],
            title=row.get("title", "") or row["docid"],
            url="",
            fields={"title": row.get("title", ""), "body": row.get("text", "")},
            visibility=[PUBLIC],
            summary=row.get("text", ""),
        )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def run_retrieval(
    *,
    corpus: Path | str,
    queries: Path | str,
    qrels: Path | str,
    index_dir: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    mode: SearchMode | str = SearchMode.HYBRID,
    tune: Callable[[SearchBackend], None] | None = None,
) -> RetrievalResult:
    """Index `corpus`, run every judged query in `mode`, and score the top 10 of each."""
    say = progress or (lambda _msg: None)
    docs = read_tsv(corpus)
    judgments: dict[str, dict[str, int]] = defaultdict(dict)
    for row in read_tsv(qrels):
        judgments[row["qid"]][row["docid"]] = int(row.get("relevance") or 1)
    bench_type = SearchType(
        name="bench", label="bench", model_label="bench.document", fields=BENCH_FIELDS, load=lambda pks: iter(())
    )
    with tempfile.TemporaryDirectory(prefix="tt-bench-", dir=index_dir) as tmp:
        backend = HybridBackend(Path(tmp) / "index", [bench_type])
        say(f"indexing {len(docs)} documents")
        started = time.perf_counter()
        backend.rebuild(_documents(docs))
        build = time.perf_counter() - started
        say(f"indexed in {build:.1f} s; running queries ({mode})")
        if tune is not None:
            tune(backend)
        overall = Scores()
        per_type: defaultdict[str, Scores] = defaultdict(Scores)
        latencies: list[float] = []
        runs: dict[str, list[str]] = {}
        skipped = 0
        for q in read_tsv(queries):
            rels = judgments.get(q["qid"])
            if not rels:
                skipped += 1
                continue
            request = SearchRequest(query=q["text"], visibility=frozenset({PUBLIC}), limit=K, mode=SearchMode(mode))
            t0 = time.perf_counter()
            result = services.run(request, backend)
            latencies.append((time.perf_counter() - t0) * 1000)
            ranked = [h.pk for h in result.hits]
            runs[q["qid"]] = ranked
            scores = (ndcg_at_k(ranked, rels), recall_at_k(ranked, rels), mrr_at_k(ranked, rels))
            overall.add(*scores)
            per_type[q.get("qtype") or "all"].add(*scores)
    return RetrievalResult(
        documents=len(docs),
        build_seconds=build,
        overall=overall.as_dict(),
        per_qtype={k: v.as_dict() for k, v in sorted(per_type.items())},
        latency_ms={
            "p50": round(statistics.median(latencies), 2) if latencies else 0.0,
            "p95": round(_percentile(latencies, 0.95), 2),
            "mean": round(statistics.fmean(latencies), 2) if latencies else 0.0,
        },
        skipped_queries=skipped,
        runs=runs,
    )
