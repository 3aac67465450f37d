"""A shipped linear text classifier: TF-IDF features → one score per class → softmax confidences.

The model file (an .npz written by scripts/build_classifier.py, no pickle) holds, for each feature
block ("chars" 1–3-grams, "words" rjieba words): the vocabulary (one string array) and its IDF; then
the weight matrix over all blocks (int8, one scale per class), the intercepts, the class labels and
the softmax temperature fitted on held-out rows, and (`confidence_map`) the map from a softmax
probability to how often an answer that sure was right on those rows, which gives the confidence
shown. Prediction needs numpy only. A dense model (meta
"dense") also holds float32 weights for the text's e5 vector, which the caller passes in.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from techtransfer.search.classifier import features

DATA = Path(__file__).resolve().parent / "data"

ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "chars": features.char_ngrams,
    "words": features.words,
}


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax over the last axis of `scores` / `temperature` (one row of scores, or one per text)."""
    z = np.asarray(scores) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float


class LinearTextModel:
    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as z:
            self.meta = json.loads(str(z["meta"]))
            self.classes: list[str] = [str(c) for c in z["classes"]]
            self.blocks: list[tuple[str, dict[str, int], np.ndarray, int]] = []
            offset = 0
            for name in self.meta["blocks"]:
                vocab = {str(t): i for i, t in enumerate(z[f"{name}_vocab"])}
                self.blocks.append((name, vocab, z[f"{name}_idf"].astype(np.float32), offset))
                offset += len(vocab)
            self.weights = z["weights"]  # int8, features × classes
            self.scale = z["scale"].astype(np.float32)  # one per class
            self.intercept = z["intercept"].astype(np.float32)
            dense = self.meta.get("dense")  # {"model", "weight", "dim"} of a dense model
            self.dense_weight = float(dense["weight"]) if dense else 0.0
            self.dense_weights = z["dense_weights"].astype(np.float32) if dense else None
        self.temperature = float(self.meta["temperature"])
        mapping = self.meta.get("confidence_map")  # absent from files built before session 24
        self.confidence_map = (
            (np.asarray(mapping["probability"], np.float64), np.asarray(mapping["right"], np.float64))
            if mapping
            else None
        )

    def _row(self, prepared: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of the L2-normalised sublinear TF-IDF row (scikit-learn's formula)."""
        idx: list[int] = []
        val: list[float] = []
        for name, vocab, idf, offset in self.blocks:
            counts = Counter(t for t in ANALYZERS[name](prepared) if t in vocab)
            for term, n in counts.items():
                j = vocab[term]
                idx.append(offset + j)
                val.append((1.0 + math.log(n)) * float(idf[j]))
        values = np.asarray(val, dtype=np.float32)
        norm = float(np.linalg.norm(values))
        return np.asarray(idx, dtype=np.int64), (values / norm if norm else values)

    def scores(self, title: str, body: str = "", dense: np.ndarray | None = None) -> np.ndarray:
        """One score per class; a dense model needs `dense`, the e5 vector of
        `features.dense_text(title, body)`."""
        idx, values = self._row(features.prepare(title, body))
        raw = values @ self.weights[idx].astype(np.float32) if len(idx) else np.zeros(len(self.classes), np.float32)
        out = raw * self.scale + self.intercept
        if self.dense_weights is not None:
            if dense is None:
                raise ValueError("this model reads the text's e5 vector")
            out = out + (self.dense_weight * np.asarray(dense, dtype=np.float32)) @ self.dense_weights
        return out

    def probabilities(self, title: str, body: str = "", dense: np.ndarray | None = None) -> np.ndarray:
        return softmax(self.scores(title, body, dense), self.temperature)

    def top(
        self,
        title: str,
        body: str = "",
        k: int = 3,
        exclude: frozenset[str] = frozenset(),
        dense: np.ndarray | None = None,
    ) -> list[Suggestion]:
        p = self.probabilities(title, body, dense)
        order = np.argsort(-p)
        sure = self.confidence(p)
        out = [Suggestion(self.classes[i], float(sure[i])) for i in order if self.classes[i] not in exclude]
        return out[:k]

    def confidence(self, probabilities: np.ndarray) -> np.ndarray:
        """How often an answer this probable was right on held-out rows (the softmax itself for a file
        without a confidence map)."""
        if self.confidence_map is None:
            return probabilities
        return np.interp(probabilities, *self.confidence_map)


@functools.cache
def load(name: str) -> LinearTextModel:
    """The shipped model `name` (discipline, industry), loaded once per process."""
    return LinearTextModel(DATA / f"{name}.npz")
