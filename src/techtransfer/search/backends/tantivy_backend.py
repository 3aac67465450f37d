"""The embedded lexical backend: tantivy on disk, fed with pre-segmented Chinese.

The declared text fields are indexed together as one field of whitespace-separated tokens (rjieba
words plus `_`-prefixed character bigrams, see `search.text`), each field's tokens written as many
times as its declared weight (title 3, keywords 2, body 1): BM25F, one term frequency and one length
per record, so a question of 60 tokens is 60 term clauses rather than 180 (ADR 0028). Filters,
visibility and record types are tantivy clauses, so they are applied inside the engine and facets
are tantivy term aggregations over the same query.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tantivy

from techtransfer.search import text
from techtransfer.search.backends.base import (
    BackendBusy,
    Progress,
    SearchBackend,
    SearchHit,
    SearchRequest,
    SearchResults,
)
from techtransfer.search.registry import PUBLIC, FilterKind, SearchDocument, SearchType

TOKENIZER = "ws"
WORDS = "words"  # the one text field: every declared field's tokens, repeated by its weight
SCHEMA_MARKER = "techtransfer-schema.json"  # the declarations the index was built for
REBUILD_MARKER = "techtransfer-rebuild-needed"  # the index was started afresh; removed by a rebuild
SNIPPET_CHARS = 160
BATCH = 2000
# Boost of a question that is, as a whole, a name a record goes by (its organisation's): its records
# rank with those that name it in their text. See SearchDocument.names.
NAME_WEIGHT = 1.0
# A lone character of a question (锂) is scored by this many of the bigrams that start with it.
LONE_TERMS = 64
UID_CACHE = 500_000  # uids remembered by their key (at most some 50 MB)
ANY_OF_TERMS = 1024  # values of a filter looked up one by one (`_any_of`); more: one term set query


@dataclass
class LexicalCandidates:
    scores: list[tuple[str, float]]  # (uid, BM25), best first (a request `by_date`: newest first, no BM25)
    total: int
    facets: dict[str, list[tuple[str, int]]]
    query_terms: list[str]
    # The searcher that found them and each candidate's address in it. They passed the request's
    # visibility and filters in the same query, so the page can show them without asking again; the
    # stored payloads are read (from this searcher: the same version of the index) only for the ones
    # it shows.
    searcher: tantivy.Searcher | None = None
    addresses: dict[str, Any] = field(default_factory=dict)

    def payloads(self, uids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The decoded payloads of those `uids` that are candidates."""
        if self.searcher is None:
            return {}
        docs = [self.searcher.doc(a) for uid in dict.fromkeys(uids) if (a := self.addresses.get(uid)) is not None]
        return {str(d.get_first("uid")): json.loads(str(d.get_first("payload"))) for d in docs}


def uid_key(uid: str) -> int:
    """A record's number in the index's `uid_key` column: 64 bits of a hash of its uid. A question's
    candidates are known by it, read from that column for all of them at once, rather than by opening
    their stored documents (100 a question: 0.6 of a long question's 1.6 ms in the word index)."""
    return int.from_bytes(hashlib.blake2b(uid.encode(), digest_size=8).digest(), "little")


def _analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.lowercase()).build()


