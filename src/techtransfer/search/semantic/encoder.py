"""The runtime text encoder: segment → look up → weighted sum → L2 normalise (numpy only).

The table (`data/static_zh.npz`) was distilled from Google USE-multilingual-v3 over the rjieba
vocabulary of the training material and adapted to scientific abstracts with contrastive training;
`scripts/build_static_embeddings.py` rebuilds it. Each row already carries its token weight (SIF),
so a text's vector is the normalised sum of its tokens' rows. A word missing from the vocabulary
falls back to its CJK characters.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from techtransfer.search import text

TABLE = Path(__file__).with_name("data") / "static_zh.npz"
MAX_CHARS = 2000  # longer texts are cut (abstract-sized input is what the table was trained on)


def tokens(raw: str) -> list[str]:
    """The table's tokens of a text: rjieba search-mode words of the normalised text (as the index)."""
    return text.words(text.normalise(raw[:MAX_CHARS]))


class StaticEncoder:
    def __init__(self, path: Path = TABLE) -> None:
        with np.load(path, allow_pickle=False) as data:
            vocab = str(data["vocab"]).split("\n")
            q = data["matrix"]
            scale = data["scale"].astype(np.float32)
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(vocab)}
        self.matrix = (q.astype(np.float32) * scale[:, None]).astype(np.float32)
        self.dim = int(self.matrix.shape[1])
        self.version = "static-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self._zero = np.zeros(self.dim, dtype=np.float32)

    def ids(self, raw: str) -> list[int]:
        vocab = self.vocab
        out: list[int] = []
        for w in tokens(raw):
            i = vocab.get(w)
            if i is not None:
                out.append(i)
            elif not w.isascii():
                out.extend(vocab[c] for c in w if c in vocab)
        return out

    def encode(self, texts: Sequence[str] | Iterable[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (a text without known tokens is all zero)."""
        id_lists = [self.ids(t) for t in texts]
        out = np.zeros((len(id_lists), self.dim), dtype=np.float32)
        lengths = np.fromiter((len(x) for x in id_lists), dtype=np.int64, count=len(id_lists))
        nonempty = np.flatnonzero(lengths)
        if len(nonempty):
            flat = np.fromiter((i for x in id_lists for i in x), dtype=np.int64, count=int(lengths.sum()))
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[nonempty]
            out[nonempty] = np.add.reduceat(self.matrix[flat], starts, axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def encode_one(self, raw: str) -> np.ndarray:
        return self.encode([raw])[0]


_lock = threading.Lock()


@functools.cache
def _encoder(path: Path) -> StaticEncoder:
    return StaticEncoder(path)


def get_encoder(path: Path = TABLE) -> StaticEncoder:
    with _lock:
        return _encoder(path)
