"""Training the shipped classifiers (scikit-learn; build time and `bench classify` only).

`fit` turns rows into the same TF-IDF blocks the runtime model computes (features.py), trains a
linear SVM, and `export` writes the compact .npz that model.LinearTextModel reads. The softmax
temperature of the confidences is fitted on held-out rows (`fit_temperature`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from techtransfer.search.classifier import features
from techtransfer.search.classifier.model import ANALYZERS

DEFAULT_BLOCKS = ("chars",)


@dataclass
class Trained:
    vectorizers: dict[str, Any]
    model: Any  # LinearSVC
    blocks: tuple[str, ...]
    temperature: float = 1.0

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.model.classes_]

    def transform(self, prepared: list[str]) -> Any:
        import scipy.sparse as sp

        return sp.hstack([self.vectorizers[b].transform(prepared) for b in self.blocks]).tocsr()

    def decision(self, prepared: list[str]) -> np.ndarray:
        return np.asarray(self.model.decision_function(self.transform(prepared)))


def prepared_texts(rows: list[dict[str, str]], columns: list[str]) -> list[str]:
    """First column as the title (given twice), the rest joined as the body."""
    title_col, body_cols = columns[0], columns[1:]
    return [
        features.prepare(row.get(title_col, "") or "", " ".join(row.get(c, "") or "" for c in body_cols))
        for row in rows
    ]


def fit(
    prepared: list[str],
    labels: list[str],
    *,
    blocks: tuple[str, ...] = DEFAULT_BLOCKS,
    c: float = 1.0,
    min_df: int = 2,
    class_weight: str | None = None,
) -> Trained:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizers = {
        b: TfidfVectorizer(analyzer=ANALYZERS[b], sublinear_tf=True, min_df=min_df, dtype=np.float32) for b in blocks
    }
    for b in blocks:
        vectorizers[b].fit(prepared)
    trained = Trained(vectorizers, LinearSVC(C=c, class_weight=class_weight, random_state=0), blocks)
    trained.model.fit(trained.transform(prepared), labels)
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


def export(trained: Trained, path: Path, *, info: dict[str, Any]) -> dict[str, int]:
    """Write the model as .npz (no pickle): vocabularies, IDF, int8 weights with per-class scale."""
    coef = np.asarray(trained.model.coef_, dtype=np.float32).T  # features × classes
    scale = np.abs(coef).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    weights = np.round(coef / scale).astype(np.int8)
    arrays: dict[str, np.ndarray] = {}
    for b in trained.blocks:
        vec = trained.vectorizers[b]
        vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        arrays[f"{b}_vocab"] = np.asarray(vocab)
        arrays[f"{b}_idf"] = vec.idf_.astype(np.float32)
    meta = {"blocks": list(trained.blocks), "temperature": trained.temperature, **info}
    arrays.update(
        meta=np.asarray(json.dumps(meta, ensure_ascii=False)),
        classes=np.asarray(trained.classes),
        weights=weights,
        scale=scale.astype(np.float32),
        intercept=np.asarray(trained.model.intercept_, dtype=np.float32),
    )
    with open(path, "wb") as f:
        np.savez_compressed(f, allow_pickle=False, **arrays)
    return {"features": int(weights.shape[0]), "classes": int(weights.shape[1]), "bytes": path.stat().st_size}
