"""Chinese-aware text processing shared by indexing and querying.

Normalisation: traditional → simplified (OpenCC t2s), full-width → half-width (NFKC), lower case.
Segmentation: rjieba `cut_for_search` words (with the domain dictionary built from the registered
keywords) plus character bigrams of every CJK run, for recall on words the dictionary misses.
"""

from __future__ import annotations

import collections
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

import rjieba

try:  # OpenCC is a declared dependency; without it traditional input is only NFKC-normalised.
    import opencc

    _T2S: opencc.OpenCC | None = opencc.OpenCC("t2s")
except ImportError:  # pragma: no cover
    _T2S = None

_JIEBA = rjieba.Jieba()
# The Han characters the engine reads as Chinese (CJK unified ideographs, extension A, compatibility).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_HAN}]+")
_DECIMAL_TAIL = re.compile(r"\d+\.(\d+[a-z]*)")
_WORD = re.compile(f"[0-9a-z{_HAN}][0-9a-z{_HAN}._+\\-]*")
# Single characters and function words that match nearly everything.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "对",
        "为",
        "是",
        "其",
        "等",
        "并",
        "中",
        "以",
        "于",
        "由",
        "从",
        "将",
        "被",
        "把",
        "之",
        "而",
        "也",
        "上",
        "下",
        "一",
        "一种",
        "通过",
        "进行",
        "采用",
        "基于",
        "研究",
        "方法",
        "分析",
        "结果",
        "表明",
    ]
)
_added_terms: set[str] = set()