class TantivyBackend(SearchBackend):
    def __init__(self, path: Path, search_types: Sequence[SearchType], heap_size: int = 128_000_000) -> None:
        self.path = path
        self.heap_size = heap_size
        # Indexing threads. One writes the documents in their order, so equal scores rank the same
        # way on every rebuild, and a rebuild leaves one segment: each segment costs every term of a
        # question a lookup (two segments, one per core, made a long question's search a tenth
        # slower). tantivy's own merging keeps the segments of later changes few.
        self.writer_threads = 1
        # How many times each declared field's tokens are written (the largest weight any record
        # type gives it): a whole number, since it is a term frequency.
        self.weights: dict[str, int] = {}
        self.filter_kinds: dict[str, FilterKind] = {}
        for st in search_types:
            for name, weight in st.fields.items():
                if weight != int(weight) or weight < 1:
                    raise ValueError(f"{st.name}: the weight of the field {name!r} must be a whole number ≥ 1")
                self.weights[name] = max(int(weight), self.weights.get(name, 0))
            for spec in st.filters:
                self.filter_kinds[spec.name] = spec.kind
        self.schema = self._schema()
        self._uids: dict[int, str] = {}  # uid_key → uid, of the records this process has found
        self._write_lock = threading.Lock()
        self.index = self._open()
        for st in search_types:
            text.add_terms(st.terms())

    # --- schema ---------------------------------------------------------------------------
    def _schema(self) -> tantivy.Schema:
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("uid", stored=True, tokenizer_name="raw")
        sb.add_unsigned_field("uid_key", fast=True)  # `uid_key(uid)`
        sb.add_text_field("type", stored=True, fast=True, tokenizer_name="raw")
        sb.add_text_field("visibility", tokenizer_name="raw")
        sb.add_text_field("payload", stored=True, tokenizer_name="raw", index_option="basic")
        # Term frequencies for BM25; no positions (no phrase query reads them).
        sb.add_text_field(WORDS, tokenizer_name=TOKENIZER, index_option="freq")
        sb.add_text_field("names", tokenizer_name="raw")  # normalised whole names
        sb.add_integer_field("when", fast=True)  # the record's date, milliseconds (newest first)
        for name, kind in sorted(self.filter_kinds.items()):
            if kind == FilterKind.INT:
                sb.add_integer_field(f"x_{name}", indexed=True, fast=True)
            elif kind == FilterKind.FLOAT:
                sb.add_float_field(f"x_{name}", indexed=True, fast=True)
            else:
                sb.add_text_field(f"x_{name}", fast=kind == FilterKind.KEYWORD, tokenizer_name="raw")
        return sb.build()

    def _fingerprint(self) -> str:
        # v4: a submitted need's reviewers are those of its organisation's region (its visibility
        # tokens changed); v5: a decimal's tail is no word (0.5g gave 5g); v6: one weighted text field
        # (the weights are written into it, so a change of weight rebuilds too); v7: each record's
        # `uid_key`; v8: achievements of every status, each with the tokens of who may see it (only
        # public ones before). An index written before is rebuilt.
        fields = sorted(self.weights.items())
        return json.dumps({"fields": fields, "filters": sorted(self.filter_kinds.items()), "v": 8})

    def _open(self) -> tantivy.Index:
        marker = self.path / SCHEMA_MARKER
        fingerprint = self._fingerprint()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Web workers and the worker open the index at the same moment when they start. One at a time
        # compares the declarations and, only if they changed, starts the index afresh; the marker is
        # written only then, and atomically. (It used to be rewritten on every open: a process that
        # read it while another had just truncated it saw a "change" and deleted the whole index.)
        with open(self.path.parent / f".{self.path.name}.open.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = marker.read_text() if marker.exists() else None
                if self.path.exists() and current != fingerprint:
                    # The declarations changed: the old index cannot answer; start empty (run `reindex`).
                    shutil.rmtree(self.path)
                self.path.mkdir(parents=True, exist_ok=True)
                index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
                if current != fingerprint:
                    # Records already in the database are not in it: the worker rebuilds it.
                    (self.path / REBUILD_MARKER).touch()
                    staged = self.path / f"{SCHEMA_MARKER}.tmp"
                    staged.write_text(fingerprint)
                    os.replace(staged, marker)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        index.register_tokenizer(TOKENIZER, _analyzer())
        return index

    # --- writing --------------------------------------------------------------------------
    def _document(self, doc: SearchDocument) -> tantivy.Document:
        d = tantivy.Document()
        d.add_text("uid", doc.uid)
        d.add_unsigned("uid_key", uid_key(doc.uid))
        d.add_text("type", doc.type)
        for token in doc.visibility:
            d.add_text("visibility", token)
        body = " ".join(v for v in doc.fields.values() if v)
        payload = {
            "type": doc.type, "pk": doc.pk, "title": doc.title, "url": doc.url, "text": doc.summary or body,
            "public": PUBLIC in doc.visibility,
        }  # fmt: skip
        if doc.fields.get("title") and doc.fields["title"] != doc.title:  # e.g. the English name beside it
            payload["title_text"] = doc.fields["title"]
        d.add_text("payload", json.dumps(payload, ensure_ascii=False))
        d.add_integer("when", int(doc.date.timestamp() * 1000) if doc.date else 0)
        words = [
            " ".join(text.index_tokens(value)) for name, value in doc.fields.items() if name in self.weights and value
        ]
        repeats = [self.weights[name] for name, value in doc.fields.items() if name in self.weights and value]
        if words:
            d.add_text(WORDS, " ".join(w for w, n in zip(words, repeats, strict=True) for _ in range(n) if w))
        for name in doc.names:
            # The name, and the name without a leading bracketed marker ("[演示] 南昌示范大学").
            whole = text.normalise(name)
            for form in dict.fromkeys([whole.strip(), _MARKER.sub("", whole).strip()]):
                if form:
                    d.add_text("names", form)
        for name, values in doc.filters.items():
            kind = self.filter_kinds.get(name)
            for v in values:
                if kind == FilterKind.INT:
                    d.add_integer(f"x_{name}", int(v))
                elif kind == FilterKind.FLOAT:
                    d.add_float(f"x_{name}", float(v))
                elif kind is not None and v != "":
                    d.add_text(f"x_{name}", str(v))
        return d

    def _writer(self) -> tantivy.IndexWriter:
        try:
            return self.index.writer(heap_size=self.heap_size, num_threads=self.writer_threads)
        except ValueError as exc:
            raise BackendBusy(str(exc)) from exc

    def apply(
        self, upserts: Iterable[SearchDocument], deletes: Iterable[str], vectors: Mapping[str, Any] | None = None
    ) -> None:
        with self._write_lock:
            writer = self._writer()
            try:
                for uid in deletes:
                    writer.delete_documents_by_term("uid", uid)
                for doc in upserts:
                    writer.delete_documents_by_term("uid", doc.uid)
                    writer.add_document(self._document(doc))
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        self.index.reload()

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        progress: Progress | None = None,
        vectors: Mapping[str, Any] | None = None,
    ) -> int:
        n = 0
        with self._write_lock:
            writer = self._writer()
            try:
                writer.delete_all_documents()
                for doc in documents:
                    writer.add_document(self._document(doc))
                    n += 1
                    if progress is not None and n % BATCH == 0:
                        progress(n, None)
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            (self.path / REBUILD_MARKER).unlink(missing_ok=True)
        self.index.reload()
        if progress is not None:
            progress(n, n)
        return n

    def count(self) -> int:
        self.index.reload()
        return int(self.index.searcher().num_docs)

    def rebuild_needed(self) -> bool:
        return (self.path / REBUILD_MARKER).exists()

    def document_frequencies(self, terms: Sequence[str], type_name: str | None = None) -> dict[str, tuple[int, int]]:
        searcher = self.index.searcher()
        if type_name is None:  # the index's own statistics
            total = int(searcher.num_docs)
            return {t: (int(searcher.doc_freq(WORDS, t)), total) for t in dict.fromkeys(terms)}
        must = tantivy.Occur.Must
        of_type = tantivy.Query.term_query(self.schema, "type", type_name)

        def count(query: tantivy.Query) -> int:
            return int(getattr(searcher.search(query, limit=1, count=True), "count", 0) or 0)

        total = count(of_type)
        out = {}
        for t in dict.fromkeys(terms):
            holding = tantivy.Query.boolean_query(
                [(must, of_type), (must, tantivy.Query.term_query(self.schema, WORDS, t))]
            )
            out[t] = (count(holding), total)
        return out

    # --- reading --------------------------------------------------------------------------
    def _text_query(
        self, tokens: Sequence[str], question: str, majority: tantivy.Query | None = None, *, scored: bool = True
    ) -> tantivy.Query | None:
        """Any of `tokens`, scored (BM25 over the weighted text), or the question as a name; with
        `majority` (the question's `_majority`), only among the records it admits. Not `scored` (for
        counting), a lone character's regex alone: the bigrams starting with it only rank."""
        clauses = []
        searched = text.lone_characters_searched(tokens, question)
        for token in tokens:
            lone = text.lone_character(token)
            lone = lone if lone in searched else ""
            clauses.append((tantivy.Occur.Should, self._token_query(token, lone)))
            if lone and scored:
                clauses += [(tantivy.Occur.Should, q) for q in self._starting_with(lone)]
        whole = _whole(question)
        if clauses and whole:  # the question as a whole may be a name the record goes by
            q = tantivy.Query.term_query(self.schema, "names", whole)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, NAME_WEIGHT)))
        if not clauses:
            return None
        matched = tantivy.Query.boolean_query(clauses)
        if majority is None:
            return matched
        # Scored as before: the condition only decides which records are listed (and counted).
        condition = tantivy.Query.const_score_query(majority, 0.0)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, matched), (tantivy.Occur.Must, condition)])

    def _majority(self, question: str) -> tantivy.Query | None:
        """For a short question, records holding more than half of its words (`text.key_words`), each
        word wherever its bigrams are (`_holding`); a name the record goes by (the whole question)
        passes too. None for a question that requires nothing."""
        words, needed = text.key_words(question)
        held = [q for w in words if (q := self._holding(w)) is not None]
        if not needed or len(held) < len(words):
            return None
        must, should = tantivy.Occur.Must, tantivy.Occur.Should
        options = [
            (should, tantivy.Query.boolean_query([(must, held[i]) for i in chosen]))
            for chosen in itertools.combinations(range(len(held)), needed)
        ]
        options.append((should, tantivy.Query.term_query(self.schema, "names", _whole(question))))
        return tantivy.Query.boolean_query(options)

    def _token_query(self, token: str, lone: str = "") -> tantivy.Query:
        """`token` in the text; with `lone` (its character, `text.lone_character`), also that
        character inside any bigram (锂: 锂电, 钴锂), a regex over the terms, constant score."""
        q = tantivy.Query.term_query(self.schema, WORDS, token)
        if not lone:
            return q
        inside = tantivy.Query.regex_query(self.schema, WORDS, f"_({lone}.|.{lone})")
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q), (tantivy.Occur.Should, inside)])

    def _starting_with(self, lone: str) -> list[tantivy.Query]:
        """Scored term queries for the most frequent LONE_TERMS bigrams that start with the character
        `lone` (锂: 锂电, 锂离, …). The regex of `_token_query` finds every record holding the
        character, each with the same constant score; these rank among them the records that hold it
        often, and in their titles (written three times), first."""
        found = self.index.searcher().terms_with_prefix(WORDS, f"_{lone}", limit=LONE_TERMS)
        return [tantivy.Query.term_query(self.schema, WORDS, term) for term, _count in found if len(term) == 3]

    def _holding(self, term: str) -> tantivy.Query | None:
        """Records that hold `term` (an excluded one) in their text: each of its Latin words and
        character bigrams (or lone characters) present, the way the search finds a CJK word wherever
        its bigrams are."""
        tokens = [t for t in text.query_tokens(term) if not text.covered_by_bigrams(t)]
        if not tokens:
            return None
        must = tantivy.Occur.Must
        return tantivy.Query.boolean_query([(must, self._token_query(t, text.lone_character(t))) for t in tokens])

    def _any_of(self, field: str, values: Sequence[str]) -> tantivy.Query:
        """Records whose `field` holds any of `values`, each with the constant score 1 of a term set
        query, as a disjunction of term queries: tantivy's term set query goes through the field's
        term dictionary (a visibility filter and the 100 records found by meaning cost a long
        question's counting pass 0.4 of its 0.8 ms); term queries look up their terms. A long list
        (ids) stays a term set."""
        if len(values) > ANY_OF_TERMS:
            return tantivy.Query.term_set_query(self.schema, field, list(values))
        should = tantivy.Occur.Should
        terms = [(should, tantivy.Query.term_query(self.schema, field, v)) for v in dict.fromkeys(values)]
        return tantivy.Query.const_score_query(tantivy.Query.boolean_query(terms), 1.0)

    def _filter_clauses(self, request: SearchRequest) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        must = tantivy.Occur.Must
        schema = self.schema
        out = [(must, self._any_of("visibility", sorted(request.visibility) or ["-"]))]
        if request.types:
            out.append((must, self._any_of("type", list(request.types))))
        if request.ids:
            out.append((must, self._any_of("uid", list(request.ids))))
        for term in text.split_exclusions(request.query)[1]:
            excluded = self._holding(term)
            if excluded is not None:
                out.append((tantivy.Occur.MustNot, excluded))
        for part in text.required_parts(request.query):
            required = self._holding(part)
            if required is not None:
                out.append((must, required))
        for name, values in request.terms.items():
            if name in self.filter_kinds and values:
                out.append((must, self._any_of(f"x_{name}", [str(v) for v in values])))
        for name, (lo, hi) in request.ranges.items():
            kind = self.filter_kinds.get(name)
            if kind not in (FilterKind.INT, FilterKind.FLOAT) or (lo is None and hi is None):
                continue
            ftype = tantivy.FieldType.Integer if kind == FilterKind.INT else tantivy.FieldType.Float
            cast = int if kind == FilterKind.INT else float
            # A record with several values (a price from–to) passes when they overlap [lo, hi]: its
            # highest value is at least lo and its lowest at most hi, i.e. some value is >= lo and
            # some value is <= hi (two clauses: one range clause asks one value to be in both).
            if lo is not None:
                out.append((must, tantivy.Query.range_query(schema, f"x_{name}", ftype, cast(lo), None)))
            if hi is not None:
                out.append((must, tantivy.Query.range_query(schema, f"x_{name}", ftype, None, cast(hi))))
        return out

    def _execute(
        self, request: SearchRequest, meaning: Sequence[str] | None = None, words: bool = True
    ) -> tuple[tantivy.Searcher, list[tuple[float, Any]], int, dict[str, list[tuple[str, int]]], list[str]]:
        """Run `request` (its limit and offset): the searcher, the (score, address) of its hits, the
        total, the facets it asks for and the query's words for display.

        With `meaning` (hybrid search: the uids found by meaning), the hits are still the word
        matches, but the total and the facets count the word matches together with those records that
        pass each count's filters (the request's, or the request's without a facet's own selection,
        below): each record once, in one pass.
        Without `words` ("meaning only") nothing matches the words: no hits, and the counts are those
        of the records found by meaning that pass the filters and that the caller may see."""
        tokens = text.query_tokens(request.query)
        # Built once: the scored query and the counting one share it.
        majority = self._majority(request.query) if words and request.most_words else None
        text_query = self._text_query(tokens, request.query, majority) if words else None
        # Counting needs only which records match, not how well: a CJK word matches only where its
        # first character bigram (a token of the same question) matches too, so the counts leave
        # such words out and give the same numbers from a third fewer clauses (and a lone character
        # without the bigrams that only rank).
        counting = [t for t in tokens if not text.covered_by_bigrams(t)]
        count_query = text_query
        lone = any(text.lone_character(t) for t in tokens)
        if text_query is not None and (len(counting) < len(tokens) or lone):
            count_query = self._text_query(counting, request.query, majority, scored=False)

        def build(req: SearchRequest, with_meaning: bool = False, *, scored: bool = False) -> tantivy.Query:
            clauses = self._filter_clauses(req)
            matcher = text_query if scored else count_query
            if matcher is None and (text.positive_query(req.query).strip() or not words):
                # Only punctuation or symbols: nothing to match (an empty query browses everything).
                matcher = tantivy.Query.empty_query()
            if with_meaning and meaning:
                by_meaning = self._any_of("uid", list(meaning))
                should = tantivy.Occur.Should
                matcher = by_meaning if matcher is None else tantivy.Query.boolean_query(
                    [(should, matcher), (should, by_meaning)]
                )  # fmt: skip
            if matcher is not None:
                clauses.append((tantivy.Occur.Must, matcher))
            return tantivy.Query.boolean_query(clauses)

        searcher = self.index.searcher()
        if request.by_date:
            # Newest first: the records the page counts (with `meaning`, the union), by date.
            query = build(request, True)
            limit, newest = max(request.limit, 1), tantivy.Order.Desc
            result = searcher.search(query, limit=limit, offset=request.offset, order_by_field="when", order=newest)
            counted = query
        else:
            query = build(request, scored=True)
            # With `meaning` the total comes from the union below: this count would be thrown away.
            result = searcher.search(query, limit=max(request.limit, 1), offset=request.offset, count=meaning is None)
            counted = query if meaning is None else build(request, True)
        total = int(getattr(result, "count", 0) or 0)
        facets = self._facets(searcher, counted, request.facets) if request.facets else {}
        if counted is not query:  # every record has one type: their counts add up to the total
            if "type" in facets:
                total = sum(n for _, n in facets["type"])
            else:
                total = int(getattr(searcher.search(counted, limit=1, count=True), "count", 0) or 0)
        # A facet with selected values counts its values without its own selection (the others stay):
        # the other values remain visible, each with how many results adding it would bring.
        wide = meaning is not None
        for name in [n for n in request.facets if request.terms.get(n) and n in facets]:
            others = {k: v for k, v in request.terms.items() if k != name}
            facets[name] = self._facets(searcher, build(replace(request, terms=others), wide), [name])[name]
        if request.types and "type" in facets:  # the same for the record types
            facets["type"] = self._facets(searcher, build(replace(request, types=[]), wide), ["type"])["type"]
        return searcher, result.hits[: request.limit], total, facets, text.display_terms(tokens, request.query)

    def falls_back_to_some_words(self, request: SearchRequest) -> bool:
        """May `request`, having found no record holding most of its words, list those holding any?"""
        return request.most_words and request.some_words_if_none and self._majority(request.query) is not None

    def finds_any(self, request: SearchRequest) -> bool:
        """Does some record match `request`'s words and filters? (One counting search.)"""
        return bool(self._execute(replace(request, limit=1, offset=0, facets=[], newest=False))[2])

    def search(self, request: SearchRequest) -> SearchResults:
        searcher, found, total, facets, words = self._execute(request)
        partial = not total and self.falls_back_to_some_words(request)
        if partial:
            searcher, found, total, facets, words = self._execute(replace(request, most_words=False))
        hits = []
        by_date = request.by_date  # then the key of each hit is its date, not a score
        for score, address in found:
            stored = searcher.doc(address)
            payload: dict[str, Any] = json.loads(str(stored.get_first("payload")))
            bm25 = None if by_date else float(score)
            hits.append(payload_hit(payload, words, request.highlight, score=bm25 or 0.0, lexical_score=bm25))
        return SearchResults(total=total, hits=hits, facets=facets, query_terms=words, partial=partial and bool(total))

    def candidates(
        self, request: SearchRequest, meaning: Sequence[str] | None = None, *, words: bool = True
    ) -> LexicalCandidates:
        """What the hybrid fusion needs of `request`: the uids and BM25 scores of its top `limit`
        matches, best first, with the total and the facets (with `meaning`: of the word matches and the
        records found by meaning together; without `words`, of those alone and with no hits), but no
        payloads: the page reads those of the ones it shows (`LexicalCandidates.payloads`). Their uids
        come from the `uid_key` column; a key this process has not met yet, from the stored document."""
        searcher, found, total, facets, terms = self._execute(request, meaning, words)
        keys = searcher.fast_field_values("uid_key", [address for _x, address in found]) if found else []
        scores = []
        addresses = {}
        for (x, address), key in zip(found, keys, strict=True):
            uid = self._uids.get(key) if isinstance(key, int) else None
            if uid is None:  # not seen by this process yet: its stored document says
                uid = str(searcher.doc(address).get_first("uid"))
                if isinstance(key, int):
                    if len(self._uids) >= UID_CACHE:
                        self._uids.clear()
                    self._uids[key] = uid
            scores.append((uid, float(x)))
            addresses[uid] = address
        return LexicalCandidates(scores, total, facets, terms, searcher, addresses)

    def payloads(self, uids: Sequence[str], request: SearchRequest) -> dict[str, dict[str, Any]]:
        """Stored title, url and snippet text of those documents `uids` that `request` may see and
        that pass its filters (the semantic side shows them; checked here again, so a vector entry
        that lags behind a permission change cannot show a record)."""
        if not uids:
            return {}
        searcher = self.index.searcher()
        clauses = [(tantivy.Occur.Must, self._any_of("uid", list(uids)))]
        query = tantivy.Query.boolean_query(clauses + self._filter_clauses(request))
        found = searcher.search(query, limit=len(uids))
        out = {}
        for _score, address in found.hits:
            stored = searcher.doc(address)
            out[str(stored.get_first("uid"))] = json.loads(str(stored.get_first("payload")))
        return out

    def _facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, names: Sequence[str]
    ) -> dict[str, list[tuple[str, int]]]:
        spec: dict[str, Any] = {}
        for name in names:
            if name == "type":
                spec[name] = {"terms": {"field": "type", "size": 50}}
            elif self.filter_kinds.get(name) == FilterKind.KEYWORD:
                spec[name] = {"terms": {"field": f"x_{name}", "size": 100}}
        if not spec:
            return {}
        raw = searcher.aggregate(query, spec)
        return {
            name: [(str(b["key"]), int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])] for name in spec
        }


