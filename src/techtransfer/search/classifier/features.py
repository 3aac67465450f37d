"""Features of the shipped classifiers, identical at build time (scripts/build_classifier.py, through
scikit-learn's TfidfVectorizer with these analyzers) and at request time (numpy only).

Text: normalised like the search index (NFKC, simplified script, lower case), whitespace collapsed.
- characters: 1–3-grams over the whole string, spaces included (scikit-learn's "char" analyzer);
- words: rjieba's precise-mode words, without whitespace tokens.
- dense (the discipline model only): the multilingual-e5-small query vector of `dense_text` (title,
  then the abstract, cut at 400 characters), weighted beside the n-grams.
"""

from __future__ import annotations

import re

from techtransfer.search import text as textproc

_SPACE = re.compile(r"\s\s+")
DENSE_CHARS = 400  # about a title and the first half of an abstract (e5 cost grows with length)


def prepare(title: str, body: str) -> str:
    """Title given twice (it weighs against the longer abstract), then the abstract, normalised."""
    joined = " ".join(p for p in (title, title, body) if p)
    return _SPACE.sub(" ", textproc.normalise(joined).replace("\t", " ").replace("\n", " ")).strip()


def char_ngrams(prepared: str, low: int = 1, high: int = 3) -> list[str]:
    out: list[str] = []
    length = len(prepared)
    for n in range(low, high + 1):
        out.extend(prepared[i : i + n] for i in range(length - n + 1))
    return out


def words(prepared: str) -> list[str]:
    return [w for w in textproc._JIEBA.cut(prepared) if w.strip()]


def dense_text(title: str, body: str) -> str:
    """What the e5 vector of a record is computed from: title, then abstract, cut."""
    return "。".join(p for p in (title.strip(), body.strip()) if p)[:DENSE_CHARS]
