"""Normalisation and segmentation: what the index and the query see."""

import pytest

from techtransfer.search import text
from techtransfer.search.backends.tantivy_backend import highlight


def test_traditional_input_becomes_simplified():
    assert text.normalise("鋰離子電池的機器學習") == "锂离子电池的机器学习"


def test_full_width_digits_letters_and_punctuation_become_half_width_lower_case():
    assert text.normalise("５Ｇ基站，ＴＲＬ７级") == "5g基站,trl7级"


def test_mixed_chinese_and_english_keeps_the_english_terms():
    tokens = text.query_tokens("基于LSTM的锂离子电池寿命预测 Python")
    words = text.display_terms(tokens)
    assert "lstm" in words and "python" in words
    assert "锂离子电池" in words or "锂离子" in words
    assert "基于" not in words  # a stopword
    # Character bigrams of every Chinese run are added for recall, marked with "_".
    assert "_电池" in tokens and "_寿命" in tokens


def test_a_lone_letter_or_digit_set_off_by_symbols_is_left_out():
    assert text.query_tokens("稀土^2") == ["稀土", "_稀土"]  # not "2", which most records contain
    assert text.display_terms(text.query_tokens("<script>alert(1)</script>")) == ["script", "alert"]
    # Part of a term: kept.
    assert text.query_tokens("维生素C") == ["维生", "维生素", "c", "_维生", "_生素"]
    assert text.display_terms(text.query_tokens("X射线衍射")) == ["x", "射线", "衍射"]
    assert text.display_terms(text.query_tokens("iPhone 6")) == ["iphone", "6"]
    assert text.query_tokens("2") == ["2"] and text.query_tokens("(c)") == ["c"]  # alone: kept


def test_traditional_and_full_width_queries_give_the_simplified_tokens():
    assert text.query_tokens("鋰離子電池") == text.query_tokens("锂离子电池")
    assert text.query_tokens("ＬＳＴＭ２０２４") == text.query_tokens("lstm2024")


def test_domain_terms_are_kept_whole():
    before = text.display_terms(text.query_tokens("钙钛矿叠层电池"))
    assert "钙钛矿叠层电池" not in before
    text.add_terms(["钙钛矿叠层电池"])
    assert "钙钛矿叠层电池" in text.display_terms(text.query_tokens("新型钙钛矿叠层电池"))


@pytest.mark.parametrize(
    ("source", "terms", "snippet", "matched"),
    [
        (
            "本发明涉及锂电池<正极>材料。",
            ["锂电池", "正极"],
            "本发明涉及<mark>锂电池</mark>&lt;<mark>正极</mark>&gt;材料。",
            ["锂电池", "正极"],
        ),
        ("无关文本", ["电池"], "无关文本", []),
        ("採用LSTM模型", ["lstm"], "採用<mark>LSTM</mark>模型", ["lstm"]),
        # Normalising changes the length (㎡ → m2): positions map back, the text is shown as written.
        ("Nd2O3掺杂，面积1㎡的LSTM", ["lstm"], "Nd2O3掺杂，面积1㎡的<mark>LSTM</mark>", ["lstm"]),
        # A term matched inside a folded character marks the whole character (℃ for °c).
        (
            "在25℃下稳定，耐温℃级",
            ["°c", "稳定"],
            "在25<mark>℃</mark>下<mark>稳定</mark>，耐温<mark>℃</mark>级",
            ["°c", "稳定"],
        ),
        # A combining accent composes with its letter: nothing maps back, the folded text is shown.
        ("Cafe\u0301用LSTM", ["lstm"], "Café用<mark>LSTM</mark>", ["lstm"]),
        # Overlapping terms: the longest at the leftmost position wins, the scan goes on after it.
        (
            "稀土永磁材料与永磁电机",
            ["永磁材料", "稀土", "稀土永磁", "永磁"],
            "<mark>稀土永磁</mark>材料与<mark>永磁</mark>电机",
            ["永磁材料", "稀土", "稀土永磁", "永磁"],
        ),
    ],
)
def test_highlight_marks_matched_terms_in_escaped_text(source, terms, snippet, matched):
    assert highlight(source, terms) == (snippet, matched)


