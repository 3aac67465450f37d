"""Training the shipped classifiers (scikit-learn; build time and `bench classify` only).

`fit` turns rows into the same TF-IDF blocks the runtime model computes (features.py), optionally
followed by the rows' e5 vectors (`dense_vectors`, weight `DENSE_WEIGHT`), trains a linear SVM, and
`export` writes the compact .npz that model.LinearTextModel reads. The softmax temperature of the
confidences is fitted on held-out rows (`fit_temperature`), and so is the monotone map from a
suggestion's softmax probability to how often a suggestion that sure is right (`fit_confidence_map`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from techtransfer.search.classifier import features
from techtransfer.search.classifier.model import ANALYZERS, softmax

DEFAULT_BLOCKS = ("chars",)
# Weight of the e5 features beside the n-grams (discipline, dev holdout: 1.0 / 1.5 / 2.0 →
# 0.6647 / 0.6667 / 0.6647; bench/README.md).
DENSE_WEIGHT = 1.5
CONFIDENCE_RANGE = (0.01, 0.99)  # a suggestion's confidence is never shown as 0 % or 100 %


@dataclass
class Trained:
    vectorizers: dict[str, Any]
    model: Any  # LinearSVC
    blocks: tuple[str, ...]
    temperature: float = 1.0
    dense_weight: float = 0.0  # > 0: the model also reads the texts' e5 vectors
    confidence_map: tuple[list[float], list[float]] | None = None  # softmax probability → share right

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.model.classes_]

    def transform(self, prepared: list[str], dense: np.ndarray | None = None) -> Any:
        import scipy.sparse as sp

        parts = [self.vectorizers[b].transform(prepared) for b in self.blocks]
        if self.dense_weight:
            if dense is None or len(dense) != len(prepared):
                raise ValueError("this model reads the e5 vector of every text")
            parts.append(sp.csr_matrix(np.asarray(dense, dtype=np.float32) * self.dense_weight))
        return sp.hstack(parts).tocsr()

    def decision(self, prepared: list[str], dense: np.ndarray | None = None) -> np.ndarray:
        return np.asarray(self.model.decision_function(self.transform(prepared, dense)))


def _title_body(row: dict[str, str], columns: list[str]) -> tuple[str, str]:
    """First column as the title, the rest joined as the body."""
    return row.get(columns[0], "") or "", " ".join(row.get(c, "") or "" for c in columns[1:])


def prepared_texts(rows: list[dict[str, str]], columns: list[str]) -> list[str]:
    """The n-gram model's input (title given twice, normalised)."""
    return [features.prepare(*_title_body(row, columns)) for row in rows]


def dense_texts(rows: list[dict[str, str]], columns: list[str]) -> list[str]:
    """The texts whose e5 vectors a dense model reads."""
    return [features.dense_text(*_title_body(row, columns)) for row in rows]


def dense_vectors(
    texts: Sequence[str], *, batch: int = 16, progress: Callable[[int, int], None] | None = None
) -> np.ndarray:
    """e5 query vectors of `texts` with every core (about 6 texts/s on 2 cores here)."""
    from techtransfer.search.semantic.deep import ContextualEncoder

    encoder = ContextualEncoder(threads=os.cpu_count())
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for start in range(0, len(texts), batch):
        out[start : start + batch] = encoder.queries(texts[start : start + batch])
        if progress is not None:
            progress(min(start + batch, len(texts)), len(texts))
    return out


