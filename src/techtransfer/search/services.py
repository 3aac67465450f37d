"""Searching (one entry point for the page, the API and the benchmark) and rebuilding the index."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from techtransfer.core.filters import MONEY, TRL, YEAR
from techtransfer.core.iterables import batched
from techtransfer.search import lookalike, text
from techtransfer.search.backends import get_backend
from techtransfer.search.backends.base import BackendBusy, SearchBackend, SearchMode, SearchRequest, SearchResults
from techtransfer.search.models import SearchOutbox
from techtransfer.search.permissions import visibility_for
from techtransfer.search.registry import FilterKind, SearchDocument, types
from techtransfer.search.semantic import store as vector_store

MAX_QUERY_CHARS = 200
# The values each range filter may take (lowest, highest, whole numbers only), for the search form and
# for saved searches alike: a saved search must open as a valid search page. The bounds are the lists'
# (`core.filters`); prices are in 10,000 yuan with at most two decimals (12 digits in all).
RANGE_BOUNDS: dict[str, tuple[int, int, bool]] = {
    "trl": (TRL["min_value"], TRL["max_value"], True),
    "price": (MONEY["min_value"], MONEY["max_value"], False),
    "year": (YEAR["min_value"], YEAR["max_value"], True),
}
PAGE_SIZE = 20


@dataclass
class Facet:
    name: str
    label: str
    values: list[tuple[str, str, int]]  # value, display label, count
    selected: list[str] = field(default_factory=list)


@dataclass
class SearchPage:
    query: str
    results: SearchResults
    facets: list[Facet]
    type_counts: list[tuple[str, str, int]]
    took_ms: float


def _facet_specs(type_names: list[str]) -> dict[str, Any]:
    specs: dict[str, Any] = {}
    for st in types().values():
        if type_names and st.name not in type_names:
            continue
        for spec in st.filters:
            specs.setdefault(spec.name, spec)
    return specs


def inapplicable_filters(type_names: Sequence[str], names: Iterable[str]) -> list[str]:
    """The labels of those filters in `names` that none of the record types `type_names` has: a
    search restricted to those types ignores them (`build_request`). None without a type choice."""
    chosen = [n for n in type_names if n in types()]
    if not chosen:
        return []
    specs = _facet_specs(chosen)
    every = _facet_specs([])
    return [str(every[n].label) for n in dict.fromkeys(names) if n not in specs and n in every]


def value_labeller(name: str) -> Callable[[str], str]:
    """The display label of a value of the filter `name` in the active language: the first label any
    record type that declares the filter gives it (one type may declare it without labels), else the
    value."""
    language = get_language() or ""
    return lambda value: _value_label(language, name, value)


@functools.lru_cache(maxsize=16384)
def _value_label(language: str, name: str, value: str) -> str:
    """Kept per process: the labels come from the types' declarations (choices and shipped tables),
    registered at start-up, and a results page shows some hundred of them (each a translation lookup,
    which was a twentieth of an uncached page)."""
    for st in types().values():
        for spec in st.filters:
            if spec.name == name:
                shown = spec.value_label(value)
                if shown:
                    return str(shown)
    return value


def build_request(
    *,
    user: Any,
    query: str,
    type_names: list[str] | None = None,
    terms: Mapping[str, list[str]] | None = None,
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    facets: bool = True,
    ids: list[str] | None = None,
    mode: SearchMode | str = SearchMode.HYBRID,
    newest: bool = False,
) -> SearchRequest:
    """The request for `user`: their visibility tokens are always part of it."""
    names = [n for n in (type_names or []) if n in types()]
    specs = _facet_specs(names)
    return SearchRequest(
        query=query[:MAX_QUERY_CHARS],
        visibility=visibility_for(user),
        types=names,
        terms={k: v for k, v in (terms or {}).items() if k in specs and v},
        ranges={k: v for k, v in (ranges or {}).items() if k in specs},
        limit=limit,
        offset=offset,
        facets=(["type", *[n for n, s in specs.items() if s.facet and s.kind == FilterKind.KEYWORD]] if facets else []),
        ids=list(ids or []),
        mode=SearchMode(mode) if mode in {m.value for m in SearchMode} else SearchMode.HYBRID,
        newest=newest,
    )


def index_stamp() -> str:
    """Changes with every commit of the index (tantivy rewrites meta.json on commit): what cached
    results and the suggestion table are checked against."""
    try:
        st = os.stat(os.path.join(settings.SEARCH_INDEX_DIR, "meta.json"))
    except OSError:
        return "none"
    return f"{st.st_mtime_ns}-{st.st_size}"


def region_names(prefixes: Iterable[str]) -> dict[str, str]:
    """The names of the regions that GB/T 2260 code prefixes stand for (36 → 江西省 from 360000,
    3601 → 南昌市 from 360100), for those that exist: one query, none for no prefixes."""
    from techtransfer.core.models import Region

    padded = {p: p.ljust(6, "0") for p in set(prefixes)}
    if not padded:
        return {}
    names = dict(Region.objects.filter(code__in=set(padded.values())).values_list("code", "name"))
    return {p: names[code] for p, code in padded.items() if code in names}


def region_labels(prefixes: Iterable[str]) -> dict[str, str]:
    """`region_names` as a page shows them: on English pages each reads 江西省 (Jiangxi Province), as
    regions do everywhere else (a filter chip read "Region: 江西省")."""
    from techtransfer.core.region_names import shown

    return {code: shown(name) for code, name in region_names(prefixes).items()}


def unknown_regions(prefixes: Sequence[str]) -> list[str]:
    """Those of `prefixes` that no region's code starts with."""
    from techtransfer.core.models import Region

    named = region_names(prefixes)
    return [p for p in prefixes if p not in named and not Region.objects.filter(code__startswith=p).exists()]


