"""Typo-tolerant suggestions as you type: registered keywords and record titles, public records only.

Five ways to match the text typed so far, tried in this order:
- prefix of the normalised text (traditional → simplified, full-width → half-width, lower case);
- prefix of its pinyin without tones: a homophone typo (钛阳能 for 太阳能), the commonest Chinese
  typo, has the same pinyin; typing pinyin itself (taiyang) works too;
- Latin words within edit distance 1 (4–7 letters) or 2 (8 and more) of a known word or of the
  start of one (grpahene → graphene; words under 5 letters only to whole words), found through a
  deletion index (SymSpell), not a scan;
- Chinese text within a keyword (永磁 → 稀土永磁材料) or, through the index, within a public
  record's title (`_titles_containing`);
- a Chinese word with one character mistyped for a look-alike (稀士 → 稀土, 锂离了电池 → 锂离子电池):
  keywords of its length, or (from 3 characters) starting like it, that differ in that one character,
  found through the hashes of keywords with each character in turn replaced by a marker
  (`Suggester._cjk_fuzzy_table`), not a scan; after the homophones, most used first. Only for text
  that is no keyword's or title's start or part: a real word is not corrected.
A Latin word is shown as the records write it (TiO2). The search page offers the suggestions of a
question that found nothing ("Did you mean": xitu → 稀土); a Chinese word that none of these finds
gets the look-alike corrections that public records hold, as that "did you mean" does (稀士永磁 →
稀土永磁, `services.look_alike_questions`).

Everything is looked up in sorted lists (bisect) and dictionaries built once per process from the
index (titles, through the normal search path with the visibility of an anonymous visitor, so only
public records) and from the registered keywords (`SearchType.terms`, which yields public records'
keywords only). The table is rebuilt in a background thread when older than SEARCH_SUGGEST_TTL
seconds; until then suggestions may miss the newest records, which is harmless for a hint.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from pypinyin import lazy_pinyin

from techtransfer.search import services, text
from techtransfer.search.lookalike import is_word, look_alike, variants
from techtransfer.search.registry import types

LIMIT = 8
SCAN = 64  # prefix candidates looked at per lookup before ranking
KEY_CHARS = 24  # titles are matched on their first characters only
MAX_TITLES = 200_000
MAX_LATIN_WORDS = 50_000
MIN_FUZZY = 4
MIN_FUZZY_START = 5  # shorter words are corrected to whole known words only
CJK_FUZZY_LENGTHS = range(2, 13)  # Chinese words (and keywords) corrected by one substituted character
MIN_CJK_FUZZY_START = 3  # shorter Chinese words are corrected to whole keywords only
LOOK_ALIKE_VARIANTS = 24  # look-alike spellings of a typed word looked up as starts of entries
FUZZY_MARK = "\x00"  # the substituted character in the keys of the table of one-character typos
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


def _cjk_word(norm: str) -> bool:
    """A Chinese word as typed: no space, 2–12 characters, at least half of them (and two) Chinese."""
    if " " in norm or len(norm) not in CJK_FUZZY_LENGTHS:
        return False
    cjk = sum(1 for ch in norm if _CJK_CHAR.match(ch))
    return cjk >= 2 and 2 * cjk >= len(norm)


def _one_substituted(norm: str) -> Iterator[tuple[int, str]]:
    """`norm` with each of its Chinese characters in turn replaced by FUZZY_MARK (稀士 → \\0士, 稀\\0),
    with the position replaced.

    Only Chinese characters: a different digit or letter is another thing (4G, 5G), not a typo.
    """
    for p, ch in enumerate(norm):
        if _CJK_CHAR.match(ch):
            yield p, norm[:p] + FUZZY_MARK + norm[p + 1 :]


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
        self.fuzzy_hashes, self.fuzzy_refs = self._cjk_fuzzy_table(by_norm)
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

    def _cjk_fuzzy_table(self, by_norm: dict[str, int]) -> tuple[array[int], array[int]]:
        """Keywords of 2–12 characters under each of their forms with one Chinese character replaced
        by FUZZY_MARK: the whole keyword, and its starts of MIN_CJK_FUZZY_START characters or more.
        稀土 is under \\0土 and 稀\\0; 锂离子电池 under 锂离\\0 … and 锂离\\0电池.

        Two parallel arrays sorted by the first: the hash of a form and an entry index, the keywords
        of a form in the order `suggest` ranks them (most used, then shortest). Hashes, not the forms:
        there are some 7 forms a keyword (75 at most), and as strings in a dictionary they took 18 MB
        for 20,000 keywords, more than half the rest of the table (32 MB); as hashes, 1.7 MB. Two
        forms with the same 64-bit hash would only add a wrong hint, and are not expected among
        millions. `hash` of a string differs between processes: the table is built and read in one.
        """
        keywords = [(norm, i) for norm, i in by_norm.items() if len(norm) in CJK_FUZZY_LENGTHS]
        keywords.sort(key=lambda k: (-self.entries[k[1]][3], len(self.entries[k[1]][0]), k[1]))
        hashes, refs = array("q"), array("i")
        for norm, i in keywords:
            cjk = [match.start() for match in _CJK_CHAR.finditer(norm)]
            if len(cjk) < 2:  # no query (two Chinese characters or more) is one substitution away
                continue
            starts = range(MIN_CJK_FUZZY_START, len(norm) + 1) if len(norm) >= MIN_CJK_FUZZY_START else [len(norm)]
            for m in starts:
                for p in cjk:
                    if p >= m:
                        break
                    hashes.append(hash(norm[:p] + FUZZY_MARK + norm[p + 1 : m]))
                    refs.append(i)
        order = sorted(range(len(hashes)), key=hashes.__getitem__)  # stable: best first within a form
        return array("q", map(hashes.__getitem__, order)), array("i", map(refs.__getitem__, order))

    def _prefix(self, keys: list[str], refs: list[Any], prefix: str) -> Iterator[Any]:
        if not prefix:
            return
        i = bisect.bisect_left(keys, prefix)
        end = min(len(keys), i + SCAN)
        while i < end and keys[i].startswith(prefix):
            yield refs[i]
            i += 1

    def _one_substitution(self, key: str) -> Iterator[int]:
        """The SCAN best keywords under `key` (稀\\0) in the table of one-character typos, best first."""
        key_hash = hash(key)
        i = bisect.bisect_left(self.fuzzy_hashes, key_hash)
        end = min(len(self.fuzzy_hashes), i + SCAN)
        while i < end and self.fuzzy_hashes[i] == key_hash:
            yield self.fuzzy_refs[i]
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
        # (match class, kind, -weight, length) or for homophones (1, kind, -word use, word, -weight, length),
        # entry index or -1 for a bare Latin word, how, the word
        ranked: list[tuple[tuple[int, ...], int, How, str]] = []

        def add(cls: int, i: int, how: How) -> None:
            entry = self.entries[i]
            ranked.append(((cls, self._kind_rank(i), -entry[3], len(entry[0])), i, how, ""))

        for i in set(self._prefix(self.keys, self.refs, norm)):
            add(0, i, "prefix")
        latin_word = bool(_LATIN_QUERY.fullmatch(norm)) and " " not in norm
        if latin_word:
            for word in self._prefix(self.latin_sorted, self.latin_refs, norm):
                ranked.append(((0, 2, -self.latin[word], len(word)), -1, "prefix", word))
        prefixed = bool(ranked)
        py = pinyin_key(norm)
        # Homophones of one character alone are too many (xi: 稀, 西, 系, …, and keys are prefixes:
        # 现代化), so a lone character is not read as pinyin; 稀土, 稀tu and xitu are.
        if len(py) >= 2 and len(ranked) < limit and not (len(norm) == 1 and _CJK_CHAR.match(norm)):
            whole = all(_CJK_CHAR.match(ch) for ch in norm)  # every character typed is a whole syllable
            sounds: list[int] = []
            for i in sorted(set(self._prefix(self.pinyin_keys, self.pinyin_refs, py))):
                # 轮毂 (lungu) is not the start of 论广告 (lunguang…): Chinese typed must sound like
                # the start of the entry syllable by syllable, not as a prefix of letters.
                if whole and not self._sounds_like_start(i, norm, py):
                    continue
                # Two Chinese characters sound like the start of too many titles (钨丝 → 五四时期…):
                # their homophones are keywords only.
                if whole and len(norm) < MIN_CJK_FUZZY_START and self.entries[i][1] == "title":
                    continue
                sounds.append(i)
            # Keywords that read the same start with different words (zhongyao: 中药…, 重要…): each word's
            # keywords are shown together, the word most used in all its keywords first, so 重要原因
            # does not land among 中药材 and 中药复方 on its own count.
            heads = {i: self._sounding_head(i, py) for i in sounds}
            family: Counter[str] = Counter()
            for i in sounds:
                family[heads[i]] += self.entries[i][3]
            families = {head: n for n, (head, _use) in enumerate(sorted(family.items(), key=lambda h: (-h[1], h[0])))}
            for i in sounds:
                entry = self.entries[i]
                order = (1, self._kind_rank(i), -family[heads[i]], families[heads[i]], -entry[3], len(entry[0]))
                ranked.append((order, i, "pinyin", ""))
        if latin_word and len(ranked) < limit:
            for rank, word in enumerate(self._corrections(norm)):
                ranked.append(((2, rank, 0, 0), -1, "fuzzy", word))
                for i in self._prefix(self.keys, self.refs, word):
                    ranked.append(((2, rank, 1 + self._kind_rank(i), -self.entries[i][3]), i, "fuzzy", ""))
        # A Chinese word that starts no known one may be a typo: whether a keyword holds it decides.
        typo = not prefixed and _cjk_word(norm)
        contained = False
        if (len(ranked) < limit or typo) and len(norm) >= 2 and _CJK_CHAR.search(norm):
            for n, i in self.keyword_norms:
                if norm in n and not n.startswith(norm):
                    add(3, i, "contains")
                    contained = True
                    if len(ranked) >= SCAN:
                        break
        # One look-alike character (稀士 → 稀土), only for what is no known word nor the start or part
        # of one: 永磁 (in 稀土永磁材料) is not "corrected" to 永久. No prefix match also means no key
        # brings back the query itself or a keyword that starts with it.
        # A look-alike (稀士 → 稀土, 土 and 士) ranks with the homophones, by use; any other character
        # (稀士 → 博士) after them.
        if typo and not contained:
            taken = {i for _key, i, _how, _word in ranked}  # homophones found by their pinyin
            for p, key in _one_substituted(norm):
                # Each key's keywords come best first: `limit` of them are all it can contribute.
                fresh = [i for i in self._one_substitution(key) if i not in taken][:limit]
                taken.update(fresh)
                for i in fresh:
                    swapped = text.normalise(self.entries[i][0])[p : p + 1]
                    alike = look_alike(norm[p], swapped)
                    if not alike and len(norm) < MIN_CJK_FUZZY_START:
                        continue  # one of two characters changed at will is another word: 稀士 → 博士, 白茶 → 白领
                    add(1 if alike else 2, i, "fuzzy")
            # A look-alike that starts known keywords or titles (稀士 → 稀土: 稀土元素, 稀土纳米…) is
            # offered itself, even when no keyword is that word alone.
            for variant in variants(norm, LOOK_ALIKE_VARIANTS):
                starts = sum(1 for _i in itertools.islice(self._prefix(self.keys, self.refs, variant), SCAN))
                if starts:
                    ranked.append(((1, 0, -starts, len(variant)), -1, "fuzzy", variant))
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

    def _sounds_like_start(self, i: int, norm: str, py: str) -> bool:
        """Do the first len(norm) characters of entry `i` (after an opening such as 一种) read `py`?"""
        entry = text.normalise(self.entries[i][0])
        for opening in ("", *_OPENINGS):
            if entry.startswith(opening) and pinyin_key(entry[len(opening) : len(opening) + len(norm)]) == py:
                return True
        return False

    def _sounding_head(self, i: int, py: str) -> str:
        """The characters of keyword `i` that read the typed pinyin `py` (中药 of 中药材 for zhongyao or
        zhongy); "" for a title."""
        if self.entries[i][1] != "keyword":
            return ""
        entry = text.normalise(self.entries[i][0])
        for k in range(1, len(entry) + 1):
            if len(pinyin_key(entry[:k])) >= len(py):
                return entry[:k]
        return entry

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


def _rebuild() -> None:
    try:
        stamp = services.index_stamp()  # before the build: a change during it triggers the next one
        fresh = build()
        with _lock:
            _state.update(suggester=fresh, built_at=time.monotonic(), stamp=stamp)
    finally:
        with _lock:
            _state["building"] = False


def _refresh() -> None:
    """The background rebuild: its own thread, so its own database connection, closed when done."""
    try:
        _rebuild()
    finally:
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
        if not settings.SEARCH_SUGGEST_BACKGROUND:
            # The tests' setting: a thread could outlive its test and query a database that test
            # no longer holds (and read another test's records).
            _rebuild()
            return _state["suggester"]  # type: ignore[return-value]
        threading.Thread(target=_refresh, name="suggest-refresh", daemon=True).start()
    return current  # type: ignore[return-value]


def reset() -> None:
    """Forget the table (tests; after a reindex)."""
    with _lock:
        _state.update(suggester=None, built_at=0.0, building=False, stamp="")


def suggest(query: str, limit: int = LIMIT, *, look_alikes: bool = True) -> list[Suggestion]:
    """The suggestions for `query`; with `look_alikes` False, without the look-alikes that records
    hold (the results page asks for those itself, with its visitor's visibility: `hints.for_page`)."""
    found = get_suggester().suggest(query[: services.MAX_QUERY_CHARS], limit)
    norm = " ".join(text.normalise(query).split())[:KEY_CHARS]
    if len(norm) >= 2 and _CJK_CHAR.search(norm):
        # Text that public titles hold (永磁 in 高性能永磁电机) is a word, not a typo: the titles
        # replace its one-character corrections (永久), which only the table's keywords could rule out.
        kept = [s for s in found if s.how != "fuzzy"]
        if len(kept) < limit:
            titles = _titles_containing(norm, limit - len(kept), {s.text for s in kept})
            if titles:
                found = kept + titles
    if look_alikes and not found and len(norm) >= MIN_CJK_FUZZY_START and is_word(norm):
        # 稀士永磁: no keyword or title holds it nor one of its one-character corrections, since 稀土永磁
        # is in records' texts, not among their keywords. The look-alikes that public records hold,
        # as the results page's "did you mean" offers them (none when a record holds the text as
        # typed: a real word), then the titles holding the first.
        alike = services.look_alike_questions(AnonymousUser(), norm, min(limit, 3), found=True)
        found = [Suggestion(v, "keyword", "", "fuzzy") for v in alike]
        if found and len(found) < limit:
            found += _titles_containing(alike[0], limit - len(found), {s.text for s in found})
    return found


def _titles_containing(norm: str, limit: int, shown: set[str]) -> list[Suggestion]:
    """Public record titles that contain `norm` anywhere (人工智能 → 基于人工智能的…), through the
    index: the table only knows how titles start."""
    request = services.build_request(user=AnonymousUser(), query=norm, limit=SCAN, facets=False, mode="lexical")
    request.highlight = False
    request.some_words_if_none = False  # only titles holding the words are kept below
    out = []
    for hit in services.run(request).hits:
        if hit.title not in shown and norm in text.normalise_stored(hit.title):
            shown.add(hit.title)
            out.append(Suggestion(hit.title, "title", hit.url, "contains", hit.type))
            if len(out) == limit:
                break
    return out
