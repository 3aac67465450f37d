"""Benchmarks on files in the format of ../shared/bench (UTF-8 TSV with a header row; the other ways of
writing them that are read too are listed in bench/README.md, "Input files").

Retrieval runs the real engine: documents go through the same `HybridBackend` (segmentation,
bigrams, field weights, static embeddings) into a temporary index, and every query through `services.run`, the call
the search page makes, snippets included, so the latency is end to end below the HTTP layer.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techtransfer.search import services, text
from techtransfer.search.backends.base import SearchBackend, SearchMode, SearchRequest
from techtransfer.search.backends.hybrid import HybridBackend
from techtransfer.search.loadtest import percentile
from techtransfer.search.permissions import org_token
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType
from techtransfer.search.semantic import deep
from techtransfer.search.semantic.encoder import get_encoder

K = 10
BENCH_FIELDS = {"title": 3.0, "body": 1.0}

csv.field_size_limit(sys.maxsize)


class Rows(list[dict[str, str]]):
    """The rows of `read_tsv`, with the file's column names (`columns`, also when there is no row) and
    how many rows had more or fewer fields than the header (`malformed`: a tab inside a text)."""

    def __init__(self, rows: Iterable[dict[str, str]] = (), columns: Sequence[str] = (), malformed: int = 0) -> None:
        super().__init__(rows)
        self.columns = list(columns)
        self.malformed = malformed


def read_text(path: Path | str) -> str:
    """The text of `path`: UTF-8 (a byte-order mark at its start is dropped), or UTF-16 when it starts
    with UTF-16's byte-order mark. Anything else (GBK, UTF-16 without the mark) is refused, naming the
    file, rather than read as something else."""
    data = Path(path).read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: starts as UTF-16 but is not (byte {exc.start}); it must be UTF-8") from None
    if b"\0" in data:  # no text file holds one, UTF-16 one in two or more
        raise ValueError(f"{path}: not UTF-8 (it holds NUL bytes: UTF-16 without a byte-order mark?); it must be UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not UTF-8 (byte {exc.start} is {data[exc.start : exc.start + 1]!r}: GBK?); it must be UTF-8"
        ) from None


def read_tsv(path: Path | str) -> Rows:
    """The rows of a TSV file with a header row, read as the dev files are written: UTF-8 (`read_text`),
    tabs only between fields. Column names are read in lower case, without surrounding spaces (` QID`
    is `qid`). A row with a field missing reads it as ""; fields beyond the header are left out
    (`Rows.malformed` counts both)."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [name.strip().lower() for name in next(reader, [])]
    rows = Rows(columns=header)
    for line in reader:
        if not line:  # a blank line
            continue
        if len(line) != len(header):
            rows.malformed += 1
        rows.append(dict(zip(header, itertools.chain(line, itertools.repeat("")), strict=False)))
    return rows


# Column names of the same files elsewhere (BEIR: query-id, corpus-id, score; _id; title, text).
_QID = ("qid", "query-id", "query_id", "_id", "id")
_DOCID = ("docid", "corpus-id", "corpus_id", "doc_id", "_id", "id")
_RELEVANCE = ("relevance", "score", "rel", "label")
_TEXT = ("text", "body", "contents", "content", "abstract")
_TITLE = ("title",)
_QUERY_TEXT = ("text", "query", "question")
_QTYPE = ("qtype", "query_type")


def _column(columns: Sequence[str], names: Sequence[str]) -> str | None:
    return next((n for n in names if n in columns), None)


def read_corpus(path: Path | str) -> Rows:
    """Every row of a corpus TSV, in file order, as {"docid", "title", "text"} (the id stripped of
    surrounding spaces): the id column under any name of `_DOCID`, the text under any of `_TEXT`.
    Refuses an empty file, one without an id column, one with neither a text nor a title column, and
    one without documents."""
    rows = read_tsv(path)
    if not rows.columns:
        raise ValueError(f"{path}: empty file")
    docid, title, body = (_column(rows.columns, names) for names in (_DOCID, _TITLE, _TEXT))
    if docid is None:
        raise ValueError(f"{path}: no document id column among {rows.columns}")
    if title is None and body is None:
        raise ValueError(f"{path}: no text column ({', '.join(_TEXT)}) and no title column among {rows.columns}")
    if not rows:
        raise ValueError(f"{path}: no documents (a header row only)")
    return Rows(
        (
            {"docid": r[docid].strip(), "title": r[title] if title else "", "text": r[body] if body else ""}
            for r in rows
        ),
        columns=["docid", "title", "text"],
        malformed=rows.malformed,
    )


