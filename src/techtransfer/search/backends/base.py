"""The interface every search backend implements, and the values it exchanges."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from techtransfer.search import text
from techtransfer.search.registry import SearchDocument


class SearchMode(StrEnum):
    LEXICAL = "lexical"  # BM25 over segmented words and bigrams
    SEMANTIC = "semantic"  # nearest vectors of the static embedding table
    HYBRID = "hybrid"  # both, fused (see `search.hybrid`)


class Fusion(StrEnum):
    RRF = "rrf"  # reciprocal rank fusion
    SCORE = "score"  # weighted sum of max-normalised BM25 and cosine similarity


@dataclass
class SearchRequest:
    """A query. `visibility` is mandatory: only documents carrying one of these tokens can match."""

    query: str
    visibility: frozenset[str]
    types: Sequence[str] = ()
    terms: dict[str, list[str]] = field(default_factory=dict)  # keyword and prefix filters (any of)
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    limit: int = 10
    offset: int = 0
    facets: Sequence[str] = ()  # keyword filters to count; "type" counts record types
    highlight: bool = True
    ids: Sequence[str] = ()  # only these uids ("type:pk") when given (subscription matching)
    mode: SearchMode = SearchMode.HYBRID
    fusion: Fusion | None = None  # None: the backend's default (chosen on dev data)
    rerank: bool = True  # the e5 second stage of long hybrid queries (where the backend has one)
    # Newest first (the documents' `date`) instead of best first; the same records and counts. A
    # request without a question always lists newest first (every record would score the same).
    newest: bool = False
    # A short question lists only the records holding most of its words (`text.key_words`); False
    # keeps any word (subscriptions: their phrases are alternatives, `subscriptions.phrases_present`).
    most_words: bool = True
    # When no record holds most of a short question's words (中药提取: none holds both), list those
    # holding any of them (`SearchResults.partial`). False counts only what the question itself finds
    # (the hints' counting searches).
    some_words_if_none: bool = True

    @property
    def by_date(self) -> bool:
        """Are the hits ordered by date (`listed_by_date`)?"""
        return listed_by_date(self.query, self.newest)


def listed_by_date(query: str, newest: bool) -> bool:
    """Are the hits ordered by date: asked for, or nothing to rank by (no question)?"""
    return newest or not text.positive_query(query).strip()


@dataclass
class SearchHit:
    type: str
    pk: str
    score: float
    title: str
    url: str
    snippet: str  # HTML with <mark>, already escaped
    matched_terms: list[str]
    # "Why this result": the parts of the score (None where the mode has no such part).
    lexical_score: float | None = None  # BM25 summed over fields
    semantic_similarity: float | None = None  # cosine between query and document vectors
    fused_score: float | None = None  # what the hybrid ranking sorted by
    context_similarity: float | None = None  # e5 cosine of the re-ranking stage (long queries)
    whole_query_bonus: float | None = None  # part of fused_score: the record holds the whole short question
    public: bool = True  # False: only its organisation, reviewers or admins may see it (drafts, internal)


@dataclass
class SearchResults:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]]
    query_terms: list[str]
    # No record held most of the question's words: the word matches hold some of them.
    partial: bool = False


class BackendBusy(RuntimeError):
    """Another process holds the index writer; try again later."""


Progress = Callable[[int, int | None], None]


class SearchBackend(abc.ABC):
    @abc.abstractmethod
    def search(self, request: SearchRequest) -> SearchResults: ...

    @abc.abstractmethod
    def apply(
        self, upserts: Iterable[SearchDocument], deletes: Iterable[str], vectors: Mapping[str, Any] | None = None
    ) -> None:
        """Replace the documents `upserts` and remove the uids `deletes`, in one commit."""

    @abc.abstractmethod
    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        progress: Progress | None = None,
        vectors: Mapping[str, Any] | None = None,
    ) -> int:
        """Replace the whole index with `documents` in one commit; returns how many were indexed."""

    @abc.abstractmethod
    def count(self) -> int: ...

    def document_frequencies(self, terms: Sequence[str], type_name: str | None = None) -> dict[str, tuple[int, int]]:
        """(documents holding the word in any field, documents in all) of each of `terms`, among the
        documents of `type_name` when given; empty when the backend cannot tell."""
        return {}

    def rebuild_needed(self) -> bool:
        """Was the index started afresh (new, or its declarations changed) and not rebuilt since?"""
        return False