def meaning_depth() -> int | None:
    """How many records at most a search finds by meaning (None: the backend has no meaning side)."""
    depth = getattr(get_backend(), "depth", None)
    return depth if isinstance(depth, int) else None


def run(request: SearchRequest, backend: SearchBackend | None = None) -> SearchResults:
    """Run a request on the backend. The benchmark calls this too, with its own backend."""
    return (backend or get_backend()).search(request)


def search(user: Any, request_kwargs: Mapping[str, Any]) -> SearchPage:
    """Search for `user`; facets and counts come from the same permission-filtered query."""
    started = time.perf_counter()
    request = build_request(user=user, **request_kwargs)
    results = run(request)
    specs = _facet_specs(list(request.types))
    type_labels = {name: str(st.label) for name, st in types().items()}
    facets = []
    for name, buckets in results.facets.items():
        if name == "type":
            continue
        spec = specs[name]
        label = value_labeller(name)
        values = [(v, label(v), c) for v, c in buckets]
        facets.append(Facet(name, str(spec.label), values, list(request.terms.get(name, []))))
    type_counts = [(v, type_labels.get(v, v), c) for v, c in results.facets.get("type", [])]
    if request.facets and _ignores_filters(request, request_kwargs):
        type_counts = _type_counts_as_linked(user, request_kwargs, type_labels)
    return SearchPage(
        query=request.query,
        results=results,
        facets=facets,
        type_counts=type_counts,
        took_ms=(time.perf_counter() - started) * 1000,
    )


FEWER_WORDS = 3  # questions offered at most


def count(user: Any, question: str, mode: str = SearchMode.HYBRID) -> int:
    """How many records `question` finds for `user`, without filters (one counting search)."""
    return run(build_request(user=user, query=question, limit=1, facets=False, mode=mode)).total


def fewer_words(user: Any, question: str, mode: str = SearchMode.HYBRID) -> list[str]:
    """For a short question that found nothing (it asks records to hold most of its words,
    `text.key_words`): questions made of fewer of its words that find something for `user`. The
    words some record holds together first (5G 通信 → 通信, when no record holds 5G), then each of
    them alone, those held by most records first; at most FEWER_WORDS. Empty for a question that
    requires nothing of its words or excludes or quotes some (what to drop is not clear there).
    One counting search per word: only asked when a page is empty."""
    words, needed = text.key_words(question)
    if not needed or text.split_exclusions(question)[1] or text.required_parts(question):
        return []

    def total(q: str, how: SearchMode | str) -> int:
        request = build_request(user=user, query=q, limit=1, facets=False, mode=how)
        request.some_words_if_none = False  # what holds these words together, not some of them
        return run(request).total

    held = {w: n for w in words if (n := total(w, SearchMode.LEXICAL))}
    offered = []
    if 2 <= len(held) < len(words) and total(" ".join(held), mode):
        offered.append(" ".join(held))
    offered += sorted(held, key=lambda w: -held[w])
    return offered[:FEWER_WORDS]


LOOK_ALIKE_TRIED = 24  # variants of a question counted at most


def look_alike_questions(user: Any, question: str, limit: int = 3, *, found: bool = False) -> list[str]:
    """For a question of one Chinese word that no record `user` may see holds: the word with one
    character swapped for a look-alike (稀士 → 稀土, `lookalike.variants`) where some record holds
    it, those held by most records first; at most `limit`. A question that `found` records (锂离了电池
    finds those holding 锂离 or 电池) is first checked: nothing when a record holds it whole. One
    counting search per variant (at most LOOK_ALIKE_TRIED), so only asked for one word."""
    word = text.normalise(question).strip()
    if not lookalike.is_word(word):
        return []

    def held_by(q: str) -> int:
        request = build_request(user=user, query=f'"{q}"', limit=1, facets=False, mode=SearchMode.LEXICAL)
        request.some_words_if_none = False
        return run(request).total

    if found and held_by(word):
        return []

    def is_word(variant: str) -> bool:
        # The swapped character must belong to a word, not merely stand beside another one in some
        # record: 电地 → 由地 (理由地…), 土鸡 → 于鸡 (对于鸡…), 太空 → 大空 are no words.
        swapped = next(i for i, (a, b) in enumerate(zip(word, variant, strict=True)) if a != b)
        return text.in_word(variant, swapped)

    variants = [v for v in lookalike.variants(word, LOOK_ALIKE_TRIED) if is_word(v)]
    held = {v: n for v in variants if (n := held_by(v))}
    return sorted(held, key=lambda v: -held[v])[:limit]