def read_queries(path: Path | str, progress: Callable[[str], None] | None = None) -> Rows:
    """The queries of a TSV as {"qid", "text", "qtype"} (id and text stripped), one per id: a repeated
    id keeps its first row (said through `progress`, as rows with a wrong number of fields are).
    Refuses a file without an id column, without a text column (any of `_QUERY_TEXT`) or without rows."""
    say = progress or (lambda _msg: None)
    rows = read_tsv(path)
    if not rows.columns:
        raise ValueError(f"{path}: empty file")
    qid, question, qtype = (_column(rows.columns, names) for names in (_QID, _QUERY_TEXT, _QTYPE))
    if qid is None:
        raise ValueError(f"{path}: no query id column among {rows.columns}")
    if question is None:
        raise ValueError(f"{path}: no query text column among {rows.columns}")
    if not rows:
        raise ValueError(f"{path}: no queries (a header row only)")
    if rows.malformed:
        say(f"warning: {rows.malformed} query rows have more or fewer fields than the header")
    queries = Rows(columns=["qid", "text", "qtype"], malformed=rows.malformed)
    seen: set[str] = set()
    repeated = 0
    for r in rows:
        key = r[qid].strip()
        if key and key in seen:
            repeated += 1
            continue
        seen.add(key)
        queries.append({"qid": key, "text": r[question].strip(), "qtype": r[qtype].strip() if qtype else ""})
    if repeated:
        say(f"warning: {repeated} query rows repeat an earlier query id and are left out (the first row is scored)")
    return queries


def read_qrels(path: Path | str, progress: Callable[[str], None] | None = None) -> dict[str, dict[str, int]]:
    """Judgments {qid: {docid: relevance}} from a qrels file, tab-separated or, without any tab, split
    on spaces: with a header (qid, docid, relevance, as the dev files, or BEIR's query-id, corpus-id,
    score, in any case), or without one: qid, docid[, relevance[, ignored]], or TREC's qid, 0, docid,
    relevance (4 columns whose second is 0 or Q0 on every line). Ids are stripped of surrounding
    spaces. Graded relevance may be written 2 or 2.0; a missing one is 1. Lines with another number of
    fields are said through `progress`."""
    say = progress or (lambda _msg: None)
    content = read_text(path)
    tabs = "\t" in content
    lines = [
        [f.strip() for f in (line.split("\t") if tabs else line.split())]
        for line in content.splitlines()
        if line.strip()
    ]
    if not lines:
        raise ValueError(f"{path}: empty file")
    first = [f.lower() for f in lines[0]]
    if any(name in first for name in (*_QID, *_DOCID, *_RELEVANCE)):  # a header
        qid, docid, rel = (_column(first, names) for names in (_QID, _DOCID, _RELEVANCE))
        if qid is None:
            raise ValueError(f"{path}: no query id column among {first}")
        if docid is None or docid == qid:
            raise ValueError(f"{path}: no document id column among {first}")
        width = len(first)
        pick = (first.index(qid), first.index(docid), first.index(rel) if rel is not None else None)
        body = lines[1:]
        odd = sum(1 for line in body if len(line) != width)
        if odd:
            say(f"warning: {odd} qrels rows have more or fewer fields than the header")
    else:
        width = len(lines[0])
        if width not in (2, 3, 4):
            raise ValueError(f"{path}: no header and {width} columns; expected qid, docid[, relevance]")
        body = [line for line in lines if len(line) == width]
        if len(body) < len(lines):
            say(f"warning: {len(lines) - len(body)} qrels lines without {width} fields (as the first) left out")
        trec = width == 4 and all(line[1].lower() in ("0", "q0") for line in body)
        pick = (0, 2, 3) if trec else (0, 1, 2 if width > 2 else None)
    judgments: dict[str, dict[str, int]] = defaultdict(dict)
    for line in body:
        q, d, raw = (line[i] if i is not None and i < len(line) else "" for i in pick)
        if not q or not d:
            continue
        try:
            judgments[q][d] = int(float(raw)) if raw else 1
        except ValueError:
            raise ValueError(
                f"{path}: relevance {raw!r} of query {q}, document {d} is not a number (is this a qrels file?)"
            ) from None
    return judgments


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
    table: str = ""  # version of the embedding table the semantic side used
    rerank: str = ""  # model of the re-ranking stage ("" when off)
    rerank_passages: int = 0  # passages it embedded (on demand: the candidates of long queries)
    rerank_seconds: float = 0.0  # time spent embedding them (left out of the query latency)
    judged_not_in_corpus: int = 0  # documents judged relevant for a scored query that the corpus lacks

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "index_build_seconds": round(self.build_seconds, 2),
            "build_docs_per_second": round(self.documents / max(self.build_seconds, 1e-9), 1),
            "overall": self.overall,
            "per_qtype": self.per_qtype,
            "latency_ms": self.latency_ms,
            "skipped_queries_without_judgments": self.skipped_queries,
            "judged_documents_not_in_corpus": self.judged_not_in_corpus,
            "table": self.table,
            "rerank": self.rerank,
            "rerank_passages": self.rerank_passages,
            "rerank_embed_seconds": round(self.rerank_seconds, 1),
            # Each scored query's top 10, so two runs (or a held-out result) can be compared query by query.
            "runs": self.runs,
        }


