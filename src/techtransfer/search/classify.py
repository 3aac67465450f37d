"""Text classification benchmark: the recipe of the shipped discipline model (search/classifier).

TF-IDF over character 1–3-grams of the normalised text (title given twice, which weighs it against
the abstract) plus the text's multilingual-e5-small vector (weight 1.5), linear SVM (C = 1). The
e5 vectors are computed here, for the training and the scored rows, with every core: about 6 texts/s
on 2 cores, so a 5,000-row training file takes some 15 minutes (`dense=False`, `--no-e5`: n-grams
only, seconds). The variants tried on the dev holdout (rjieba words, character 2–4-grams,
Complement NB, ridge, SGD, score fusion, the 13-way category as a hierarchy, semi-supervised
self-training, USE sentence embeddings, e5 weights and neighbours) are in bench/README.md.

Trained and scored on files in the format of ../shared/bench/classification. Without a test file a
stratified part of the training file is held out (seeded), which is how the dev numbers in
bench/README.md were measured.

The confidence the form shows is the softmax probability (with a fitted temperature) mapped to how
often an answer that probable was right on held-out rows. How far it can be trusted is measured on
the scored rows, cross-fitted: temperature and map are fitted on every other row, and the
confidences of the rows between are compared with how often the model is right there (expected
calibration error over ten bins), and the other way round.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from techtransfer.search.bench import Rows, read_tsv


def _labelled(rows: Rows, label_column: str, text_columns: list[str], path: Path | str) -> list[dict[str, str]]:
    """The rows of `path` that have a label (a row with an empty one, such as a patent without a
    single IPC section, is not a class of its own), with the label and the text columns stripped of
    surrounding spaces ("工学 " is "工学"). Refuses a file without the label column or without any of
    the text columns, naming what it has."""
    if not rows:
        raise ValueError(f"{path}: no rows")
    if label_column not in rows.columns:
        raise ValueError(f"{path}: no column {label_column!r}; it has {rows.columns}")
    if not any(c in rows.columns for c in text_columns):
        raise ValueError(f"{path}: none of the text columns {text_columns}; it has {rows.columns}")
    stripped = ({**r, **{c: r[c].strip() for c in (label_column, *text_columns) if c in r}} for r in rows)
    return [r for r in stripped if r[label_column]]


CONFIDENT = 0.9  # the share of rows the model is this sure of, and how often it is right there


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Σ over equal-width confidence bins of (share of rows) × |mean confidence − accuracy|."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        rows = which == b
        if rows.any():
            total += rows.mean() * abs(float(confidence[rows].mean()) - float(correct[rows].mean()))
    return total


def cross_fitted_calibration(scores: np.ndarray, labels: list[str], classes: list[str]) -> dict[str, Any] | None:
    """Calibration of the best answer's confidence on the scored rows, the temperature and the
    confidence map (what the shipped models do) fitted on the other half of them (even rows for odd
    ones and back): `ece` as the form shows it, `ece_softmax` without the map. None with fewer than
    four rows."""
    from techtransfer.search.classifier.model import softmax
    from techtransfer.search.classifier.train import fit_confidence_map, fit_temperature

    n = len(labels)
    if n < 4:
        return None
    index = {c: i for i, c in enumerate(classes)}
    gold = np.asarray([index.get(y, -1) for y in labels])
    even = np.arange(n) % 2 == 0
    probability, confidence = np.empty(n), np.empty(n)
    for fit, scored in ((even, ~even), (~even, even)):
        fit_labels = [labels[i] for i in np.flatnonzero(fit)]
        t = fit_temperature(scores[fit], fit_labels, classes)
        mapping = fit_confidence_map(scores[fit], fit_labels, classes, t)
        probability[scored] = softmax(scores[scored], t).max(axis=1)
        confidence[scored] = np.interp(probability[scored], *mapping)
    correct = scores.argmax(axis=1) == gold
    sure = confidence >= CONFIDENT
    return {
        "ece": round(expected_calibration_error(confidence, correct), 4),
        "mean_confidence": round(float(confidence.mean()), 4),
        "ece_softmax": round(expected_calibration_error(probability, correct), 4),
        "mean_softmax": round(float(probability.mean()), 4),
        "confident_share": round(float(sure.mean()), 4),
        "accuracy_when_confident": round(float(correct[sure].mean()), 4) if sure.any() else None,
    }


def run_classification(
    *,
    train: Path | str,
    test: Path | str | None,
    label_column: str,
    text_columns: list[str],
    holdout: float = 0.2,
    seed: int = 0,
    c: float = 1.0,
    blocks: tuple[str, ...] = ("chars",),
    dense: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split

    from techtransfer.search.classifier import train as trainer

    # Column names are matched as `read_tsv` reads them: lower case, stripped.
    label_column = label_column.strip().lower()
    text_columns = [c.strip().lower() for c in text_columns]
    raw_train = read_tsv(train)
    train_rows = _labelled(raw_train, label_column, text_columns, train)
    unlabelled = len(raw_train) - len(train_rows)
    if test is not None:
        raw_test = read_tsv(test)
        test_rows = _labelled(raw_test, label_column, text_columns, test)
        unlabelled += len(raw_test) - len(test_rows)
    else:
        labels = [r[label_column] for r in train_rows]
        classes = len(set(labels))
        held = math.ceil(holdout * len(train_rows))
        if min(held, len(train_rows) - held) < classes:  # a stratified split needs every class on both sides
            raise ValueError(
                f"--holdout {holdout} would keep {len(train_rows) - held} rows for training and hold out {held}; "
                f"each side needs at least one row per class ({classes}): choose a share nearer 0.2"
            )
        train_rows, test_rows = train_test_split(train_rows, test_size=holdout, random_state=seed, stratify=labels)
    y_train = [r[label_column] for r in train_rows]
    y_test = [r[label_column] for r in test_rows]
    # Scored rows the model cannot get right (a label it never saw) or can only guess (no text): counted, and said.
    unseen = set(y_test) - set(y_train)
    without_text = sum(1 for r in test_rows if not any(r.get(c) for c in text_columns))
    dense_train = dense_test = None
    dense_seconds = 0.0
    if dense:
        started = time.perf_counter()
        texts = trainer.dense_texts(train_rows, text_columns) + trainer.dense_texts(test_rows, text_columns)
        vectors = trainer.dense_vectors(texts, progress=progress)
        dense_train, dense_test = vectors[: len(train_rows)], vectors[len(train_rows) :]
        dense_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = trainer.fit(
        trainer.prepared_texts(train_rows, text_columns), y_train, blocks=blocks, c=c, dense=dense_train
    )
    scores = model.decision(trainer.prepared_texts(test_rows, text_columns), dense_test)
    if scores.ndim == 1:  # two classes: one column of scores
        scores = np.stack([-scores, scores], axis=1)
    order = np.argsort(-scores, axis=1)
    predicted = [model.classes[i] for i in order[:, 0]]
    top3 = [y in {model.classes[j] for j in row[:3]} for y, row in zip(y_test, order, strict=True)]
    return {
        "method": (
            f"TF-IDF {'+'.join(blocks)} (char 1-3-grams; title twice)"
            + (f" + {trainer.DENSE_WEIGHT} x e5 vector" if dense else "")
            + f", LinearSVC(C={c})"
        ),
        "train_rows": len(train_rows),
        "test_rows": len(test_rows),
        "unlabelled_rows_left_out": unlabelled,
        # Still scored (as wrong): a label of the test file that no training row has.
        "test_rows_with_unseen_labels": sum(1 for y in y_test if y in unseen),
        "unseen_labels": sorted(unseen),
        "test_rows_without_text": without_text,
        # Labels holding "|" (several values, as ipc_sections) are scored as one label each.
        "multi_value_labels": sum(1 for y in (*y_train, *y_test) if "|" in y),
        "classes": len(set(y_train)),
        "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
        "macro_f1": round(float(f1_score(y_test, predicted, average="macro")), 4),
        "top3_accuracy": round(float(np.mean(top3)), 4) if top3 else 0.0,
        "calibration": cross_fitted_calibration(scores, y_test, list(model.classes)),
        "seconds": round(time.perf_counter() - started, 1),
        "e5_seconds": round(dense_seconds, 1),
    }