def _ignores_filters(request: SearchRequest, asked: Mapping[str, Any]) -> bool:
    """Did `build_request` leave out filters the chosen record types lack (a TRL for organisations)?"""
    return any(set(asked.get(key) or {}) - set(getattr(request, key)) for key in ("terms", "ranges"))


def _type_counts_as_linked(
    user: Any, asked: Mapping[str, Any], labels: Mapping[str, str]
) -> list[tuple[str, str, int]]:
    """The record-type counts when the chosen types ignore some of the filters: each type counted
    with the filters it has, as the page its link opens will count it (the type facet of the request
    itself counts every type without them: 14 achievements, 0 once the link applied the TRL). One
    count per type; only on such pages."""
    out = []
    for name in types():
        kwargs = {**asked, "type_names": [name], "limit": 1, "offset": 0}
        count = run(build_request(user=user, **kwargs)).total
        if count or name in (asked.get("type_names") or []):
            out.append((name, labels.get(name, name), count))
    return sorted(out, key=lambda t: -t[2])


def all_documents() -> Iterator[SearchDocument]:
    for st in types().values():
        text.add_terms(st.terms())
        yield from st.load(None)


def reindex(*, progress: Callable[[int, int | None], None] | None = None) -> int:
    """Rebuild the index from the database; outbox rows older than the start are marked done.

    Rows written while the rebuild runs stay pending: the worker applies them afterwards, so no
    change made during the rebuild is lost.
    """
    started = timezone.now()
    total = sum(st.count() for st in types().values())

    def step(done: int, _total: int | None) -> None:
        if progress is not None:
            progress(done, max(total, done) if _total is None else _total)

    known: dict[str, Any] = {}
    seen: set[str] = set()

    def documents() -> Iterator[SearchDocument]:
        # Vectors are stored (and reused when text and table are unchanged) batch by batch.
        for batch in batched(all_documents(), vector_store.CHUNK):
            known.update(vector_store.vectors_for(batch))
            seen.update(d.uid for d in batch)
            yield from batch

    n = get_backend().rebuild(documents(), progress=step, vectors=known)
    vector_store.prune(seen, started)
    with transaction.atomic():
        SearchOutbox.objects.filter(done_at__isnull=True, created_at__lt=started).update(done_at=timezone.now())
    return n


REINDEX_WAIT_STEP = 1.0  # seconds between two tries for a busy index writer


def reindex_when_free(
    *,
    progress: Callable[[int, int | None], None] | None = None,
    wait: float = 120.0,
    waiting: Callable[[], None] | None = None,
) -> int:
    """`reindex`, waiting up to `wait` seconds while another process holds the index writer (the
    worker applies a batch of changes in seconds); `waiting` is called once when it starts to wait.
    Raises BackendBusy when the writer is still held after that."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            return reindex(progress=progress)
        except BackendBusy:
            if time.monotonic() >= deadline:
                raise
            if not told and waiting is not None:
                waiting()
            told = True
            time.sleep(REINDEX_WAIT_STEP)


def rebuild_if_needed(*, progress: Callable[[int, int | None], None] | None = None) -> int | None:
    """`reindex()` when the index was started afresh (a new directory, or one emptied because the
    search declarations changed) and not rebuilt since; None when it was not needed. The worker
    asks at every catch-up round, so an upgrade that changes the declarations needs no manual step."""
    if not get_backend().rebuild_needed():
        return None
    return reindex(progress=progress)


def allowed_values(name: str) -> set[str] | None:
    """The values the keyword filter `name` can take, from the record types that declare it; None
    when one of them takes any value."""
    allowed: set[str] = set()
    for st in types().values():
        for spec in st.filters:
            if spec.name == name:
                if spec.values is None:
                    return None
                allowed.update(spec.values())
    return allowed


def range_text(lo: float | None, hi: float | None) -> str:
    """A range as people read it: "3–6", an open one "≥ 3" or "≤ 2020"."""
    lo_s = "" if lo is None else number_text(lo)
    hi_s = "" if hi is None else number_text(hi)
    if lo_s and hi_s:
        return f"{lo_s}–{hi_s}"
    return f"≥ {lo_s}" if lo_s else f"≤ {hi_s}"


def number_text(value: float) -> str:
    """A range bound or price as the search form reads it and people write it: whole numbers without a
    decimal point, others with at most two decimals (`:g` wrote 1234567.89 as 1.23457e+06)."""
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")