def _whole(question: str) -> str:
    """The question as a whole, as a record's name would be stored (`names`)."""
    return text.normalise(text.positive_query(question)).strip()


def payload_hit(
    payload: Mapping[str, Any],
    words: Sequence[str],
    with_snippet: bool,
    *,
    score: float,
    lexical_score: float | None,
    semantic_similarity: float | None = None,
    fused_score: float | None = None,
    context_similarity: float | None = None,
    whole_query_bonus: float | None = None,
) -> SearchHit:
    """A hit from a document's stored payload: snippet and matched words (when asked for), the score
    it is ranked by and the parts of that score."""
    snippet, matched = highlight(payload.get("text", ""), words) if with_snippet else ("", [])
    if with_snippet and len(matched) < len(words):  # words found in the title (field) only count too
        title = text.normalise_stored(payload.get("title_text") or payload["title"])
        in_title = {w for w in words if w not in matched and w in title}
        if in_title:
            matched = [w for w in words if w in in_title or w in matched]
    return SearchHit(
        type=payload["type"],
        pk=payload["pk"],
        score=score,
        title=payload["title"],
        url=payload["url"],
        snippet=snippet,
        matched_terms=matched,
        lexical_score=lexical_score,
        semantic_similarity=semantic_similarity,
        fused_score=fused_score,
        context_similarity=context_similarity,
        whole_query_bonus=whole_query_bonus,
        public=bool(payload.get("public", True)),
    )


