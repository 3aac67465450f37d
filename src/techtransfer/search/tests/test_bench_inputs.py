"""The benchmark commands on files written slightly differently from the dev files (QA: some scored 0
or were misread without a word): other column names, ids with spaces, qrels without a header,
repeated queries, judged documents missing from the corpus, other encodings, labels with spaces."""

import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from techtransfer.search.bench import read_qrels, read_tsv
from techtransfer.search.tests.test_bench import CORPUS, HAND, QRELS, QUERIES

JUDGED = [line.split("\t")[:3] for line in QRELS.splitlines()[1:]]  # q1 d2 1, q2 d1 1, q2 d4 1, q3 d1 1
EXPECTED = {"q1": {"d2": 1}, "q2": {"d1": 1, "d4": 1}, "q3": {"d1": 1}}


def _corpus(header: str, docid: str = "{}") -> str:
    """CORPUS under another header: its four columns are docid, title, text, source."""
    rows = [line.split("\t") for line in CORPUS.splitlines()[1:]]
    return header + "\n" + "".join(f"{docid.format(r[0])}\t{r[1]}\t{r[2]}\t{r[3]}\n" for r in rows)


def _queries(header: str) -> str:
    return header + "\n" + "".join(line + "\n" for line in QUERIES.splitlines()[1:])


