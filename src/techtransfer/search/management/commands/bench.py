"""`techtransfer bench retrieval|classify|load …`: the benchmarks of bench/README.md on any files in the
format of ../shared/bench."""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

# The real corpus beside the checkout (…/shared next to …/main), wherever the command is run from.
SHARED_CORPUS = Path(__file__).resolve().parents[5].parent / "shared" / "bench" / "retrieval" / "corpus.tsv"


def positive_int(text: str) -> int:
    """An argument that counts something: 1 or more (0 documents or -5 queries time nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def share(text: str) -> float:
    """A fraction strictly between 0 and 1 (the held-out share of the rows)."""
    value = positive_float(text)
    if value >= 1:
        raise ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


class Command(BaseCommand):
    help = "Benchmarks: retrieval (nDCG@10, Recall@10, MRR@10, latency) and classification (accuracy, macro-F1)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="bench", required=True)
        r = sub.add_parser("retrieval", help="Index a corpus and score queries against relevance judgments.")
        r.add_argument(
            "--corpus", required=True, type=Path, help="TSV: docid, title, text (other names: bench/README.md)"
        )
        r.add_argument("--queries", required=True, type=Path, help="TSV: qid, text (or query, question), qtype")
        r.add_argument("--qrels", required=True, type=Path, help="TSV: qid, docid, relevance; or TREC qid 0 docid rel")
        r.add_argument("--out", type=Path, help="Write the result as JSON here")
        r.add_argument(
            "--mode", choices=["lexical", "semantic", "hybrid"], default="hybrid", help="Ranking (default hybrid)"
        )
        r.add_argument("--table", type=Path, help="Embedding table file (.npz) instead of the shipped one")
        r.add_argument(
            "--no-rerank",
            dest="rerank",
            action="store_false",
            help="Leave out the e5 re-ranking stage of long hybrid queries (it embeds each candidate once, slowly)",
        )
        s = sub.add_parser("scale", help="Index the corpus repeated with new ids; time hybrid queries with filters.")
        s.add_argument("--docs", type=positive_int, default=100_000)
        s.add_argument(
            "--corpus",
            type=Path,
            default=SHARED_CORPUS,
            help="TSV: docid, title, text (default: ../shared/bench/retrieval/corpus.tsv beside the checkout)",
        )
        s.add_argument("--queries", type=positive_int, default=300, help="How many timed queries")
        s.add_argument(
            "--rerank",
            action="store_true",
            help="Long queries also go through the e5 second stage (real query vectors, stand-in passage vectors)",
        )
        s.add_argument("--out", type=Path)
        e = sub.add_parser("embed", help="Throughput of the semantic encoder on documents cut from a corpus.")
        e.add_argument("--corpus", type=Path, required=True, help="TSV: docid, title, text")
        e.add_argument("--chars", type=positive_int, default=300)
        e.add_argument("--docs", type=positive_int, default=10_000)
        e.add_argument("--out", type=Path)
        c = sub.add_parser("classify", help="Train a text classifier and score it on a test file.")
        c.add_argument("--train", required=True, type=Path)
        c.add_argument("--test", type=Path, help="Scored file; without it a stratified part of --train is held out")
        c.add_argument("--label-column", default="label")
        c.add_argument("--text-columns", default="title,text", help="Columns joined as the input text")
        c.add_argument("--holdout", type=share, default=0.2, help="Fraction held out when --test is absent (0–1)")
        c.add_argument("--seed", type=int, default=0)
        c.add_argument("--c", type=positive_float, default=1.0, help="LinearSVC C")
        c.add_argument("--features", default="chars", help="chars, words or chars,words (TF-IDF blocks)")
        c.add_argument(
            "--no-e5",
            dest="e5",
            action="store_false",
            help="N-grams only: leave out the e5 vectors (the shipped recipe has them; they take ~6 texts/s)",
        )
        c.add_argument("--out", type=Path)
        ld = sub.add_parser("load", help="Closed-loop HTTP load test: req/s, latency p50/p95/p99, errors.")
        ld.add_argument("--url", help="GET this URL, e.g. http://127.0.0.1:8000/search/?q=稀土")
        ld.add_argument("--urls", type=Path, help="File of URLs, one a line; the clients cycle through them")
        ld.add_argument("--clients", type=positive_int, default=16, help="Concurrent clients (threads)")
        ld.add_argument("--duration", type=positive_float, default=60.0, help="Seconds")
        ld.add_argument("--timeout", type=positive_float, default=10.0, help="Per-request timeout in seconds")
        ld.add_argument("--header", action="append", default=[], help="Extra header 'Name: value' (repeatable)")
        ld.add_argument("--count", help="Also count the successful answers whose body contains this text")
        ld.add_argument("--out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        for key in ("corpus", "queries", "qrels", "train", "test"):
            path = options.get(key)
            if isinstance(path, Path) and not path.is_file():
                raise CommandError(f"--{key}: no such file: {path}")
        out = options.get("out")
        if isinstance(out, Path) and not out.parent.is_dir():  # said now, not after a long run
            raise CommandError(f"--out: no such directory: {out.parent}")
        run = {
            "retrieval": self._retrieval,
            "scale": self._scale,
            "embed": self._embed,
            "classify": self._classify,
            "load": self._load,
        }[options["bench"]]
        try:
            result = run(options)
        except ValueError as exc:  # a file the command cannot read (no id column, no label column…)
            raise CommandError(str(exc)) from exc
        if options.get("out"):
            options["out"].write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"written to {options['out']}")

    def _retrieval(self, options: dict[str, Any]) -> dict[str, Any]:
        from techtransfer.search.bench import run_retrieval

        result = run_retrieval(
            corpus=options["corpus"],
            queries=options["queries"],
            qrels=options["qrels"],
            progress=self.stderr.write,
            mode=options["mode"],
            table=options["table"],
            rerank=options["rerank"],
        ).as_dict()
        result["mode"] = options["mode"]
        self.stdout.write(f"documents {result['documents']}, index build {result['index_build_seconds']} s "
                          f"({result['build_docs_per_second']} docs/s)")  # fmt: skip
        self.stdout.write(f"{'qtype':<20}{'queries':>8}{'nDCG@10':>10}{'R@10':>8}{'MRR@10':>8}")
        rows = [*result["per_qtype"].items(), ("overall", result["overall"])]
        for name, s in rows:
            self.stdout.write(
                f"{name:<20}{s['queries']:>8}{s['ndcg@10']:>10.4f}{s['recall@10']:>8.4f}{s['mrr@10']:>8.4f}"
            )
        if result["skipped_queries_without_judgments"]:
            self.stdout.write(
                f"{result['skipped_queries_without_judgments']} queries not scored "
                "(no text, or no judgment with relevance above 0)"
            )
        if not result["overall"]["queries"]:
            raise CommandError("no query could be scored: do the query ids of --queries and --qrels match?")
        lat = result["latency_ms"]
        self.stdout.write(f"query latency p50 {lat['p50']} ms, p95 {lat['p95']} ms (mean {lat['mean']} ms)")
        if result["rerank"]:
            self.stdout.write(
                f"re-ranking stage {result['rerank']}: {result['rerank_passages']} candidate passages embedded "
                f"in {result['rerank_embed_seconds']} s (not in the latency; the worker embeds them in advance)"
            )
        return result

    def _scale(self, options: dict[str, Any]) -> dict[str, Any]:
        from techtransfer.search.bench import run_scale

        result = run_scale(
            corpus=options["corpus"],
            docs=options["docs"],
            queries=options["queries"],
            progress=self.stderr.write,
            rerank=options["rerank"],
        ).as_dict()
        self.stdout.write(
            f"documents {result['documents']}: build {result['build_seconds']} s + HNSW {result['hnsw_seconds']} s "
            f"({result['build_records_per_second']} records/s, segment + embed + index)"
        )
        lat = result["hybrid_query_with_filters_ms"]
        self.stdout.write(
            f"hybrid query with filters: p50 {lat['p50']} ms, p95 {lat['p95']} ms (mean {lat['mean']} ms)"
        )
        if result["rerank"]:
            lat = result["reranked_query_ms"]
            self.stdout.write(
                f"{result['reranked_queries']} of them re-ordered by the second stage ({result['rerank']}): "
                f"p50 {lat['p50']} ms, p95 {lat['p95']} ms (stand-in passage vectors, real query vectors)"
            )
        self.stdout.write(f"max RSS {result['max_rss_mb']} MB; index {result['index_mb']}")
        return result

    def _embed(self, options: dict[str, Any]) -> dict[str, Any]:
        from techtransfer.search.bench import run_embed

        result = run_embed(corpus=options["corpus"], chars=options["chars"], docs=options["docs"])
        self.stdout.write(
            f"{result['documents']} documents of {result['chars']} characters in {result['seconds']} s: "
            f"{result['docs_per_second']} docs/s (segmentation + lookup + normalise, table {result['table']})"
        )
        return result

    def _classify(self, options: dict[str, Any]) -> dict[str, Any]:
        from techtransfer.search.classifier.model import ANALYZERS
        from techtransfer.search.classify import run_classification
        from techtransfer.search.management.commands.reindex import progress_bar

        blocks = tuple(b.strip() for b in options["features"].split(",") if b.strip())
        if not blocks or set(blocks) - set(ANALYZERS):
            raise CommandError(f"--features: choose from {', '.join(ANALYZERS)}")

        result = run_classification(
            train=options["train"],
            test=options["test"],
            label_column=options["label_column"],
            text_columns=[c.strip() for c in options["text_columns"].split(",") if c.strip()],
            holdout=options["holdout"],
            seed=options["seed"],
            c=options["c"],
            blocks=blocks,
            dense=options["e5"],
            progress=progress_bar(self.stdout) if options["e5"] else None,
        )
        if options["e5"]:
            self.stdout.write(f"\ne5 vectors of all rows in {result['e5_seconds']} s")
        self.stdout.write(
            f"train {result['train_rows']} rows, test {result['test_rows']} rows, {result['classes']} classes "
            f"({result['method']})"
        )
        if result["unlabelled_rows_left_out"]:
            self.stdout.write(f"{result['unlabelled_rows_left_out']} rows without a label left out")
        if result["test_rows_with_unseen_labels"]:
            labels = result["unseen_labels"]
            shown = ", ".join(labels[:10]) + (f" and {len(labels) - 10} more" if len(labels) > 10 else "")
            self.stdout.write(
                f"warning: {result['test_rows_with_unseen_labels']} test rows carry a label never seen in training "
                f"({shown}); they are scored as wrong"
            )
        if result["test_rows_without_text"]:
            self.stdout.write(f"warning: {result['test_rows_without_text']} test rows have an empty text")
        if result["multi_value_labels"]:
            self.stdout.write(
                f"warning: {result['multi_value_labels']} labels hold several values ('|'); each is scored as one label"
            )
        self.stdout.write(
            f"accuracy {result['accuracy']:.4f}, macro-F1 {result['macro_f1']:.4f}, "
            f"top-3 accuracy {result['top3_accuracy']:.4f}"
        )
        if (cal := result["calibration"]) is not None:
            sure = cal["accuracy_when_confident"]
            self.stdout.write(
                "confidence of the best answer (temperature and map cross-fitted on the test rows): "
                f"calibration error {cal['ece']:.4f}, mean confidence {cal['mean_confidence']:.4f} "
                f"(softmax alone: {cal['ece_softmax']:.4f}, {cal['mean_softmax']:.4f}); "
                f"{cal['confident_share']:.1%} of rows at ≥ 90 %"
                + (f", right on {sure:.1%} of them" if sure is not None else "")
            )
        return result

    def _load(self, options: dict[str, Any]) -> dict[str, Any]:
        from techtransfer.search.loadtest import run_load

        headers = {}
        for raw in options["header"]:
            name, sep, value = raw.partition(":")
            if not sep:
                raise CommandError(f"--header needs 'Name: value': {raw}")
            headers[name.strip()] = value.strip()
        urls = None
        if options["urls"] is not None:
            if not options["urls"].is_file():
                raise CommandError(f"--urls: no such file: {options['urls']}")
            lines = options["urls"].read_text(encoding="utf-8").splitlines()
            urls = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        if not options["url"] and not urls:
            raise CommandError("give --url or --urls")
        try:
            result = run_load(
                url=options["url"],
                urls=urls,
                clients=options["clients"],
                duration=options["duration"],
                timeout=options["timeout"],
                headers=headers,
                count=options["count"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        lat = result["latency_ms"]
        self.stdout.write(
            f"{result['clients']} clients, {result['duration_seconds']} s: {result['requests']} requests, "
            f"{result['requests_per_second']} req/s, errors {result['errors']} {result['statuses']}"
        )
        if result.get("error_kinds"):  # connection refused, timeouts…: no status to show
            kinds = ", ".join(f"{kind} × {n}" for kind, n in sorted(result["error_kinds"].items()))
            self.stdout.write(f"errors without an answer: {kinds}")
        self.stdout.write(
            f"latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms "
            f"(mean {lat['mean']} ms)"
        )
        if "containing" in result:
            found = result["containing"]["responses"]
            self.stdout.write(f"{found} of {result['ok']} answers contain {options['count']!r}")
        return result