_MARKER = re.compile(r"^\s*[\[【(（][^\]】)）]{1,8}[\]】)）]\s*")
_HTML_SPECIAL = re.compile(r"[&<>\"']")


def _marks(norm: str, terms: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the term occurrences to mark in norm[start:end]: scanning left to right, the
    longest term at the leftmost position wins and the scan goes on after it, as a regular
    expression of the terms, longest first, would match (building one per question was a twentieth
    of an uncached page)."""
    found: list[tuple[int, int]] = []
    for term in terms:
        size = len(term)
        i = norm.find(term, start, end)
        while i != -1:
            found.append((i, -size))
            i = norm.find(term, i + 1, end)
    found.sort()
    out: list[tuple[int, int]] = []
    pos = start
    for i, negative in found:
        if i >= pos:
            pos = i - negative
            out.append((i, pos))
    return out


_MARKED = re.compile(r"<mark>(.*?)</mark>")


def shown_terms(snippet: str, terms: Sequence[str]) -> list[str]:
    """`terms` (normalised: tio2) as the snippet shows them where it marks them (TiO2), for the
    lines that name the matched words; the others as they are."""
    shown = {text.normalise_stored(m): m for m in (html.unescape(x) for x in _MARKED.findall(snippet))}
    return [shown.get(t, t) for t in terms]


def highlight(source: str, terms: Sequence[str]) -> tuple[str, list[str]]:
    """An escaped snippet of `source` around the first matched term, terms wrapped in <mark>.

    Matching runs on the normalised text (simplified, half-width, lower case); positions map back
    onto the original text, which is shown: one for one when normalising keeps the length, else
    through `_source_positions` (℃ folds to °c, …… to six dots: one character, several normalised
    ones; a snippet showed the folded text, every ， a ,). Only a text whose characters do not fold
    one by one (combining accents) shows the folded text (the normalised text in its original case).
    """
    norm = text.normalise_stored(source)
    to_source = None if len(norm) == len(source) else _source_positions(source, norm)
    shown = text.displayed_stored(source) if len(norm) != len(source) and to_source is None else source

    def before(i: int) -> int:  # where, in `shown`, the character that norm[i] comes from starts
        return i if to_source is None else to_source[i] if i < len(norm) else len(shown)

    def after(i: int) -> int:  # where, in `shown`, the character that norm[i - 1] comes from ends
        return i if to_source is None or i == 0 else to_source[i - 1] + 1

    first = {t: norm.find(t) for t in dict.fromkeys(terms) if t}  # where each term first occurs
    matched = [t for t, i in first.items() if i >= 0]
    if not matched:
        return html.escape(shown[:SNIPPET_CHARS]) + ("…" if len(shown) > SNIPPET_CHARS else ""), []
    start = max(0, min(first[t] for t in matched) - 30)
    end = min(len(norm), start + SNIPPET_CHARS)
    # Most texts hold no character that needs escaping: then no piece is escaped one by one.
    escape = html.escape if _HTML_SPECIAL.search(shown, before(start), after(end)) else str
    parts: list[str] = ["…" if start > 0 else ""]
    pos = before(start)
    # A mark covers the whole characters its terms come from (℃ for °c); one that begins inside the
    # character the previous mark ended in starts after it, and is left out if nothing is left.
    for i, j in _marks(norm, matched, start, end):
        at, to = max(before(i), pos), after(j)
        if to > at:
            parts.append(escape(shown[pos:at]))
            parts.append("<mark>" + escape(shown[at:to]) + "</mark>")
            pos = to
    parts.append(escape(shown[pos : max(pos, after(end))]))
    parts.append("…" if end < len(norm) else "")
    return "".join(parts), matched


def _source_positions(source: str, norm: str) -> list[int] | None:
    """For each character of `norm`, the index of the character of `source` it comes from, when
    `source` folds character by character (NFKC and lower case of each character, joined, are those
    of the whole text: ℃ → °c), into as many characters as `norm` has; None otherwise (a combining
    accent composes with the letter before it: é from e and U+0301)."""
    pieces = [unicodedata.normalize("NFKC", c).lower() for c in source]
    joined = "".join(pieces)
    if len(joined) != len(norm) or joined != unicodedata.normalize("NFKC", source).lower():
        return None
    return [k for k, piece in enumerate(pieces) for _ in piece]
