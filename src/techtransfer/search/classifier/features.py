"""Features of the shipped classifiers, identical at build time (scripts/build_classifier.py, through
scikit-learn's TfidfVectorizer with these analyzers) and at request time (numpy only).

Text: normalised like the search index (NFKC, simplified script, lower case), whitespace collapsed.
- characters: 1–3-grams over the whole string, spaces included (scikit-learn's "char" analyzer);
- words: rjieba's precise-mode words, without whitespace tokens.
"""

from __future__ import annotations

import re

from techtransfer.search import text as textproc

_SPACE = re.compile(r"\s\s+")


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