def _documents(rows: list[dict[str, str]]) -> Iterator[SearchDocument]:
    for row in rows:
        yield SearchDocument(
            type="bench",
            pk=row["docid"],
            title=row["title"] or row["docid"],
            url="",
            fields={"title": row["title"], "body": row["text"]},
            visibility=[PUBLIC],
            summary=row["text"],
        )


def run_retrieval(
    *,
    corpus: Path | str,
    queries: Path | str,
    qrels: Path | str,
    index_dir: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    mode: SearchMode | str = SearchMode.HYBRID,
    tune: Callable[[SearchBackend], None] | None = None,
    table: Path | str | None = None,
    rerank: bool = True,
) -> RetrievalResult:
    """Index `corpus`, run every judged query in `mode`, and score the top 10 of each.

    `table`: another embedding table file than the shipped one (e.g. one rebuilt with
    `scripts/build_static_embeddings.py --holdout-fold k`, to score the dev queries of fold k).
    `rerank`: the e5 re-ranking stage of long hybrid queries, as the platform runs it. Here there is
    no worker, so a candidate's passage is embedded the first time a query needs it; that time is
    left out of the query latency (in production the vectors are embedded in advance).

    The three files are read and checked before anything is indexed: a file that cannot score
    anything (no query id in common with the qrels, no judged document in the corpus) is a
    ValueError, not a run that scores 0."""
    say = progress or (lambda _msg: None)
    rows = read_corpus(corpus)
    # One document per id: a second row with the same id is left out (it would be ranked, and
    # counted, twice), and said.
    unique: dict[str, dict[str, str]] = {}
    for row in rows:
        unique.setdefault(row["docid"], row)
    docs = [row for docid, row in unique.items() if docid]
    if len(docs) < len(rows):
        say(f"warning: {len(rows) - len(docs)} corpus rows left out (a repeated or empty document id)")
    if rows.malformed:
        say(f"warning: {rows.malformed} corpus rows have more or fewer fields than the header")
    judgments = read_qrels(qrels, say)
    query_rows = read_queries(queries, say)
    # Scored: queries with a text and at least one relevant document (as trec_eval does).
    scored = [q for q in query_rows if q["text"] and any(r > 0 for r in judgments.get(q["qid"], {}).values())]
    if not scored:
        raise ValueError(
            f"no query could be scored: none of the {len(query_rows)} queries of {queries} has a text and a "
            f"judgment above 0 in {qrels}; do the query ids of the two files match?"
        )
    judged = {d for q in scored for d, r in judgments[q["qid"]].items() if r > 0}
    missing = len(judged - unique.keys())
    if missing == len(judged):
        raise ValueError(
            f"none of the {len(judged)} documents judged relevant in {qrels} is in {corpus}; "
            "do the document ids of the two files match?"
        )
    if missing:
        say(
            f"warning: {missing} of the {len(judged)} documents judged relevant for the scored queries are not in "
            "the corpus (they can never be found)"
        )
    bench_type = SearchType(
        name="bench", label="bench", model_label="bench.document", fields=BENCH_FIELDS, load=lambda pks: iter(())
    )
    with tempfile.TemporaryDirectory(prefix="tt-bench-", dir=index_dir) as tmp:
        encoder = get_encoder(Path(table)) if table else None
        deep_encoder = deep.ContextualEncoder(threads=os.cpu_count()) if rerank else None
        on_demand = (
            deep.OnDemandVectors(
                deep_encoder, {f"bench:{r['docid']}": deep.join_passage(r["title"], [r["text"]]) for r in docs}
            )
            if deep_encoder is not None
            else None
        )
        backend = HybridBackend(
            Path(tmp) / "index", [bench_type], encoder=encoder, deep_vectors=on_demand, deep_encoder=deep_encoder
        )
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
        for q in scored:
            rels = judgments[q["qid"]]
            # The text as it is written: a title's " -Al2O3" is not the search box's exclusion syntax.
            request = SearchRequest(
                query=text.literal(q["text"]), visibility=frozenset({PUBLIC}), limit=K, mode=SearchMode(mode)
            )
            embedding = on_demand.seconds if on_demand is not None else 0.0
            t0 = time.perf_counter()
            result = services.run(request, backend)
            embedding = (on_demand.seconds if on_demand is not None else 0.0) - embedding
            latencies.append((time.perf_counter() - t0 - embedding) * 1000)
            ranked = [h.pk for h in result.hits]
            runs[q["qid"]] = ranked
            scores = (ndcg_at_k(ranked, rels), recall_at_k(ranked, rels), mrr_at_k(ranked, rels))
            overall.add(*scores)
            per_type[q["qtype"] or "all"].add(*scores)
    return RetrievalResult(
        documents=len(docs),
        build_seconds=build,
        overall=overall.as_dict(),
        per_qtype={k: v.as_dict() for k, v in sorted(per_type.items())},
        latency_ms=_summary_ms(latencies),
        skipped_queries=len(query_rows) - len(scored),
        runs=runs,
        table=backend.encoder.version,
        rerank=deep_encoder.version if deep_encoder is not None else "",
        rerank_passages=len(on_demand.cache) if on_demand is not None else 0,
        rerank_seconds=on_demand.seconds if on_demand is not None else 0.0,
        judged_not_in_corpus=missing,
    )