def fold(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become ASCII) and simplified script; case kept."""
    text = unicodedata.normalize("NFKC", text)
    if _T2S is not None:
        text = _T2S.convert(text)
    return text


@functools.lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """`fold`, lower case. Remembered: one search normalises its question some ten times (tokens,
    counts, the meaning side, exclusions, the "why" line), at about 20 µs each."""
    return fold(text).lower()


@functools.lru_cache(maxsize=16384)
def normalise_stored(text: str) -> str:
    """`normalise` of a stored record text, remembered: result pages show the same records again and
    again (snippets, the whole-query check), and normalising one costs about 20 µs. Room for the
    texts and titles of some 8,000 records and the words marked in snippets: with the demo's 4,107
    records and distinct long questions, 8,192 entries missed one look-up in eleven, 16,384 one in
    fifty. Not through `normalise`, whose memory is for questions."""
    return fold(text).lower()


@functools.lru_cache(maxsize=1024)
def displayed_stored(text: str) -> str:
    """What a snippet shows of a stored text whose normalised form has another length (so positions in
    one are not positions in the other): the text folded but in its own case (Nd2O3, not nd2o3), or
    the normalised text when lower-casing changes the length too."""
    folded = fold(text)
    return folded if len(folded) == len(normalise_stored(text)) else normalise_stored(text)


def add_terms(terms: Iterable[str]) -> int:
    """Teach the segmenter domain terms (registered keywords); returns how many were new."""
    added = 0
    for raw in terms:
        term = normalise(raw).strip()
        if 2 <= len(term) <= 20 and term not in _added_terms and _CJK.fullmatch(term):
            _JIEBA.add_word(term, None, None)
            _added_terms.add(term)
            added += 1
    return added


@functools.lru_cache(maxsize=8192)
def _words(normalised: str) -> tuple[str, ...]:
    out = []
    for w in _JIEBA.cut_for_search(normalised):
        w = w.strip()
        if w and w not in STOPWORDS and _WORD.fullmatch(w) and (len(w) > 1 or w.isascii()):
            out.append(w)
    # The segmenter also gives a decimal's tail as a word (0.5g → 5g, 3.5mm → 5mm): it is not one, and
    # it made 5G find "0.5g" of a sample. The whole (0.5g) stays.
    tails = collections.Counter(m.group(1) for w in out if (m := _DECIMAL_TAIL.fullmatch(w)))
    if not tails:
        return tuple(out)
    kept = []
    for w in out:  # one tail left out per decimal that gave it (5G beside 0.5g stays)
        if tails[w] > 0:
            tails[w] -= 1
        else:
            kept.append(w)
    return tuple(kept)


def in_word(text: str, position: int) -> bool:
    """Is the character at `position` of normalised `text` part of a dictionary word of two or more
    characters (the segmenter without its guesses for unknown words)? 稀土: yes; 于鸡 (对于鸡…): no."""
    start = 0
    for token in _JIEBA.cut(text, False):
        if start <= position < start + len(token):
            return len(token) > 1
        start += len(token)
    return False


def words(text: str) -> list[str]:
    """Segmented words of already normalised text, without stopwords and single CJK characters."""
    return list(_words(text))


def bigrams(text: str) -> list[str]:
    """Character bigrams of every CJK run of normalised text (a lone character stays a unigram)."""
    out: list[str] = []
    for run in _CJK.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def index_tokens(text: str) -> list[str]:
    """Tokens stored for a document field: words and bigrams."""
    norm = normalise(text)
    return words(norm) + ["_" + b for b in bigrams(norm)]


# A single letter or digit between symbols, or between a symbol and the start or end of the query.
_STRAY = re.compile(r"(?:(?<=[^\w\s])|^)([a-z0-9])(?=[^\w\s]|$)")


# A term the question excludes: an ASCII minus sign at the start or after a space, followed by one
# word, Chinese or Latin, up to the next space (稀土 -荧光, 电池 -lithium). Not a negative number
# (-20℃), a dash (--) or a minus joined to more text, as pasted titles hold them (介孔γ -Al2O3的制备).
_EXCLUDED = re.compile(rf"(?:^|(?<=\s))-(?![-\d.])([{_HAN}]{{1,20}}|[A-Za-z][\w.+]{{0,19}})(?=\s|$)")
# The full-width minus sign a Chinese keyboard may type (稀土 －荧光) counts as one before a Chinese
# word; before a Latin one it is left as pasted text holds it (Malmquist －Luenberger).
_FULL_WIDTH_EXCLUDED = re.compile(rf"(?:^|(?<=\s))－(?=[{_HAN}]{{1,20}}(?:\s|$))")


# A part of the question in quotes ("稀土 元素", or “稀土元素” as a Chinese keyboard types them) is
# required: only the records that hold it are listed (each of its words, in one field).
_QUOTED = re.compile(r'"([^"\n]{1,40})"|“([^“”\n]{1,40})”')
# A minus sign before a quoted part excludes the records holding all of it: 稀土 -"荧光 粉".
_EXCLUDED_QUOTED = re.compile(r'(?:^|(?<=\s))[-－](?:"([^"\n]{1,40})"|“([^“”\n]{1,40})”)')


def literal(question: str) -> str:
    """`question` with no syntax read into it: the minus signs the search box would take for an
    exclusion and the quotes it would take for a required part are left out (they are punctuation to
    the tokenizer, so the words stay the same). For texts searched as written: benchmark queries,
    a record's own text (recommendations)."""
    unquoted = _QUOTED.sub(lambda m: f" {m.group(1) or m.group(2)} ", question)
    return _EXCLUDED.sub(lambda m: m.group(1), _FULL_WIDTH_EXCLUDED.sub("-", unquoted))


def required_parts(query: str) -> list[str]:
    """The quoted parts of the question, which every record listed must hold ("稀土 元素" → [稀土 元素]);
    not those after a minus sign, which it excludes (`split_exclusions`)."""
    query = _EXCLUDED_QUOTED.sub(" ", query)
    return [part.strip() for m in _QUOTED.finditer(query) if (part := m.group(1) or m.group(2)) and part.strip()]


def split_exclusions(query: str) -> tuple[str, list[str]]:
    """The question without the terms it excludes, and those terms ("稀土 -荧光" → "稀土", ["荧光"];
    the same with a full-width minus before a Chinese word, 稀土 －荧光)."""
    positive, excluded = _split_exclusions(query)
    return positive, list(excluded)


