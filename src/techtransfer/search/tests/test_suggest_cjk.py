"""One look-alike character mistyped in a Chinese word (稀士 for 稀土): corrected to known keywords."""

from collections import Counter

import pytest

from techtransfer.search import suggest, text

KEYWORDS = Counter(
    {"稀土": 9, "锂离子电池": 6, "稀有": 4, "院士": 3, "稀土永磁材料": 2, "锂离子电池正极材料": 2, "永久": 1,
     "4G通信": 2, "graphene": 2}
)  # fmt: skip


@pytest.fixture(scope="module")
def table() -> suggest.Suggester:
    return suggest.Suggester(KEYWORDS, [("稀土萃取分离工艺", "/achievements/7/", "achievement")])


def found(suggestions: list[suggest.Suggestion]) -> list[tuple[str, str]]:
    return [(s.text, s.how) for s in suggestions]


def test_two_characters_are_corrected_only_to_look_alikes(table):
    # Either character may be the typo, but one of two characters changed at will is another word:
    # 稀有 and 院士 are one character away too, not look-alikes of 稀士 (土 and 士 are).
    assert found(table.suggest("稀士")) == [("稀土", "fuzzy")]
    assert table.suggest("稀士", 1) == [suggest.Suggestion("稀土", "keyword", "", "fuzzy")]


def test_longer_words_are_corrected_to_keywords_and_to_their_starts(table):
    assert found(table.suggest("锂离了电池")) == [("锂离子电池", "fuzzy"), ("锂离子电池正极材料", "fuzzy")]
    assert found(table.suggest("埋离子电池")) == [("锂离子电池", "fuzzy"), ("锂离子电池正极材料", "fuzzy")]  # the first
    # A start; the corrected text itself too, as it starts keywords (by how many it starts).
    assert found(table.suggest("锂离了")) == [
        ("锂离子电池", "fuzzy"),
        ("锂离子", "fuzzy"),
        ("锂离子电池正极材料", "fuzzy"),
    ]
    assert found(table.suggest("稀土永滋")) == [("稀土永磁材料", "fuzzy"), ("稀土永磁", "fuzzy")]
    assert table.suggest("稀土萃取分离工芝") == []  # keywords only: titles are found by their start


def test_a_word_that_is_known_as_it_is_is_not_corrected(table):
    # 稀土 is a keyword (稀有 is one character away); 锂离子 starts two; 永磁 is within one (永久 is one away).
    assert found(table.suggest("稀土")) == [
        ("稀土", "prefix"),
        ("稀土永磁材料", "prefix"),
        ("稀土萃取分离工艺", "prefix"),
    ]
    assert found(table.suggest("锂离子")) == [("锂离子电池", "prefix"), ("锂离子电池正极材料", "prefix")]
    assert found(table.suggest("永磁")) == [("稀土永磁材料", "contains")]


def test_a_lone_character_digits_letters_and_phrases_are_not_corrected(table):
    assert table.suggest("士") == []
    assert table.suggest("5G通信") == []  # 4G通信 is another thing, not a typo
    assert table.suggest("稀士 锂离了电池") == []  # two words: not one word's typo
    assert found(table.suggest("grpahene")) == [("graphene", "fuzzy")]  # Latin words: edit distance as before


def test_look_alikes_rank_with_homophones_by_use_other_characters_after_them():
    # 稀释 (xīshì) sounds like 稀士 (and is one character away: offered once); 稀土 looks like it
    # (土 and 士); 院士 is one other character away, however often it is used.
    table = suggest.Suggester(Counter({"稀土": 9, "院士": 20, "稀释": 1}), [])
    assert found(table.suggest("稀士")) == [("稀土", "fuzzy"), ("稀释", "pinyin")]
    rarer = suggest.Suggester(Counter({"稀土": 1, "稀释": 5}), [])
    assert found(rarer.suggest("稀士")) == [("稀释", "pinyin"), ("稀土", "fuzzy")]


def test_the_table_holds_keywords_of_2_to_12_characters_and_a_look_up_gives_at_most_scan():
    long_word = "一种基于稀土永磁的电机控制"  # 13 characters
    seventy = [ch for ch in map(chr, range(0x4E00, 0x4F00)) if text.normalise(ch) == ch][:70]  # simplified
    table = suggest.Suggester(Counter({"稀土": 1, "锂离子": 1, "TiO2": 1, long_word: 1}), [])
    assert len(table.fuzzy_refs) == 2 + 3  # 稀土 under 稀\0 and \0土; 锂离子 under its three forms
    crowded = suggest.Suggester(Counter({f"稀{ch}": 70 - n for n, ch in enumerate(seventy)}), [])
    under_xi = [crowded.entries[i][0] for i in crowded._one_substitution("稀\x00")]
    assert under_xi == [f"稀{ch}" for ch in seventy[: suggest.SCAN]]  # the most used, best first


def test_titles_holding_the_text_replace_its_corrections(monkeypatch, table):
    """Through the index, titles show that 永久电机 is no typo of 永磁电机 when the keywords alone could not."""
    title = suggest.Suggestion("高性能永磁电机的设计", "title", "/achievements/8/", "contains", "achievement")
    asked: list[tuple[str, int]] = []

    def titles_containing(norm: str, limit: int, shown: set[str]) -> list[suggest.Suggestion]:
        asked.append((norm, limit))
        return [title] if norm == "永磁电机" else []

    only_keywords = suggest.Suggester(Counter({"永久电机": 1, "稀土": 2}), [])
    monkeypatch.setattr(suggest, "get_suggester", lambda: only_keywords)
    monkeypatch.setattr(suggest, "_titles_containing", titles_containing)
    assert found(only_keywords.suggest("永磁电机")) == [("永久电机", "fuzzy")]
    assert suggest.suggest("永磁电机") == [title]
    assert suggest.suggest("稀士") == [suggest.Suggestion("稀土", "keyword", "", "fuzzy")]  # no title: a typo
    assert asked == [("永磁电机", suggest.LIMIT), ("稀士", suggest.LIMIT)]


def test_chinese_typed_sounds_like_the_start_syllable_by_syllable():
    table = suggest.Suggester(Counter({"太阳能电池": 3}), [("论广告的全球化", "/achievements/9/", "achievement")])
    assert table.suggest("轮毂") == []  # lungu is the start of lunguang… as letters, not as syllables
    assert found(table.suggest("论广")) == [("论广告的全球化", "prefix")]
    assert found(table.suggest("钛阳能")) == [("太阳能电池", "pinyin")]  # a homophone still
    assert table.suggest("论光") == []  # two characters: homophones among keywords only, not titles