def _run(tmp_path, corpus=CORPUS, queries=QUERIES, qrels=QRELS):  # type: ignore[no-untyped-def]
    """The retrieval command on the three files (str: written as UTF-8; bytes: as they are): the result
    and what it said on stderr."""
    for name, content in (("corpus.tsv", corpus), ("queries.tsv", queries), ("qrels.tsv", qrels)):
        (tmp_path / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    out, err = tmp_path / "result.json", io.StringIO()
    call_command(
        "bench", "retrieval", "--corpus", str(tmp_path / "corpus.tsv"), "--queries", str(tmp_path / "queries.tsv"),
        "--qrels", str(tmp_path / "qrels.tsv"), "--out", str(out), "--no-rerank", "--mode", "lexical",
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8")), err.getvalue()


def _error(tmp_path, **files) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as exc:
        _run(tmp_path, **files)
    return str(exc.value).replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(
    "corpus",
    [
        _corpus("id\ttitle\tbody\tsource"),
        _corpus("_id\ttitle\ttext\tsource"),  # BEIR
        _corpus("docid\ttitle\tcontents\tsource"),
        _corpus("DocID\tTitle\tAbstract\tSource"),
        _corpus(" docid \t title\tcontent \tsource"),
        _corpus("docid\ttitle\ttext\tsource", docid=" {} "),  # ids with spaces around them
    ],
)
def test_the_corpus_text_column_may_have_another_name(tmp_path, corpus):  # type: ignore[no-untyped-def]
    result, _ = _run(tmp_path, corpus=corpus)
    assert (result["documents"], result["overall"]) == (4, HAND)
    assert sorted(result["runs"]["q2"][:2]) == ["d1", "d4"]


def test_a_corpus_without_text_or_documents_is_refused(tmp_path):  # type: ignore[no-untyped-def]
    assert _error(tmp_path, corpus="docid\tsource\nd1\tt\n") == (
        "corpus.tsv: no text column (text, body, contents, content, abstract) and no title column among "
        "['docid', 'source']"
    )
    assert _error(tmp_path, corpus="docid\ttitle\ttext\tsource\n") == "corpus.tsv: no documents (a header row only)"
    assert _error(tmp_path, corpus="") == "corpus.tsv: empty file"
    assert (
        _error(tmp_path, corpus="name\ttext\nd1\t锂电池\n")
        == "corpus.tsv: no document id column among ['name', 'text']"
    )


def test_a_corpus_of_titles_only_is_read(tmp_path):  # type: ignore[no-untyped-def]
    corpus = "docid\ttitle\n" + "".join(f"{r[0]}\t{r[2]}\n" for r in (x.split("\t") for x in CORPUS.splitlines()[1:]))
    result, _ = _run(tmp_path, corpus=corpus)
    assert (result["documents"], result["overall"]) == (4, HAND)


@pytest.mark.parametrize(
    ("queries", "qtypes"),
    [
        (_queries("qid\tquery\tqtype\tsplit"), ["title", "topic_keyword"]),
        (_queries("QID\tQuestion\tQType\tSplit"), ["title", "topic_keyword"]),
        (_queries(" qid\ttext \tquery_type\tsplit"), ["title", "topic_keyword"]),
        (_queries("_id\ttext\tcategory\tsplit"), ["all"]),  # BEIR; no query type: one group
        (QUERIES.replace("q1\t", " q1 \t").replace("q2\t", "q2 \t"), ["title", "topic_keyword"]),
    ],
)
def test_the_query_text_column_may_have_another_name(tmp_path, queries, qtypes):  # type: ignore[no-untyped-def]
    result, _ = _run(tmp_path, queries=queries)
    assert (result["overall"], sorted(result["per_qtype"])) == (HAND, qtypes)
    assert sorted(result["runs"]) == ["q1", "q2", "q3"]


def test_queries_without_a_text_or_id_column_are_named(tmp_path):  # type: ignore[no-untyped-def]
    # It had said "4 queries not scored … do the query ids match?".
    queries = "qid\tqtype\tsplit\nq1\ttitle\tdev\n"
    assert _error(tmp_path, queries=queries) == "queries.tsv: no query text column among ['qid', 'qtype', 'split']"
    assert (
        _error(tmp_path, queries="name\ttext\nq1\t稀土\n") == "queries.tsv: no query id column among ['name', 'text']"
    )
    assert _error(tmp_path, queries="qid\ttext\n") == "queries.tsv: no queries (a header row only)"


def test_no_query_in_common_with_the_qrels_is_said_before_indexing(tmp_path):  # type: ignore[no-untyped-def]
    assert _error(tmp_path, qrels="qid\tdocid\trelevance\nzz\td1\t1\n") == (
        "no query could be scored: none of the 4 queries of queries.tsv has a text and a judgment above 0 in "
        "qrels.tsv; do the query ids of the two files match?"
    )


@pytest.mark.parametrize(
    "qrels",
    [
        "QID\tDOCID\tRELEVANCE\n" + "".join("\t".join(j) + "\n" for j in JUDGED),
        " Query-ID \tCorpus-ID\tScore\n" + "".join("\t".join(j) + "\n" for j in JUDGED),
        "".join(f"{q}\t{d}\t{r}\tdev\n" for q, d, r in JUDGED),  # the dev file without its header
        "".join(f"{q}\tQ0\t{d}\t{r}\n" for q, d, r in JUDGED),  # TREC, Q0
        "".join(f"{q} 0 {d} {r}\n" for q, d, r in JUDGED),  # TREC, spaces
        "".join(f"{q}  {d}\n" for q, d, r in JUDGED),  # two fields, spaces
        "qid docid relevance\n" + "".join(f"{q} {d} {r}\n" for q, d, r in JUDGED),  # a header, spaces
        "".join(f" {q} \t {d}\t{r}\n" for q, d, r in JUDGED),  # ids with spaces around them
    ],
)
def test_qrels_written_other_ways(tmp_path, qrels):  # type: ignore[no-untyped-def]
    (tmp_path / "qrels.tsv").write_text(qrels, encoding="utf-8")
    assert read_qrels(tmp_path / "qrels.tsv") == EXPECTED
    result, _ = _run(tmp_path, qrels=qrels)
    assert result["overall"] == HAND


def test_four_qrels_columns_are_trec_only_when_the_second_is_always_0(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "qrels.tsv"
    path.write_text("q1\t0\td1\t2\nq1\tQ0\td2\t1\n", encoding="utf-8")
    assert read_qrels(path) == {"q1": {"d1": 2, "d2": 1}}
    # The second column is not always 0: qid, docid, relevance, and a fourth column left alone.
    path.write_text("q1\td1\t0\tdev\nq1\t0\t1\tdev\n", encoding="utf-8")
    assert read_qrels(path) == {"q1": {"d1": 0, "0": 1}}
    said: list[str] = []
    path.write_text("q1\td1\t1\nq2\td2\nq3\td3\t1\textra\nq4\td4\t1\n", encoding="utf-8")
    assert read_qrels(path, said.append) == {"q1": {"d1": 1}, "q4": {"d4": 1}}
    assert said == ["warning: 2 qrels lines without 3 fields (as the first) left out"]
    path.write_text("q1 d1 1 dev extra\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"qrels.tsv: no header and 5 columns; expected qid, docid\[, relevance\]"):
        read_qrels(path)


def test_judged_documents_missing_from_the_corpus_are_counted_or_refused(tmp_path):  # type: ignore[no-untyped-def]
    # q1 also judges d9, which the corpus lacks; q4 (not scored: no judgment above 0) judges d8.
    qrels = QRELS + "q1\td9\t1\tdev\nq4\td8\t0\tdev\n"
    result, said = _run(tmp_path, qrels=qrels)
    assert result["judged_documents_not_in_corpus"] == 1
    assert (
        "warning: 1 of the 4 documents judged relevant for the scored queries are not in the corpus "
        "(they can never be found)\n"
    ) in said
    assert result["overall"]["queries"] == 3
    # Every judged document under another id (a corpus of another split): an error, not nDCG 0.
    qrels = "qid\tdocid\trelevance\n" + "".join(f"{q}\tdoc-{d}\t{r}\n" for q, d, r in JUDGED)
    assert _error(tmp_path, qrels=qrels) == (
        "none of the 3 documents judged relevant in qrels.tsv is in corpus.tsv; do the document ids of the two "
        "files match?"
    )


def test_a_repeated_query_is_scored_once(tmp_path):  # type: ignore[no-untyped-def]
    queries = QUERIES + "q1\t水稻\ttitle\tdev\nq2\t稀土\ttopic_keyword\tdev\nq2\t水稻\ttopic_keyword\tdev\n"
    result, said = _run(tmp_path, queries=queries)
    assert "warning: 3 query rows repeat an earlier query id and are left out (the first row is scored)\n" in said
    # The first row of each wins: the hand-computed scores, three queries, three runs.
    assert result["overall"] == HAND
    assert len(result["runs"]) == result["overall"]["queries"] == 3
    assert result["skipped_queries_without_judgments"] == 1


def test_files_not_in_utf8_are_named(tmp_path):  # type: ignore[no-untyped-def]
    gbk = CORPUS.encode("gbk")
    with pytest.raises(UnicodeDecodeError) as exc:
        gbk.decode("utf-8")
    first = exc.value.start
    assert _error(tmp_path, corpus=gbk) == (
        f"corpus.tsv: not UTF-8 (byte {first} is {gbk[first : first + 1]!r}: GBK?); it must be UTF-8"
    )
    assert _error(tmp_path, queries=QUERIES.encode("utf-16-le")) == (
        "queries.tsv: not UTF-8 (it holds NUL bytes: UTF-16 without a byte-order mark?); it must be UTF-8"
    )
    # UTF-16 with its byte-order mark says what it is: read as such.
    result, _ = _run(tmp_path, corpus=CORPUS.encode("utf-16"), queries=QUERIES.encode("utf-16"))
    assert (result["documents"], result["overall"]) == (4, HAND)
    (tmp_path / "qrels.tsv").write_bytes(QRELS.encode("utf-16"))
    assert read_qrels(tmp_path / "qrels.tsv") == EXPECTED


def test_read_tsv_counts_malformed_rows_and_keeps_the_columns(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "f.tsv"
    path.write_text(" ID\tText \n1\ta\textra\n\n2\n3\tc\n", encoding="utf-8")
    rows = read_tsv(path)
    assert rows == [{"id": "1", "text": "a"}, {"id": "2", "text": ""}, {"id": "3", "text": "c"}]
    assert (rows.columns, rows.malformed) == (["id", "text"], 2)
    path.write_text("id\ttext\n", encoding="utf-8")
    rows = read_tsv(path)
    assert (rows, rows.columns, rows.malformed) == ([], ["id", "text"], 0)


def _classify(tmp_path, train: str, test: str, *extra: str):  # type: ignore[no-untyped-def]
    (tmp_path / "train.tsv").write_text(train, encoding="utf-8")
    (tmp_path / "test.tsv").write_text(test, encoding="utf-8")
    out, stdout = tmp_path / "c.json", io.StringIO()
    call_command(
        "bench", "classify", "--train", str(tmp_path / "train.tsv"), "--test", str(tmp_path / "test.tsv"),
        "--no-e5", "--out", str(out), *extra, stdout=stdout,
    )  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8")), stdout.getvalue()


TRAIN = "id\ttitle\ttext\tlabel\n" + "".join(
    f"{i}\t{t}\t{t}的研究\t{y}\n"
    for i, (t, y) in enumerate(
        [("锂电池正极", "材料"), ("锂电池负极", "材料"), ("正极材料合成", "材料"),
         ("水稻灌溉", "农业"), ("小麦灌溉", "农业"), ("水稻育种", "农业")]
    )
)  # fmt: skip


def test_classify_strips_labels_and_counts_unseen_labels_and_empty_texts(tmp_path):  # type: ignore[no-untyped-def]
    # "材料 " and " 农业" are the training labels; 工学 is in no training row; row 4 has no text.
    test = (
        "ID\tTitle\tText\tLabel \n1\t锂电池材料\t正极 \t材料 \n2\t水稻小麦\t灌溉\t 农业\n3\t锂电池\t正极\t工学\n"
        "4\t \t\t农业\n5\t水稻\t灌溉\t工学\n"
    )
    result, printed = _classify(tmp_path, TRAIN, test, "--label-column", "LABEL")
    assert (result["train_rows"], result["test_rows"], result["classes"]) == (6, 5, 2)
    assert (result["test_rows_with_unseen_labels"], result["unseen_labels"]) == (2, ["工学"])
    assert result["test_rows_without_text"] == 1
    # Rows 1 and 2 right; 3 and 5 wrong whatever the model says, even among its top 3 (of two
    # classes: every row else is right there); 4, without text, gets the class the intercepts favour
    # (农业, right): the same model on the same rows answers the same every time.
    assert (result["top3_accuracy"], result["accuracy"]) == (0.6, 0.6)
    assert "warning: 2 test rows carry a label never seen in training (工学); they are scored as wrong\n" in printed
    assert "warning: 1 test rows have an empty text\n" in printed


def test_classify_on_clean_files_says_nothing_more(tmp_path):  # type: ignore[no-untyped-def]
    test = "id\ttitle\ttext\tlabel\n1\t锂电池材料\t正极\t材料\n2\t水稻小麦\t灌溉\t农业\n"
    result, printed = _classify(tmp_path, TRAIN, test)
    assert (result["test_rows_with_unseen_labels"], result["unseen_labels"], result["test_rows_without_text"]) == (
        0,
        [],
        0,
    )
    assert (result["accuracy"], "warning" in printed) == (1.0, False)


def test_expected_calibration_error_weighs_each_bin_by_its_rows():  # type: ignore[no-untyped-def]
    from techtransfer.search.classify import expected_calibration_error

    # Two rows at 95 % of which one is right (|0.95 − 0.5| = 0.45), two at 55 % both right (0.45):
    # each bin holds half the rows.
    confidence = np.array([0.95, 0.95, 0.55, 0.55])
    assert expected_calibration_error(confidence, np.array([True, False, True, True])) == pytest.approx(0.45)
    # 100 % falls in the top bin (right: no error there); the 55 % bin is right half the time.
    assert expected_calibration_error(np.array([1.0, 0.55, 0.55]), np.array([True, True, False])) == pytest.approx(
        abs(0.55 - 0.5) * 2 / 3
    )


def test_classify_reports_the_calibration_of_its_confidences(tmp_path):  # type: ignore[no-untyped-def]
    test = "id\ttitle\ttext\tlabel\n1\t锂电池材料\t正极\t材料\n2\t水稻小麦\t灌溉\t农业\n3\t正极合成\t锂电池\t材料\n4\t水稻\t育种\t农业\n"
    result, printed = _classify(tmp_path, TRAIN, test)
    cal = result["calibration"]
    assert result["accuracy"] == 1.0
    # Every best answer right and every second one wrong: the map fitted on the other half reads
    # the best answer's probability as "always right", shown as 99 % (never 100 %), 1 % off; the
    # softmax alone is off by 1 − its mean.
    assert (cal["ece"], cal["mean_confidence"], cal["confident_share"], cal["accuracy_when_confident"]) == (
        0.01,
        0.99,
        1.0,
        1.0,
    )
    assert cal["ece_softmax"] == round(1.0 - cal["mean_softmax"], 4)
    assert (
        "calibration error 0.0100, mean confidence 0.9900 "
        f"(softmax alone: {cal['ece_softmax']:.4f}, {cal['mean_softmax']:.4f}); "
        "100.0% of rows at ≥ 90 %, right on 100.0% of them\n"
    ) in printed