def fit(
    prepared: list[str],
    labels: list[str],
    *,
    blocks: tuple[str, ...] = DEFAULT_BLOCKS,
    c: float = 1.0,
    min_df: int = 2,
    class_weight: str | None = None,
    dense: np.ndarray | None = None,
    dense_weight: float = DENSE_WEIGHT,
) -> Trained:
    """Fit the TF-IDF blocks and the SVM; with `dense` (one e5 vector per text) the vectors,
    times `dense_weight`, are features beside the n-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizers = {
        b: TfidfVectorizer(analyzer=ANALYZERS[b], sublinear_tf=True, min_df=min_df, dtype=np.float32) for b in blocks
    }
    for b in blocks:
        vectorizers[b].fit(prepared)
    trained = Trained(
        vectorizers,
        LinearSVC(C=c, class_weight=class_weight, random_state=0),
        blocks,
        dense_weight=dense_weight if dense is not None else 0.0,
    )
    trained.model.fit(trained.transform(prepared, dense), labels)
    return trained


def fit_temperature(scores: np.ndarray, labels: list[str], classes: list[str]) -> float:
    """The softmax temperature that minimises the negative log-likelihood of held-out labels."""
    index = {c: i for i, c in enumerate(classes)}
    gold = np.asarray([index.get(label, -1) for label in labels])
    keep = gold >= 0
    best, best_nll = 1.0, float("inf")
    for t in np.geomspace(0.02, 2.0, 60):
        s = scores[keep] / t
        s = s - s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        nll = float(-logp[np.arange(int(keep.sum())), gold[keep]].mean())
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def fit_confidence_map(
    scores: np.ndarray, labels: list[str], classes: list[str], temperature: float, k: int = 3
) -> tuple[list[float], list[float]]:
    """Isotonic map from the softmax probability of each of the `k` best answers of held-out rows to
    whether it was the right one (pooled over the ranks, as the form shows three): the breakpoints
    (probabilities, shares right) that `np.interp` reads. The softmax of SVM margins alone is too timid
    below 50 % and too sure above 90 % (bench/README.md, "Classification"). The map stays within
    `CONFIDENCE_RANGE`: a few hundred held-out rows cannot show that an answer is never or always right.
    """
    from sklearn.isotonic import IsotonicRegression

    index = {c: i for i, c in enumerate(classes)}
    gold = np.asarray([index.get(label, -1) for label in labels])
    p = softmax(scores, temperature)
    best = np.argsort(-p, axis=1)[:, :k]
    low, high = CONFIDENCE_RANGE
    iso = IsotonicRegression(y_min=low, y_max=high, out_of_bounds="clip", increasing=True)
    iso.fit(np.take_along_axis(p, best, axis=1).ravel(), (best == gold[:, None]).ravel().astype(float))
    return [round(float(x), 6) for x in iso.X_thresholds_], [round(float(y), 6) for y in iso.y_thresholds_]


def export(trained: Trained, path: Path, *, info: dict[str, Any]) -> dict[str, int]:
    """Write the model as .npz (no pickle): vocabularies, IDF, int8 weights with per-class scale;
    a dense model's e5 weights as float32 (`dense_weights`, dimensions × classes)."""
    coef = np.asarray(trained.model.coef_, dtype=np.float32).T  # features × classes
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {"blocks": list(trained.blocks), "temperature": trained.temperature}
    if trained.confidence_map is not None:
        meta["confidence_map"] = {"probability": trained.confidence_map[0], "right": trained.confidence_map[1]}
    if trained.dense_weight:
        from techtransfer.search.semantic.deep import MODEL_VERSION, ContextualEncoder

        coef, dense = coef[: -ContextualEncoder.dim], coef[-ContextualEncoder.dim :]
        arrays["dense_weights"] = dense
        meta["dense"] = {"model": MODEL_VERSION, "weight": trained.dense_weight, "dim": ContextualEncoder.dim}
    scale = np.abs(coef).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    weights = np.round(coef / scale).astype(np.int8)
    for b in trained.blocks:
        vec = trained.vectorizers[b]
        vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        arrays[f"{b}_vocab"] = np.asarray(vocab)
        arrays[f"{b}_idf"] = vec.idf_.astype(np.float32)
    arrays.update(
        meta=np.asarray(json.dumps({**meta, **info}, ensure_ascii=False)),
        classes=np.asarray(trained.classes),
        weights=weights,
        scale=scale.astype(np.float32),
        intercept=np.asarray(trained.model.intercept_, dtype=np.float32),
    )
    with open(path, "wb") as f:
        np.savez_compressed(f, allow_pickle=False, **arrays)
    return {"features": int(weights.shape[0]), "classes": int(weights.shape[1]), "bytes": path.stat().st_size}