@functools.lru_cache(maxsize=4096)
def _split_exclusions(query: str) -> tuple[str, tuple[str, ...]]:
    """`split_exclusions`, kept per question: a page asks it a dozen times of the same one."""
    query = _FULL_WIDTH_EXCLUDED.sub("-", query)
    quoted = [part.strip() for m in _EXCLUDED_QUOTED.finditer(query) if (part := m.group(1) or m.group(2)).strip()]
    if quoted:  # -"荧光 粉": all of it (a record holding only 荧光 stays)
        query = _EXCLUDED_QUOTED.sub(" ", query)
    excluded = _EXCLUDED.findall(query)
    if not excluded and not quoted:
        return query, ()
    return " ".join(_EXCLUDED.sub(" ", query).split()), (*quoted, *excluded)


def positive_query(query: str) -> str:
    """What the question asks for: itself without the terms it excludes."""
    return split_exclusions(query)[0]


def query_tokens(query: str) -> list[str]:
    """Distinct tokens of a query, in order: words first, then bigrams (prefixed with `_`); the terms
    it excludes (-荧光) are not among them (`split_exclusions`).

    A lone Latin letter or digit set off by symbols (稀土^2, alert(1)) is left out when the query has
    other words: it matches a large part of any collection and would bring hundreds of results. One
    that is part of a term (维生素c, x射线, iphone 6) stays, and so does a query of it alone.

    A question of common words only (研究, 方法 分析: stopwords of two characters) is searched by
    their bigrams, which every record's text holds; one of single-character function words (的) is
    not searched at all (it would match only where it stands between Latin words)."""
    norm = normalise(positive_query(query))
    seen: dict[str, None] = {}
    found = words(norm)
    stray = set(_STRAY.findall(norm))
    if stray and any(len(t) > 1 for t in found):
        found = [t for t in found if t not in stray]
    for t in found:
        seen.setdefault(t, None)
    common = []
    for b in bigrams(norm):
        if b not in STOPWORDS:  # a lone 的 (ITS的GIS) matched only where it stood between Latin words
            seen.setdefault("_" + b, None)
        elif len(b) == 2:
            common.append("_" + b)
    if not seen:  # only common words (研究, 方法 分析): search them rather than nothing
        seen = dict.fromkeys(common)
    return list(seen)


# A short question (a term or two typed into the box: at most MAJORITY_MAX_CHARS characters) lists
# only the records that hold most of its words (`key_words`); a longer one (a problem described in a
# sentence) stays an OR of its words and bigrams, ranked.
MAJORITY_MAX_CHARS = 12  # at most six words of two characters: 15 ways of choosing four of them


def key_words(query: str) -> tuple[tuple[str, ...], int]:
    """The words of a short question and how many of them a record must hold: more than half
    (锂离子电池 → 锂离子 电池, both; 新能源汽车电池回收 → four words, three; 稀土 永磁, both). A
    compound the segmenter keeps whole is read as its parts (污水处理 → 污水 处理). Nothing is
    required of a question of one word (锂电池 finds 锂离子电池 through 电池, 石墨烯 finds 石墨 too:
    the ranking puts the whole word first) nor of a longer question: ((), 0)."""
    return _key_words(" ".join(normalise(positive_query(query)).split()))