def test_words_found_in_the_title_only_are_reported_as_matched():
    from techtransfer.search.backends.tantivy_backend import payload_hit

    payload = {
        "type": "achievement",
        "pk": "1",
        "title": "氯化稀土催化丁二烯聚合",
        "url": "/a/1/",
        "text": "以Nd2O3为原料。",
    }
    hit = payload_hit(payload, ["稀土", "原料", "永磁"], True, score=1.0, lexical_score=1.0)
    assert hit.matched_terms == ["稀土", "原料"]
    assert hit.snippet == "以Nd2O3为<mark>原料</mark>。"


def test_words_found_in_the_indexed_title_beside_the_shown_one_are_reported(tmp_path):
    """An organisation is found by its English name ("rare earth"), which its shown title lacks."""
    from techtransfer.search.backends.tantivy_backend import TantivyBackend
    from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType

    st = SearchType(
        name="org", label="org", model_label="x.org", fields={"title": 3.0, "body": 1.0}, load=lambda pks: iter(())
    )
    backend = TantivyBackend(tmp_path / "index", [st])
    backend.rebuild(
        [
            SearchDocument(
                type="org", pk="1", title="赣州稀土科技有限公司", url="/o/1/", visibility=[PUBLIC],
                fields={"title": "赣州稀土科技有限公司 Ganzhou Rare Earth Technology Co.", "body": "稀土分离"}, summary="稀土分离",
            )
        ]
    )  # fmt: skip
    from techtransfer.search.backends.base import SearchRequest

    hit = backend.search(SearchRequest(query="rare earth", visibility=frozenset({PUBLIC}))).hits[0]
    assert (hit.title, hit.matched_terms) == ("赣州稀土科技有限公司", ["rare", "earth"])


@pytest.mark.parametrize(
    ("query", "found", "terms"),
    [
        ("锂", ["battery", "rich", "alone"], ["锂"]),  # inside a word, at either end of a bigram, or alone
        ("鋰", ["battery", "rich", "alone"], ["锂"]),  # traditional input
        ("的", [], []),  # a stopword alone is not searched for (it matched ITS的GIS)
        ("锂 的", ["battery", "rich", "alone"], ["锂"]),
        ("锂 钴", ["battery", "rich", "alone"], ["锂", "钴"]),
        ("锂 灌溉", ["battery", "rich", "alone", "other"], ["灌溉", "锂"]),  # a term of its own: any term
        # Attached to other text, with a longer run beside: the other words decide (锂 only alone).
        ("Li锂 灌溉", ["alone", "other"], ["li", "灌溉"]),
    ],
)
def test_a_lone_character_finds_the_records_that_hold_it_inside_words(tmp_path, query, found, terms):
    """Records hold a CJK character only inside their bigrams (锂电, 富锂); a question of one
    character looks it up there, so 锂 finds 锂离子电池 as 锂电池 does."""
    from techtransfer.search.backends.base import SearchRequest
    from techtransfer.search.backends.tantivy_backend import TantivyBackend
    from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType

    st = SearchType(
        name="doc", label="doc", model_label="x.doc", fields={"title": 3.0, "body": 1.0}, load=lambda pks: iter(())
    )
    backend = TantivyBackend(tmp_path / "index", [st])
    bodies = {
        "battery": "锂离子电池正极材料", "rich": "共沉淀法制备富锂材料", "alone": "Li 锂 element",
        "latin": "ITS 的 GIS", "other": "水稻种植的节水灌溉技术",
    }  # fmt: skip
    backend.rebuild(
        SearchDocument(type="doc", pk=pk, title=pk, url="", fields={"title": "", "body": body}, visibility=[PUBLIC])
        for pk, body in bodies.items()
    )
    # Which records hold the character; a short question's need for most of its words is another
    # matter (test_key_words): Li锂 灌溉 would then ask for both.
    results = backend.search(
        SearchRequest(query=query, visibility=frozenset({PUBLIC}), limit=10, facets=["type"], most_words=False)
    )
    assert sorted(h.pk for h in results.hits) == sorted(found)
    assert results.total == len(found) and results.facets["type"] == ([("doc", len(found))] if found else [])
    assert results.query_terms == terms


