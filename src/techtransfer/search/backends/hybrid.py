"""The default backend: tantivy (lexical) and a vector index (semantic) fused into one ranking.

Both sides apply the request's visibility tokens, types and filters inside their engine (tantivy
clauses; the vector index's masks), so a fused result, and every count, comes only from records the
user may see. Fusion (`FUSION`, `ALPHA`, `DEPTH`) was chosen on the dev split, see bench/README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from techtransfer.core.iterables import batched
from techtransfer.search import text
from techtransfer.search.backends.base import (
    Fusion,
    Progress,
    SearchBackend,
    SearchMode,
    SearchRequest,
    SearchResults,
)
from techtransfer.search.backends.tantivy_backend import TantivyBackend, payload_hit
from techtransfer.search.registry import SearchDocument, SearchType
from techtransfer.search.semantic import deep
from techtransfer.search.semantic.encoder import StaticEncoder, document_parts, get_encoder
from techtransfer.search.semantic.index import Entry, VectorIndex

FUSION = Fusion.SCORE
# Weight of the max-normalised BM25 score (score fusion); the cosine gets 1 - ALPHA. The table was
# trained with the same fusion (hybrid-aware hard negatives), chosen on cross-fitted dev folds.
ALPHA = 0.45
# Queries of at most SHORT_QUERY_CHARS characters (topic keywords, 3–11 characters on dev): the words
# decide the order, vector-only candidates follow the lexical matches.
SHORT_QUERY_ALPHA = 1.0
SHORT_QUERY_CHARS = 12
# A short query's lexical candidates whose title or text contains the whole query (normalised) get
# this much added to their max-normalised BM25: documents tagged with a keyword usually spell it out,
# partial matches of its words and bigrams rank below them (dev topic_keyword 0.2507 → 0.2606).
WHOLE_QUERY_BONUS = 0.5
RRF_K = 60
DEPTH = 100  # candidates taken from each side
# A vector-only candidate needs this cosine similarity. With the shipped table, between the 95th
# (0.48) and the 99th (0.57) percentile of the similarity of a dev title or keyword query with a
# random document, and near the 5th percentile of relevant documents (estimated from cross-fitted
# tables). It depends on the table: rebuild it, measure again (bench/README.md).
MIN_SIMILARITY = 0.5
# …and for a short query (at most SHORT_QUERY_CHARS), the 99th percentile: its one or two words give a
# vector that sits close to many unrelated records (钕铁硼, which no demo record mentions, found an
# orchard-spraying note at 0.55). Dev, second stage off: topic_keyword 0.2596 at 0.5 and at 0.57
# (0.2592 at 0.6), title and keywords unchanged.
SHORT_MIN_SIMILARITY = 0.57
EMBED_BATCH = 1000

VectorSync = Callable[["HybridBackend"], None]


def entry(doc: SearchDocument) -> Entry:
    return Entry(uid=doc.uid, type=doc.type, visibility=list(doc.visibility), filters=dict(doc.filters))


def whole_query_first(
    query: str,
    ranked: Sequence[tuple[str, float | None, float | None, float]],
    payloads: Mapping[str, Mapping[str, Any]],
    bonus: float,
) -> list[tuple[str, float | None, float | None, float]]:
    """`ranked` with `bonus` added to the fused score of the candidates whose stored title (with the
    indexed title text, e.g. an English name beside it) or text contains the whole normalised
    `query`, re-sorted (stable: ties keep the fused order). A question of several words (稀土 永磁)
    is held whole when each of its words is: a record about both comes before one about either."""
    needle = text.normalise(query).strip()
    if not needle:
        return list(ranked)
    parts = needle.split()
    out = []
    for uid, sim, bm25, fused in ranked:
        payload = payloads.get(uid)
        hay = (
            f"{text.normalise_stored(payload.get('title_text') or payload.get('title', ''))}"
            f" {text.normalise_stored(payload.get('text', ''))}"
            if payload
            else ""
        )
        out.append((uid, sim, bm25, fused + bonus if all(p in hay for p in parts) else fused))
    out.sort(key=lambda r: -r[3])
    return out


class HybridBackend(SearchBackend):
    def __init__(
        self,
        path: Path,
        search_types: Sequence[SearchType],
        *,
        encoder: StaticEncoder | None = None,
        sync: VectorSync | None = None,
        hnsw_threshold: int | None = None,
        deep_vectors: deep.VectorSource | None = None,
        deep_encoder: deep.Encoder | None = None,
    ) -> None:
        self.lexical = TantivyBackend(path, search_types)
        self.encoder = encoder or get_encoder()
        kwargs = {} if hnsw_threshold is None else {"hnsw_threshold": hnsw_threshold}
        self.vectors = VectorIndex(self.encoder.dim, self.lexical.filter_kinds, **kwargs)
        self.sync = sync  # brings the vector index up to date with the database (the web process)
        self.fusion = FUSION
        self.alpha = ALPHA
        self.short_alpha = SHORT_QUERY_ALPHA
        self.whole_query_bonus = WHOLE_QUERY_BONUS
        self.depth = DEPTH
        self.min_similarity = MIN_SIMILARITY
        self.short_min_similarity = SHORT_MIN_SIMILARITY
        # Second stage (long queries, hybrid mode): the e5 re-ranking of the best candidates.
        self.deep_vectors = deep_vectors
        self.deep_encoder = deep_encoder

    # --- writing --------------------------------------------------------------------------
    def embed(self, docs: Sequence[SearchDocument], known: Mapping[str, Any] | None = None) -> np.ndarray:
        """Vectors of `docs`: taken from `known` (stored ones) where present, computed otherwise."""
        known = known or {}
        out = np.zeros((len(docs), self.encoder.dim), dtype=np.float32)
        missing = [i for i, d in enumerate(docs) if d.uid not in known]
        for i, d in enumerate(docs):
            if d.uid in known:
                out[i] = known[d.uid]
        if missing:
            out[missing] = self.encoder.encode_parts([document_parts(docs[i]) for i in missing])
        return out

    def apply(
        self, upserts: Iterable[SearchDocument], deletes: Iterable[str], vectors: Mapping[str, Any] | None = None
    ) -> None:
        docs = list(upserts)
        gone = list(deletes)
        self.lexical.apply(docs, gone)
        self.vectors.delete(gone)
        if docs:
            self.vectors.upsert([entry(d) for d in docs], self.embed(docs, vectors))

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        progress: Progress | None = None,
        vectors: Mapping[str, Any] | None = None,
    ) -> int:
        entries: list[Entry] = []
        chunks: list[np.ndarray] = []

        def tee() -> Iterator[SearchDocument]:
            for batch in batched(documents, EMBED_BATCH):
                entries.extend(entry(d) for d in batch)
                chunks.append(self.embed(batch, vectors))
                yield from batch

        n = self.lexical.rebuild(tee(), progress=progress)
        matrix = np.concatenate(chunks) if chunks else np.zeros((0, self.encoder.dim), dtype=np.float32)
        self.vectors.replace(entries, matrix)
        return n

    def count(self) -> int:
        return self.lexical.count()

    def rebuild_needed(self) -> bool:
        return self.lexical.rebuild_needed()

    def document_frequencies(self, terms: Sequence[str], type_name: str | None = None) -> dict[str, tuple[int, int]]:
        return self.lexical.document_frequencies(terms, type_name)

    # --- reading --------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResults:
        mode = SearchMode(request.mode)
        question = text.positive_query(request.query)  # without the terms it excludes (-荧光)
        if mode == SearchMode.LEXICAL or not question.strip():
            return self.lexical.search(request)
        if self.sync is not None:
            self.sync(self)
        qvec = self.encoder.encode_one(question)
        if not np.any(qvec):  # no known token: only the lexical side can answer
            return self.lexical.search(request)
        need = request.offset + request.limit
        depth = max(self.depth, need)

        # The records found by meaning. A page that counts (facets) uses one set for every count:
        # the `self.depth` nearest records the caller may see, whatever the filters and the page; a
        # filtered request keeps those of them that pass its filters. So the total and the facet
        # counts stay the same from page to page, and a facet value's count is the total its link
        # shows. A request without facets (recommendations, "more like this") takes its own nearest.
        counted = bool(request.facets)
        nearest = replace(request, types=[], terms={}, ranges={}) if counted else request
        short = len(text.normalise(question).strip()) <= SHORT_QUERY_CHARS
        floor = max(self.min_similarity, self.short_min_similarity) if short else self.min_similarity
        near = [(u, x) for u, x in self.vectors.search(qvec, nearest, self.depth) if x >= floor]
        if text.split_exclusions(request.query)[1] or text.required_parts(request.query):
            # The vector index knows no words: the word index tells which hold no excluded term and
            # every required (quoted) part.
            passing = self.lexical.payloads([u for u, _ in near], replace(nearest, types=[], terms={}, ranges={}))
            near = [(u, x) for u, x in near if u in passing]
        near_uids = [u for u, _ in near]
        sem = near
        # No record holds most of a short question's words (中药提取): those holding some of them are
        # listed, ranked with meaning as a longer question's are (no word match is the question).
        partial = (
            mode != SearchMode.SEMANTIC
            and self.lexical.falls_back_to_some_words(request)
            and not self.lexical.finds_any(request)
        )
        if partial:
            request = replace(request, most_words=False)
        if counted and (request.types or request.terms or request.ranges):
            kept = set(self.vectors.passing(near_uids, request))
            sem = [(u, x) for u, x in near if u in kept]
        if request.newest:
            return replace(self._newest(request, mode, near_uids, qvec), partial=partial)
        ranked: list[tuple[str, float | None, float | None, float]]
        known: dict[str, dict[str, Any]] = {}
        context: dict[str, float] = {}
        bonused: set[str] = set()
        wide = SearchRequest(**{**request.__dict__, "limit": depth, "offset": 0})
        if mode == SearchMode.SEMANTIC:
            # Counted by tantivy as well (filters AND uid IN the meaning set, no words), so a record
            # whose vector entry lags behind a permission change is not counted either.
            lex = self.lexical.candidates(replace(wide, limit=1), near_uids, words=False)
            ranked = [(uid, sim, None, sim) for uid, sim in sem]
        else:
            # The total and the facets count every word match plus the records found by meaning alone,
            # each once (tantivy counts both in one pass, applying each count's filters to both).
            #
            # Every page ranks the same candidates: the first `self.depth` word matches and the
            # records found by meaning are fused (and re-ordered by the whole-question bonus or the
            # second stage); the word matches after them follow in word-match order. Fusing the first
            # `offset + limit` word matches instead ranked a different set on each deep page, so a
            # record could show on two pages and another on none.
            lex = self.lexical.candidates(wide, near_uids)
            head = lex.scores[: self.depth]
            alpha = self.short_alpha if short and not partial else self.alpha
            ranked = self._fuse(head, sem, qvec, request.fusion or self.fusion, alpha)
            if short and not partial and self.whole_query_bonus and head:
                known = lex.payloads(uid for uid, _ in head)
                before = {uid: fused for uid, _sim, _bm25, fused in ranked}
                ranked = whole_query_first(question, ranked, known, self.whole_query_bonus)
                bonused = {uid for uid, _sim, _bm25, fused in ranked if fused != before[uid]}
            elif not short and request.rerank and not request.ids and self.deep_vectors and self.deep_encoder:
                ranked, context = deep.rerank(question, ranked, self.deep_vectors, self.deep_encoder)
            if len(ranked) < need and len(lex.scores) > len(head):
                ranked += self._tail(lex.scores, head, ranked, need, qvec, alpha)
        total, facets = lex.total, lex.facets
        page = ranked[request.offset : need]
        payloads = {uid: known[uid] for uid, *_ in page if uid in known}
        payloads.update(lex.payloads(uid for uid, *_ in page if uid not in payloads))
        # Candidates found by meaning alone are checked against the request once more (a vector
        # entry may lag behind a permission change).
        payloads.update(self.lexical.payloads([uid for uid, *_ in page if uid not in payloads], request))
        words = lex.query_terms
        hits = []
        for uid, sim, bm25, fused in page:
            payload = payloads.get(uid)
            if payload is None:
                continue  # removed from the lexical index meanwhile
            hits.append(
                payload_hit(
                    payload,
                    words,
                    request.highlight,
                    score=fused,
                    lexical_score=bm25,
                    semantic_similarity=sim,
                    fused_score=fused,
                    context_similarity=context.get(uid),
                    whole_query_bonus=self.whole_query_bonus if uid in bonused else None,
                )
            )
        return SearchResults(
            total=total, hits=hits, facets=facets, query_terms=words, partial=partial and bool(lex.scores)
        )

    def _newest(self, request: SearchRequest, mode: SearchMode, near: Sequence[str], qvec: np.ndarray) -> SearchResults:
        """The records the page counts (the word matches and those found by meaning), newest first:
        the same set, total and facets as the page by relevance, paged by date; each hit with its
        cosine for the "why" line (no fused score: nothing was fused)."""
        lex = self.lexical.candidates(request, near, words=mode != SearchMode.SEMANTIC)
        uids = [uid for uid, _date in lex.scores]
        sims = self.vectors.similarities(uids, qvec)
        payloads = lex.payloads(uids)
        hits = [
            payload_hit(payloads[uid], lex.query_terms, request.highlight, score=sims.get(uid, 0.0),
                        lexical_score=None, semantic_similarity=sims.get(uid))
            for uid in uids
            if uid in payloads
        ]  # fmt: skip
        return SearchResults(total=lex.total, hits=hits, facets=lex.facets, query_terms=lex.query_terms)

    def _tail(
        self,
        lex_scores: Sequence[tuple[str, float]],
        head: Sequence[tuple[str, float]],
        ranked: Sequence[tuple[str, float | None, float | None, float]],
        need: int,
        qvec: np.ndarray,
        alpha: float,
    ) -> list[tuple[str, float | None, float | None, float]]:
        """The word matches after the fused ones, in word-match order, up to `need` entries in all
        (those also found by meaning are already in `ranked`); each with its cosine and the fused
        score the formula gives it, for the "why" line."""
        seen = {uid for uid, *_ in ranked}
        rest = [(u, x) for u, x in lex_scores[len(head) :] if u not in seen][: need - len(ranked)]
        sims = self.vectors.similarities([u for u, _ in rest], qvec)
        top = max((x for _, x in head), default=0.0) or 1.0
        return [(u, sims.get(u), x, alpha * x / top + (1 - alpha) * sims.get(u, 0.0)) for u, x in rest]

    def _fuse(
        self,
        lex_scores: Sequence[tuple[str, float]],
        sem: Sequence[tuple[str, float]],
        qvec: np.ndarray,
        fusion: Fusion,
        alpha: float,
    ) -> list[tuple[str, float | None, float | None, float]]:
        """(uid, cosine, BM25, fused score) of the union of both candidate lists, best first."""
        bm25 = dict(lex_scores)
        sims = dict(sem)
        missing = [u for u in bm25 if u not in sims]
        sims.update(self.vectors.similarities(missing, qvec))
        uids = list(dict.fromkeys([*bm25, *(u for u, _ in sem)]))
        if fusion == Fusion.RRF:
            lex_rank = {u: i for i, u in enumerate(bm25)}
            sem_rank = {u: i for i, (u, _) in enumerate(sem)}
            fused = {
                u: (1 / (RRF_K + lex_rank[u] + 1) if u in lex_rank else 0.0)
                + (1 / (RRF_K + sem_rank[u] + 1) if u in sem_rank else 0.0)
                for u in uids
            }
        else:
            top = max(bm25.values(), default=0.0) or 1.0
            fused = {u: alpha * bm25.get(u, 0.0) / top + (1 - alpha) * sims.get(u, 0.0) for u in uids}
        # Equal scores by meaning, then in the order of their ids: the same after a reindex (the
        # index's own order of equal word matches changes when it is rebuilt). A short question
        # ranks by words alone (alpha 1): the records found by meaning alone all score 0 and follow
        # the word matches, nearest first.
        order = sorted(uids, key=lambda u: (-fused[u], -round(sims.get(u) or 0.0, 4), u))  # 4 places: no float noise
        return [(u, sims.get(u), bm25.get(u), fused[u]) for u in order]