SCALE_INDUSTRIES = ["C26", "C27", "C35", "C38", "C39", "I63", "I64", "M73", "A01", "D44"]
SCALE_REGIONS = ["36", "3601", "360121", "3607", "44", "4403", "11", "31"]


@dataclass
class ScaleResult:
    documents: int
    build_seconds: float
    hnsw_seconds: float
    queries: int
    latency_ms: dict[str, float]
    rss_mb: float
    index_mb: dict[str, float]
    rerank: str = ""  # model of the second stage ("" when left out)
    reranked_latency_ms: dict[str, float] | None = None  # the queries it re-ordered
    reranked: int = 0

    def as_dict(self) -> dict[str, Any]:
        total = self.build_seconds + self.hnsw_seconds
        return {
            "documents": self.documents,
            "build_seconds": round(self.build_seconds, 1),
            "hnsw_seconds": round(self.hnsw_seconds, 1),
            "build_records_per_second": round(self.documents / max(total, 1e-9), 1),
            "queries": self.queries,
            "hybrid_query_with_filters_ms": self.latency_ms,
            "max_rss_mb": round(self.rss_mb, 1),
            "index_mb": self.index_mb,
            "rerank": self.rerank,
            "reranked_queries": self.reranked,
            "reranked_query_ms": self.reranked_latency_ms,
        }


