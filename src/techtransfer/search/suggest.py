"""Typo-tolerant suggestions as you type: registered keywords and record titles, public records only.

Four ways to match the text typed so far, tried in this order:
- prefix of the normalised text (traditional → simplified, full-width → half-width, lower case);
- prefix of its pinyin without tones: a homophone typo (钛阳能 for 太阳能), the commonest Chinese
  typo, has the same pinyin; typing pinyin itself (taiyang) works too;
- Latin words within edit distance 1 (4–7 letters) or 2 (8 and more) of a known word or of the
  start of one (grpahene → graphene; words under 5 letters only to whole words), found through a
  deletion index (SymSpell), not a scan;
- Chinese text within a keyword (永磁 → 稀土永磁材料) or, through the index, within a public
  record's title (`_titles_containing`).
A Latin word is shown as the records write it (TiO2). The search page offers the suggestions of a
question that found nothing ("Did you mean": xitu → 稀土).

Everything is looked up in sorted lists (bisect) and dictionaries built once per process from the
index (titles, through the normal search path with the visibility of an anonymous visitor, so only
public records) and from the registered keywords (`SearchType.terms`, which yields public records'
keywords only). The table is rebuilt in a background thread when older than SEARCH_SUGGEST_TTL
seconds; until then suggestions may miss the newest records, which is harmless for a hint.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from pypinyin import lazy_pinyin

from techtransfer.search import services, text
from techtransfer.search.registry import types

LIMIT = 8
SCAN = 64  # prefix candidates looked at per lookup before ranking
KEY_CHARS = 24  # titles are matched on their first characters only
MAX_TITLES = 200_000
MAX_LATIN_WORDS = 50_000
MIN_FUZZY = 4
MIN_FUZZY_START = 5  # shorter words are corrected to whole known words only
_LATIN = re.compile(r"[a-z][a-z0-9\-]{2,30}")
_LATIN_QUERY = re.compile(r"[a-z0-9\- ]+")
_LATIN_CASED = re.compile(r"[A-Za-z][A-Za-z0-9\-]{2,30}")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Openings of patent and paper titles that nobody types first (一种…的方法).
_OPENINGS = ("一种", "基于", "关于", "浅谈", "浅析", "论")

How = Literal["prefix", "pinyin", "fuzzy", "contains"]


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: Literal["keyword", "title"]
    url: str  # the record (titles); "" for a keyword, which is searched for
    how: How
    record_type: str = ""  # a title's record type (achievement, need…), for its label


_PINYIN: dict[int, str] = {}  # code point → toneless pinyin, the character itself, or "" (dropped)


def pinyin_key(norm: str) -> str:
    """Toneless pinyin of normalised text, one default reading per character, Latin kept, no spaces.

    Per character (not per phrase) so that the same character always gives the same key, on the
    indexing side and the typing side alike; a translation table grown on first sight of each
    character makes building the table cost microseconds per title.
    """
    for ch in set(norm):
        if ord(ch) not in _PINYIN:
            if _CJK_CHAR.match(ch):
                _PINYIN[ord(ch)] = lazy_pinyin(ch)[0]
            else:
                _PINYIN[ord(ch)] = ch if ch.isalnum() else ""
    return norm.translate(_PINYIN)


def _deletes(word: str, distance: int) -> set[str]:
    """Every string made by deleting up to `distance` characters of `word` (SymSpell)."""
    found = {word}
    frontier = {word}
    for _ in range(distance):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def edit_distance(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance (transpositions count 1), or bound + 1 when above `bound`."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[-1]


def _allowed(length: int) -> int:
    return 0 if length < MIN_FUZZY else 1 if length < 8 else 2


class Suggester:
    """The lookup tables: built once from keywords with counts and (title, url) pairs."""

    def __init__(self, keywords: Counter[str], titles: Iterable[tuple[str, ...]]) -> None:
        """`titles`: (title, url) or (title, url, record type) of the records to offer."""
        self.entries: list[tuple[str, Literal["keyword", "title"], str, int]] = []  # text, kind, url, weight
        by_norm: dict[str, int] = {}
        for kw, count in keywords.most_common():
            norm = text.normalise(kw).strip()
            if norm and norm not in by_norm:
                by_norm[norm] = len(self.entries)
                self.entries.append((kw.strip(), "keyword", "", count))
        prefix_keys: list[tuple[str, int]] = [(norm[:KEY_CHARS], i) for norm, i in by_norm.items()]
        # Keywords found by what they contain, not only by how they start (永磁 → 稀土永磁材料).
        self.keyword_norms = [(norm, i) for norm, i in by_norm.items() if len(norm) <= KEY_CHARS * 2]
        latin: Counter[str] = Counter()
        written: dict[str, Counter[str]] = {}  # Latin word → how it is written (TiO2, not tio2)
        for kw in keywords:
            for form in _LATIN_CASED.findall(text.fold(kw)):
                written.setdefault(form.lower(), Counter())[form] += 1
        for norm in by_norm:
            latin.update(_LATIN.findall(norm))
        seen_titles: set[str] = set()
        self.record_types: dict[int, str] = {}  # entry index of a title → its record type
        for title, url, *kind in titles:
            folded = text.fold(title)
            norm = folded.lower().strip()  # text.normalise(title)
            if not norm or norm in seen_titles:
                continue
            seen_titles.add(norm)
            for form in _LATIN_CASED.findall(folded):
                written.setdefault(form.lower(), Counter())[form] += 1
            i = len(self.entries)
            self.entries.append((title.strip(), "title", url, 0))
            if kind:
                self.record_types[i] = kind[0]
            prefix_keys.append((norm[:KEY_CHARS], i))
            for opening in _OPENINGS:
                if norm.startswith(opening) and len(norm) > len(opening) + 1:
                    prefix_keys.append((norm[len(opening) : len(opening) + KEY_CHARS], i))
                    break
            latin.update(_LATIN.findall(norm))
        prefix_keys.sort()
        self.keys = [k for k, _i in prefix_keys]
        self.refs = [i for _k, i in prefix_keys]
        pinyin = sorted((pinyin_key(k), i) for k, i in prefix_keys)
        self.pinyin_keys = [k for k, _i in pinyin]
        self.pinyin_refs = [i for _k, i in pinyin]
        # Latin words and their starts (4–10 letters), under every deletion within the allowed distance.
        self.latin = dict(latin.most_common(MAX_LATIN_WORDS))
        self.latin_shown = {w: written[w].most_common(1)[0][0] for w in self.latin if w in written}
        self.latin_sorted = sorted(self.latin)
        self.latin_refs: list[str] = list(self.latin_sorted)
        self.deletions: dict[str, set[str]] = {}
        for word in self.latin:
            forms = {word[:n] for n in range(MIN_FUZZY, min(len(word), 10) + 1)} | {word}
            for form in forms:
                for d in _deletes(form, _allowed(len(form))):
                    self.deletions.setdefault(d, set()).add(word)

    def __len__(self) -> int:
        return len(self.entries)

    def _prefix(self, keys: list[str], refs: list[Any], prefix: str) -> Iterator[Any]:
        if not prefix:
            return
        i = bisect.bisect_left(keys, prefix)
        end = min(len(keys), i + SCAN)
        while i < end and keys[i].startswith(prefix):
            yield refs[i]
            i += 1

    def _corrections(self, word: str) -> list[str]:
        """Known Latin words whose whole or start is within the allowed distance of `word`."""
        bound = _allowed(len(word))
        if not bound:
            return []
        candidates: set[str] = set()
        for d in _deletes(word, bound):
            candidates |= self.deletions.get(d, set())
        scored = []
        for cand in candidates:
            dist = edit_distance(word, cand, bound)
            # A short word corrected to the start of a long one misleads (nano → nino3).
            if len(word) >= MIN_FUZZY_START:
                dist = min(dist, edit_distance(word, cand[: len(word)], bound))
            if 0 < dist <= bound:
                scored.append((dist, -self.latin.get(cand, 0), cand))
        return [c for _d, _n, c in sorted(scored)[:3]]

    def suggest(self, query: str, limit: int = LIMIT) -> list[Suggestion]:
        norm = " ".join(text.normalise(query).split())[:KEY_CHARS]
        if not norm:
            return []
        # (match class, kind, -weight, length), entry index or -1 for a bare Latin word, how, the word
        ranked: list[tuple[tuple[int, int, int, int], int, How, str]] = []

        def add(cls: int, i: int, how: How) -> None:
            entry = self.entries[i]
            ranked.append(((cls, self._kind_rank(i), -entry[3], len(entry[0])), i, how, ""))

        for i in set(self._prefix(self.keys, self.refs, norm)):
            add(0, i, "prefix")
        latin_word = bool(_LATIN_QUERY.fullmatch(norm)) and " " not in norm
        if latin_word:
            for word in self._prefix(self.latin_sorted, self.latin_refs, norm):
                ranked.append(((0, 2, -self.latin[word], len(word)), -1, "prefix", word))
        py = pinyin_key(norm)
        # Homophones of one character alone are too many (xi: 稀, 西, 系, …, and keys are prefixes:
        # 现代化), so a lone character is not read as pinyin; 稀土, 稀tu and xitu are.
        if len(py) >= 2 and len(ranked) < limit and not (len(norm) == 1 and _CJK_CHAR.match(norm)):
            for i in set(self._prefix(self.pinyin_keys, self.pinyin_refs, py)):
                add(1, i, "pinyin")
        if latin_word and len(ranked) < limit:
            for rank, word in enumerate(self._corrections(norm)):
                ranked.append(((2, rank, 0, 0), -1, "fuzzy", word))
                for i in self._prefix(self.keys, self.refs, word):
                    ranked.append(((2, rank, 1 + self._kind_rank(i), -self.entries[i][3]), i, "fuzzy", ""))
        if len(ranked) < limit and len(norm) >= 2 and _CJK_CHAR.search(norm):
            for n, i in self.keyword_norms:
                if norm in n and not n.startswith(norm):
                    add(3, i, "contains")
                    if len(ranked) >= SCAN:
                        break
        out: list[Suggestion] = []
        shown: set[str] = set()
        for _key, i, how, word in sorted(ranked, key=lambda r: r[0]):
            if i < 0:
                suggestion = Suggestion(self.latin_shown.get(word, word), "keyword", "", how)
            else:
                entry = self.entries[i]
                suggestion = Suggestion(entry[0], entry[1], entry[2], how, self.record_types.get(i, ""))
            if suggestion.text.lower() in shown:
                continue
            shown.add(suggestion.text.lower())
            out.append(suggestion)
            if len(out) == limit:
                break
        return out

    def _kind_rank(self, i: int) -> int:
        return 0 if self.entries[i][1] == "keyword" else 1


# --- the process-wide table -------------------------------------------------------------------


def _public_titles() -> Iterator[tuple[str, str, str]]:
    """Titles, links and record types of what an anonymous visitor may find (visibility "public")."""
    request = services.build_request(user=AnonymousUser(), query="", limit=MAX_TITLES, facets=False)
    request.highlight = False
    for hit in services.run(request).hits:
        yield hit.title, hit.url, hit.type


def _public_keywords() -> Counter[str]:
    counts: Counter[str] = Counter()
    for st in types().values():
        counts.update(k for k in st.terms() if k and k.strip())
    return counts


def build() -> Suggester:
    return Suggester(_public_keywords(), _public_titles())


_lock = threading.Lock()
_state: dict[str, object] = {"suggester": None, "built_at": 0.0, "building": False, "stamp": ""}
# After the index changed (a record published, withdrawn or hidden), the table is rebuilt once it is
# this old, instead of waiting for SEARCH_SUGGEST_TTL: a withdrawn title was offered, with a link
# that answered 404, for up to five minutes. A build takes 0.3–0.7 s on the demo (4,098 records).
CHANGED_REBUILD_SECONDS = 30.0


def _ttl() -> float:
    return float(settings.SEARCH_SUGGEST_TTL)


def _refresh() -> None:
    try:
        stamp = services.index_stamp()  # before the build: a change during it triggers the next one
        fresh = build()
        with _lock:
            _state.update(suggester=fresh, built_at=time.monotonic(), stamp=stamp)
    finally:
        with _lock:
            _state["building"] = False
        from django.db import connection

        connection.close()


def get_suggester() -> Suggester:
    """The current table: built on first use, refreshed in the background when stale."""
    stamp = services.index_stamp()
    with _lock:
        current = _state["suggester"]
        age = time.monotonic() - float(_state["built_at"])  # type: ignore[arg-type]
        stale = age > _ttl() or (stamp != _state["stamp"] and age > CHANGED_REBUILD_SECONDS)
        start = current is not None and stale and not _state["building"]
        if start:
            _state["building"] = True
    if current is None:
        fresh = build()
        with _lock:
            _state.update(suggester=fresh, built_at=time.monotonic(), stamp=stamp)
        return fresh
    if start:
        threading.Thread(target=_refresh, name="suggest-refresh", daemon=True).start()
    return current  # type: ignore[return-value]


def reset() -> None:
    """Forget the table (tests; after a reindex)."""
    with _lock:
        _state.update(suggester=None, built_at=0.0, building=False, stamp="")


def suggest(query: str, limit: int = LIMIT) -> list[Suggestion]:
    found = get_suggester().suggest(query[: services.MAX_QUERY_CHARS], limit)
    norm = " ".join(text.normalise(query).split())[:KEY_CHARS]
    if len(found) < limit and len(norm) >= 2 and _CJK_CHAR.search(norm):
        found += _titles_containing(norm, limit - len(found), {s.text for s in found})
    return found


def _titles_containing(norm: str, limit: int, shown: set[str]) -> list[Suggestion]:
    """Public record titles that contain `norm` anywhere (人工智能 → 基于人工智能的…), through the
    index: the table only knows how titles start."""
    request = services.build_request(user=AnonymousUser(), query=norm, limit=SCAN, facets=False, mode="lexical")
    request.highlight = False
    out = []
    for hit in services.run(request).hits:
        if hit.title not in shown and norm in text.normalise_stored(hit.title):
            shown.add(hit.title)
            out.append(Suggestion(hit.title, "title", hit.url, "contains", hit.type))
            if len(out) == limit:
                break
    return out