@functools.lru_cache(maxsize=4096)
def _key_words(norm: str) -> tuple[tuple[str, ...], int]:
    if not norm or len(norm) > MAJORITY_MAX_CHARS:
        return (), 0
    words = _question_words(norm)
    return (words, len(words) // 2 + 1) if len(words) >= 2 else ((), 0)


def _parts(word: str) -> list[str]:
    """A CJK compound of four or more characters as the fewest shorter words it is made of (污水处理
    → 污水 处理, 功率放大器 → 功率 放大器, 神经网络 → 神经 网络); [word] when they do not cover it
    (二氧化钛)."""
    if len(word) < 4 or not _CJK.fullmatch(word):
        return [word]
    if covered := _cover(word):
        return covered
    # A single character joined at an end that no word covers (污水处理膜, 废水处理剂): the words of
    # the rest, as when the character stands apart (污水处理 膜 → 污水 处理); it still counts in the
    # ranking, but no record is asked to hold it.
    for rest in (word[:-1], word[1:]) if len(word) >= 5 else ():
        if len(covered := _cover(rest)) >= 2:
            return covered
    return [word]


def _cover(word: str) -> list[str]:
    """The fewest words of two or more characters, shorter than `word`, that make it up; [] if none do."""
    subs = sorted({w for w in _JIEBA.cut_for_search(word) if 2 <= len(w) < len(word)})
    best: dict[int, list[str]] = {0: []}  # best[i]: the fewest words covering word[:i]
    for i in range(len(word)):
        if i not in best:
            continue
        for w in subs:
            j = i + len(w)
            if word.startswith(w, i) and (j not in best or len(best[i]) + 1 < len(best[j])):
                best[j] = [*best[i], w]
    return best.get(len(word)) or []


def _question_words(phrase: str) -> tuple[str, ...]:
    """The words of a question that a record may be asked to hold: segmented, common words left out, a
    single CJK character joined to the word it touches (石墨 烯 → 石墨烯, 主 成分 → 主成分), compounds
    read as their parts."""
    found: list[str] = []
    pending = ""  # a single CJK character waiting to join the word after it
    joinable = False  # the last word found is CJK and touches what comes next
    for piece in _JIEBA.cut(phrase):
        cjk = _CJK.fullmatch(piece) is not None
        if cjk and len(piece) == 1 and piece not in STOPWORDS:
            if joinable:
                found[-1] += piece
            else:
                pending += piece
            continue
        if cjk and piece not in STOPWORDS:
            found.append(pending + piece)
            pending, joinable = "", True
            continue
        pending, joinable = "", False
        # A Latin word or code (bp, 5g, 304), not a bare number (-20, 2024: a value, not a topic).
        if _WORD.fullmatch(piece) and len(piece) > 1 and piece not in STOPWORDS and not piece.isdigit():
            found.append(piece)
    return tuple(dict.fromkeys(part for word in found for part in _parts(word) if part not in STOPWORDS))


def covered_by_bigrams(token: str) -> bool:
    """Whether a query token is a CJK word of two or more characters: every record field that holds
    it holds its first bigram (`_` + two characters) as well, a token of the same query."""
    return len(token) >= 2 and _CJK.fullmatch(token) is not None


def lone_character(token: str) -> str:
    """The character of a query token that is one CJK character standing alone in the question (锂,
    `_锂`), when it is not a stopword; "" otherwise. Documents hold such a character only inside
    their bigrams (锂电, 钴锂), so it is looked up among them."""
    if len(token) == 2 and token[0] == "_" and _CJK.fullmatch(token[1]) and token[1] not in STOPWORDS:
        return token[1]
    return ""


def lone_characters_searched(tokens: Sequence[str], question: str = "") -> set[str]:
    """The question's lone characters that are looked up inside bigrams: all of them when it has no
    bigram (no CJK run of two or more characters); else those that stand as a term of their own
    between spaces (稀土 锂: any of the terms), not those attached to other text (Fe基 合金: the
    other words say enough, and the many bigrams holding 基 would drown them)."""
    lone = {c for t in tokens if (c := lone_character(t))}
    if not lone or not any(t.startswith("_") and len(t) == 3 for t in tokens):
        return lone
    return lone & set(normalise(positive_query(question)).split())


def display_terms(tokens: Iterable[str], question: str = "") -> list[str]:
    """The words among query tokens (for "matched terms"), without bigram markers; a lone character
    counts as a word, and so does a common word searched by its bigram (研究)."""
    tokens = list(tokens)
    searched = lone_characters_searched(tokens, question)
    common = [t[1:] for t in tokens if t.startswith("_") and t[1:] in STOPWORDS]
    lone = [c for t in tokens if (c := lone_character(t)) in searched]
    return [t for t in tokens if not t.startswith("_")] + lone + common