@pytest.mark.parametrize(
    ("query", "tokens", "found", "terms"),
    [
        ("研究", ["_研究"], ["study"], ["研究"]),  # only common words: searched, not nothing
        ("方法 分析", ["_方法", "_分析"], ["method"], ["方法", "分析"]),
        ("水稻 研究", ["水稻", "_水稻"], ["study"], ["水稻"]),  # beside another word: left out, as before
        ("的", [], [], []),
    ],
)
def test_a_question_of_common_words_only_searches_them(tmp_path, query, tokens, found, terms):
    from techtransfer.search.backends.base import SearchRequest
    from techtransfer.search.backends.tantivy_backend import TantivyBackend
    from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType

    assert text.query_tokens(query) == tokens
    st = SearchType(name="doc", label="doc", model_label="x.doc", fields={"body": 1.0}, load=lambda pks: iter(()))
    backend = TantivyBackend(tmp_path / "index", [st])
    bodies = {"study": "水稻节水灌溉研究", "method": "一种分析方法", "other": "锂离子电池正极材料"}
    backend.rebuild(
        SearchDocument(type="doc", pk=pk, title=pk, url="", fields={"body": body}, visibility=[PUBLIC])
        for pk, body in bodies.items()
    )
    results = backend.search(SearchRequest(query=query, visibility=frozenset({PUBLIC}), limit=10))
    assert sorted(h.pk for h in results.hits) == found
    assert results.total == len(found)
    assert results.query_terms == terms


@pytest.mark.parametrize(
    ("query", "positive", "excluded"),
    [
        ("稀土 -荧光", "稀土", ["荧光"]),
        ("-荧光 稀土 -发光材料", "稀土", ["荧光", "发光材料"]),
        ("温度 -20℃", "温度 -20℃", []),  # a negative number
        ("稀土--荧光", "稀土--荧光", []),  # no space before the minus sign: part of the term
        ("中国哲学 --20世纪", "中国哲学 --20世纪", []),  # a dash
        ("Malmquist －Luenberger", "Malmquist －Luenberger", []),  # a full-width minus in a pasted title
        ("稀土 －荧光", "稀土", ["荧光"]),  # before a Chinese word, as a Chinese keyboard may type it
        ("－荧光 稀土", "稀土", ["荧光"]),
        ("稀土－荧光", "稀土－荧光", []),
        ("Fe-Ni 合金", "Fe-Ni 合金", []),
        ("电池 -lithium", "电池", ["lithium"]),
        # A minus joined to more than one word is text (a pasted title): 介孔γ -Al2O3的制备.
        ("介孔γ -Al2O3的制备及其对F-的吸附性能研究", "介孔γ -Al2O3的制备及其对F-的吸附性能研究", []),
    ],
)
def test_a_minus_sign_before_a_term_excludes_it(query, positive, excluded):
    assert text.split_exclusions(query) == (positive, excluded)
    # Read literally (benchmark queries), no minus sign is an exclusion; the words stay the same.
    literal = text.literal(query)
    assert text.split_exclusions(literal) == (literal, [])
    assert set(text.query_tokens(literal)) == set(text.query_tokens(positive)) | {
        t for term in excluded for t in text.query_tokens(term)
    }


def test_matched_terms_are_named_as_the_snippet_shows_them():
    from techtransfer.search.backends.tantivy_backend import shown_terms

    snippet, matched = highlight("纳米TiO2与ＡＢＳ的复合材料", ["tio2", "abs", "复合"])
    assert matched == ["tio2", "abs", "复合"]
    assert shown_terms(snippet, matched) == ["TiO2", "ＡＢＳ", "复合"]
    assert shown_terms("", ["tio2"]) == ["tio2"]  # no snippet: the normalised form


@pytest.mark.parametrize(
    ("source", "tokens"),
    [
        ("称取0.5g样品", ["称取", "0.5g", "样品", "_称取", "_样品"]),  # not 5g: 5G found a sample's weight
        ("3.5mm", ["3.5mm"]),
        ("5G通信基站", ["5g", "通信", "基站", "_通信", "_信基", "_基站"]),
        ("5g 0.5g", ["5g", "0.5g"]),  # a 5G of its own beside a decimal stays
    ],
)
def test_a_decimals_tail_is_no_word(source, tokens):
    assert text.index_tokens(source) == tokens