def _summary_ms(latencies: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "p95": round(percentile(sorted(latencies), 95), 2),
        "mean": round(statistics.fmean(latencies), 2) if latencies else 0.0,
    }


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def run_scale(
    *,
    corpus: Path | str,
    docs: int,
    queries: int = 300,
    index_dir: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    seed: int = 0,
    rerank: bool = False,
) -> ScaleResult:
    """Index `docs` documents made by repeating `corpus` with new ids (random industry, region, TRL
    and, for one in ten, a private visibility token), then time hybrid queries with filters.

    `rerank`: long queries also go through the e5 second stage, with a real query vector (one engine
    thread, as in a web process, never shed) and stand-in passage vectors (`deep.StandInVectors`:
    a scaled-up corpus cannot be embedded here; the stage costs the same whatever they hold)."""
    import random
    import resource

    from techtransfer.search.registry import FilterKind, FilterSpec

    say = progress or (lambda _msg: None)
    rows = read_corpus(corpus)
    rng = random.Random(seed)

    def documents() -> Iterator[SearchDocument]:
        for i in range(docs):
            row = rows[i % len(rows)]
            region = rng.choice(SCALE_REGIONS)
            yield SearchDocument(
                type="bench",
                pk=f"{row['docid']}-r{i}",
                title=row["title"] or row["docid"],
                url="",
                fields={"title": row["title"], "body": row["text"]},
                filters={
                    "industry": [rng.choice(SCALE_INDUSTRIES)],
                    "region": [region[:k] for k in (2, 4, 6) if len(region) >= k],
                    "trl": [rng.randint(1, 9)],
                },
                visibility=[PUBLIC] if rng.random() < 0.9 else [org_token(rng.randint(1, 50))],
                summary=row["text"],
            )

    bench_type = SearchType(
        name="bench",
        label="bench",
        model_label="bench.document",
        fields=BENCH_FIELDS,
        load=lambda pks: iter(()),
        filters=(
            FilterSpec("industry", "industry"),
            FilterSpec("region", "region", FilterKind.PREFIX),
            FilterSpec("trl", "trl", FilterKind.INT),
        ),
    )
    with tempfile.TemporaryDirectory(prefix="tt-scale-", dir=index_dir) as tmp:
        deep_encoder = deep.ContextualEncoder(threads=1) if rerank else None
        backend = HybridBackend(
            Path(tmp) / "index",
            [bench_type],
            deep_vectors=deep.StandInVectors() if rerank else None,
            deep_encoder=deep_encoder,
        )
        say(f"indexing {docs} documents (segment + embed + index)")
        started = time.perf_counter()
        backend.rebuild(documents(), progress=lambda n, _t: say(f"  {n}") if n % 20000 == 0 else None)
        build = time.perf_counter() - started
        started = time.perf_counter()
        hnsw = backend.vectors._ensure_hnsw()
        hnsw_seconds = time.perf_counter() - started
        say(f"built in {build:.1f} s (+ HNSW {hnsw_seconds:.1f} s); querying")
        texts = [r["title"] or r["text"][:60] for r in rows]
        if deep_encoder is not None:
            deep_encoder.query("预热")  # load the model before the clock runs
        latencies: list[float] = []
        reranked: list[float] = []
        for _ in range(queries):
            terms: dict[str, list[str]] = {}
            ranges: dict[str, tuple[float | None, float | None]] = {}
            pick = rng.random()
            if pick < 0.4:
                terms["industry"] = [rng.choice(SCALE_INDUSTRIES)]
            if 0.2 < pick < 0.7:
                terms["region"] = [rng.choice(["36", "3601", "44"])]
            if pick > 0.5:
                ranges["trl"] = (rng.randint(3, 6), None)
            request = SearchRequest(
                query=rng.choice(texts),
                visibility=frozenset({PUBLIC, org_token(rng.randint(1, 50))}),
                terms=terms,
                ranges=ranges,
                limit=K,
                facets=["type", "industry"],
            )
            t0 = time.perf_counter()
            result = services.run(request, backend)
            latencies.append((time.perf_counter() - t0) * 1000)
            if any(hit.context_similarity is not None for hit in result.hits):
                reranked.append(latencies[-1])
        vectors_mb = backend.vectors.vectors[: len(backend.vectors.uids)].nbytes / 1e6
        hnsw_mb = float(hnsw.memory_usage) / 1e6 if hnsw is not None else 0.0
        index_mb = {
            "tantivy_on_disk": round(_dir_mb(Path(tmp) / "index"), 1),
            "vectors_in_memory": round(vectors_mb, 1),
            "hnsw_in_memory": round(hnsw_mb, 1),
        }
    return ScaleResult(
        documents=docs,
        build_seconds=build,
        hnsw_seconds=hnsw_seconds,
        queries=queries,
        latency_ms=_summary_ms(latencies),
        rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        index_mb=index_mb,
        rerank=deep_encoder.version if deep_encoder is not None else "",
        reranked_latency_ms=_summary_ms(reranked) if deep_encoder is not None else None,
        reranked=len(reranked),
    )


def run_embed(*, corpus: Path | str, chars: int = 300, docs: int = 10_000, batch: int = 1000) -> dict[str, Any]:
    """Throughput of the runtime encoder (segmentation included, cold word cache) on `chars`-character
    documents cut from `corpus` (repeated up to `docs`)."""
    from techtransfer.search import text

    encoder = get_encoder()
    rows = [r["text"] for r in read_corpus(corpus) if len(r["text"]) >= chars]
    if not rows:
        raise ValueError(f"{corpus}: no document text of {chars} characters or more")
    texts = [rows[i % len(rows)][:chars] + f" {i}" for i in range(docs)]  # distinct: no cache hits
    text._words.cache_clear()
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        encoder.encode(texts[i : i + batch])
    seconds = time.perf_counter() - started
    return {
        "documents": docs,
        "chars": chars,
        "seconds": round(seconds, 2),
        "docs_per_second": round(docs / seconds, 1),
        "table": encoder.version,
        "dim": encoder.dim,
    }
