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
from techtransfer.search.registry import SearchDocument

TABLE = Path(__file__).with_name("data") / "static_zh.npz"
MAX_CHARS = 2000  # longer texts are cut (abstract-sized input is what the table was trained on)
# A record's title counts this many times in its vector: it is the densest statement of what the
# record is about (the lexical side weights it up too), and the rest (abstract, keywords, free text)
# would otherwise drown it.
TITLE_WEIGHT = 2


def tokens(raw: str) -> list[str]:
    """The table's tokens of a text: rjieba search-mode words of the normalised text (as the index)."""
    return text.words(text.normalise(raw[:MAX_CHARS]))


def document_parts(doc: SearchDocument) -> list[str]:
    """What a document's vector is computed from: its title (TITLE_WEIGHT times) and its text fields."""
    parts = [*([doc.title] * TITLE_WEIGHT), *(v for v in doc.fields.values() if v and v != doc.title)]
    return [p for p in parts if p]


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
        return self.encode_parts([[t] for t in texts])

    def encode_parts(self, documents: Sequence[Sequence[str]]) -> np.ndarray:
        """One vector per document made of several texts (fields): the tokens of all its parts.

        Parts are segmented one by one, like the lexical index segments fields, so both share the
        segmentation cache.
        """
        from scipy import sparse

        id_lists = [[i for part in parts if part for i in self.ids(part)] for parts in documents]
        lengths = np.fromiter((len(x) for x in id_lists), dtype=np.int64, count=len(id_lists))
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        flat = np.fromiter((i for x in id_lists for i in x), dtype=np.int64, count=int(indptr[-1]))
        counts = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, indptr), shape=(len(id_lists), len(self.vocab))
        )
        out = np.asarray(counts @ self.matrix, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def encode_one(self, raw: str) -> np.ndarray:
        """`encode([raw])[0]` (equal up to float rounding, 1e-7) without building a sparse matrix for
        one text: a search encodes its question once, and the matrix cost 0.06 ms of its 0.08."""
        ids = self.ids(raw)
        if not ids:
            return np.zeros(self.dim, dtype=np.float32)
        out = np.add.reduce(self.matrix[ids], axis=0, dtype=np.float32)
        norm = np.linalg.norm(out)
        return out / norm if norm > 0 else out


_lock = threading.Lock()


@functools.cache
def _encoder(path: Path) -> StaticEncoder:
    return StaticEncoder(path)


def get_encoder(path: Path = TABLE) -> StaticEncoder:
    with _lock:
        return _encoder(path)
