"""Suggestions as you type: prefix, traditional input, homophone (pinyin) typos, Latin typos; public only."""

from collections import Counter

import pytest
from django.urls import reverse

from techtransfer.achievements.choices import SecrecyLevel
from techtransfer.search import suggest
from techtransfer.search.backends import get_backend
from techtransfer.search.registry import SearchDocument
from techtransfer.search.tests.helpers import draft, publish

KEYWORDS = Counter(
    {"太阳能电池": 5, "太阳能": 3, "石墨烯": 4, "graphene": 2, "FPGA": 3, "led": 9, "nanotechnology": 1, "NiNO3": 1,
     "氧化石墨烯": 2}
)  # fmt: skip
TITLES = [
    ("一种太阳能景观灯", "/achievements/1/"),
    ("基于FPGA的图像处理系统", "/achievements/2/"),
    ("区块链溯源平台", "/achievements/3/"),
]


@pytest.fixture(scope="module")
def table() -> suggest.Suggester:
    return suggest.Suggester(KEYWORDS, TITLES)


def texts(found: list[suggest.Suggestion]) -> list[str]:
    return [s.text for s in found]


def test_prefix_ranks_keywords_by_use_then_titles(table):
    assert texts(table.suggest("太阳")) == ["太阳能电池", "太阳能", "一种太阳能景观灯"]
    assert {s.how for s in table.suggest("太阳")} == {"prefix"}
    assert table.suggest("区块")[0] == suggest.Suggestion("区块链溯源平台", "title", "/achievements/3/", "prefix")


def test_traditional_and_full_width_input(table):
    assert texts(table.suggest("太陽能")) == ["太阳能电池", "太阳能", "一种太阳能景观灯"]
    assert texts(table.suggest("ＦＰＧＡ"))[:2] == ["FPGA", "基于FPGA的图像处理系统"]


def test_homophone_typo_and_typed_pinyin(table):
    found = table.suggest("钛阳能")  # 钛 (tài) for 太 (tài)
    assert texts(found) == ["太阳能电池", "太阳能", "一种太阳能景观灯"]
    assert {s.how for s in found} == {"pinyin"}
    assert texts(table.suggest("湿墨"))[:1] == ["石墨烯"]  # 湿 (shī) for 石 (shí): tones are ignored
    assert texts(table.suggest("qukuai")) == ["区块链溯源平台"]
    # One character has too many homophones: 钛 alone is not read as tai (太阳能…), 太 is a prefix.
    assert table.suggest("钛") == []
    assert texts(table.suggest("太")) == ["太阳能电池", "太阳能", "一种太阳能景观灯"]
    assert texts(table.suggest("钛yang"))[:1] == ["太阳能电池"]  # half converted: read as pinyin


def test_latin_typos_within_edit_distance(table):
    assert table.suggest("grpahene")[0] == suggest.Suggestion("graphene", "keyword", "", "fuzzy")
    assert texts(table.suggest("fgpa"))[:2] == ["FPGA", "基于FPGA的图像处理系统"]  # transposition, as written
    assert texts(table.suggest("nanotecnolgy"))[:1] == ["nanotechnology"]  # two edits in a long word
    assert texts(table.suggest("grahp")) == ["graphene"]  # the start of a word, one edit
    assert table.suggest("lad") == []  # short words are not corrected (led, lcd, ... would all match)
    assert texts(table.suggest("nino")) == ["NiNO3"]  # a prefix, written as the keyword writes it
    # Four letters: corrected to whole words only, not to the start of NiNO3 (n-a-n-o, one edit from n-i-n-o).
    assert texts(table.suggest("nano")) == ["nanotechnology"]


def test_keywords_are_found_by_what_they_contain(table):
    found = table.suggest("石墨烯")
    assert [(s.text, s.how) for s in found] == [("石墨烯", "prefix"), ("氧化石墨烯", "contains")]


def test_edit_distance():
    assert suggest.edit_distance("graphene", "grpahene", 2) == 1
    assert suggest.edit_distance("abc", "xyz", 1) == 2
    assert suggest.edit_distance("kitten", "sitting", 3) == 3


@pytest.fixture
def fresh_table(index_dir):  # type: ignore[no-untyped-def]
    suggest.reset()
    yield
    suggest.reset()


@pytest.mark.django_db
def test_endpoints_suggest_only_from_public_records(
    client, fresh_table, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks, django_assert_num_queries,
):  # fmt: skip
    public = draft(verified, applicant_member, name="钙钛矿太阳能电池封装方法", keywords=["钙钛矿电池", "perovskite"])
    internal = draft(
        verified, applicant_member, name="钙钛矿内部工艺", keywords=["钙钛矿机密配方"], secrecy=SecrecyLevel.INTERNAL
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(public, applicant_admin, province_reviewer)
        publish(internal, applicant_admin, province_reviewer)
    # A document only members of organisation 7 may see is in the index too.
    get_backend().apply(
        [SearchDocument(type="achievement", pk="990001", title="钙钛矿成员专享", url="/achievements/990001/",
                        fields={"title": "钙钛矿成员专享"}, visibility=["org:7"])], [],
    )  # fmt: skip

    client.force_login(applicant_member)  # a member of the organisation that owns the internal record
    r = client.get(reverse("search:suggest"), {"q": "鈣鈦礦"})  # traditional input
    body = r.content.decode()
    assert r.status_code == 200
    assert "钙钛矿电池" in body and f'href="/achievements/{public.pk}/"' in body
    assert '钙钛矿太阳能电池封装方法 <span class="small text-muted">· 科技成果</span>' in body  # the record type
    assert "内部" not in body and "机密" not in body and "成员专享" not in body

    client.logout()
    with django_assert_num_queries(0):  # the table is built: no database work per keystroke
        api = client.get("/api/v1/search/suggest", {"q": "盖钛矿"}).json()  # 盖 (gài) for 钙 (gài)
    assert api["query"] == "盖钛矿"
    assert [(s["text"], s["kind"], s["how"], s["record_type"]) for s in api["suggestions"]] == [
        ("钙钛矿电池", "keyword", "pinyin", ""),
        ("钙钛矿太阳能电池封装方法", "title", "pinyin", "achievement"),
    ]
    latin = client.get("/api/v1/search/suggest", {"q": "perovksite"}).json()["suggestions"]
    assert [(s["text"], s["how"]) for s in latin][:1] == [("perovskite", "fuzzy")]
    assert client.get(reverse("search:suggest"), {"q": " "}).content.decode().strip() == ""


@pytest.mark.django_db
def test_search_box_asks_for_suggestions_as_you_type(client, index_dir):
    body = client.get(reverse("search:search")).content.decode()
    assert f'hx-get="{reverse("search:suggest")}" hx-trigger="input delay:250ms, search"' in body
    assert 'id="search-suggest"' in body


def test_the_table_is_rebuilt_soon_after_the_index_changes(monkeypatch, settings):
    """Not only every SEARCH_SUGGEST_TTL: a title withdrawn from the index stops being offered once the
    table is CHANGED_REBUILD_SECONDS old (built in the background; the old table answers meanwhile)."""
    import time as time_module

    settings.SEARCH_SUGGEST_BACKGROUND = True  # as in production (the build below reads no database)

    from techtransfer.search import services as search_services
    from techtransfer.search import suggest as suggest_module

    builds: list[str] = []
    stamp = {"now": "a"}
    monkeypatch.setattr(search_services, "index_stamp", lambda: stamp["now"])
    monkeypatch.setattr(suggest_module, "build", lambda: builds.append(stamp["now"]) or f"table {len(builds)}")
    suggest_module.reset()
    try:
        assert suggest_module.get_suggester() == "table 1"
        stamp["now"] = "b"  # the index changed…
        assert suggest_module.get_suggester() == "table 1"  # …but the table is only just built
        suggest_module._state["built_at"] = time_module.monotonic() - suggest_module.CHANGED_REBUILD_SECONDS - 1
        assert suggest_module.get_suggester() == "table 1"  # the rebuild starts in the background
        for _ in range(200):
            if not suggest_module._state["building"]:
                break
            time_module.sleep(0.01)
        assert suggest_module.get_suggester() == "table 2" and builds == ["a", "b"]
        # Unchanged index: no rebuild before the TTL, however old the table.
        suggest_module._state["built_at"] = time_module.monotonic() - suggest_module.CHANGED_REBUILD_SECONDS - 1
        assert suggest_module.get_suggester() == "table 2" and builds == ["a", "b"]
    finally:
        suggest_module.reset()


def test_the_tests_rebuild_a_stale_table_in_the_request(monkeypatch, settings):
    """SEARCH_SUGGEST_BACKGROUND off (the suite's setting): the stale table is replaced before the
    answer, and no thread is left behind."""
    import threading
    import time as time_module

    from techtransfer.search import services as search_services
    from techtransfer.search import suggest as suggest_module

    settings.SEARCH_SUGGEST_BACKGROUND = False
    builds: list[str] = []
    monkeypatch.setattr(search_services, "index_stamp", lambda: "a")
    monkeypatch.setattr(suggest_module, "build", lambda: builds.append("a") or f"table {len(builds)}")
    suggest_module.reset()
    try:
        assert suggest_module.get_suggester() == "table 1"
        suggest_module._state["built_at"] = time_module.monotonic() - settings.SEARCH_SUGGEST_TTL - 1
        assert suggest_module.get_suggester() == "table 2"
        assert suggest_module._state["building"] is False
        assert [t.name for t in threading.enumerate() if t.name == "suggest-refresh"] == []
    finally:
        suggest_module.reset()


def test_homophone_words_are_shown_together_the_word_most_used_first():
    # zhongyao reads 中药 and 重要: 重要原因 is used more than any one 中药 keyword, but 中药 is used
    # more in all (3 + 2 + 2 against 4), so its keywords come first and 重要's after them.
    table = suggest.Suggester(Counter({"中药材": 3, "中药复方": 2, "重要原因": 4, "中药": 2, "重要标志": 1}), [])
    assert texts(table.suggest("zhongyao")) == ["中药材", "中药", "中药复方", "重要原因", "重要标志"]
    assert texts(table.suggest("zhongy")) == ["中药材", "中药", "中药复方", "重要原因", "重要标志"]  # half a syllable
    assert texts(table.suggest("中要")) == ["中药材", "中药", "中药复方", "重要原因", "重要标志"]
    rarer = suggest.Suggester(Counter({"中药材": 1, "重要原因": 4, "重要标志": 1}), [])
    assert texts(rarer.suggest("zhongyao")) == ["重要原因", "重要标志", "中药材"]


@pytest.mark.django_db
def test_a_word_no_keyword_holds_gets_the_look_alikes_records_hold(
    client, fresh_table, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """稀士永磁: 稀土永磁 is in a record's title, not among the keywords, so the table offered nothing
    while the results page said "did you mean 稀土永磁"; the box offers it now, then the title."""
    record = draft(verified, applicant_member, name="高矫顽力稀土永磁体制备方法", keywords=["矫顽力"])
    other = draft(verified, applicant_member, name="储能系统", keywords=["储能"],
                  abstract="对比了锂电池与“锂电地”（一种地下储能方案）的成本。")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publish(record, applicant_admin, province_reviewer)
        publish(other, applicant_admin, province_reviewer)
    assert suggest.get_suggester().suggest("稀士永磁") == []  # the table alone
    api = client.get("/api/v1/search/suggest", {"q": "稀士永磁"}).json()
    assert [(s["text"], s["kind"], s["how"], s["url"]) for s in api["suggestions"]] == [
        ("稀土永磁", "keyword", "fuzzy", ""),
        ("高矫顽力稀土永磁体制备方法", "title", "contains", f"/achievements/{record.pk}/"),
    ]
    # Text a record holds as typed is no typo, even where no keyword or title holds it: 锂电地 is not
    # corrected to 锂电池, which a record holds too; 锂电弛, which none holds, is.
    assert suggest.suggest("锂电地") == []
    assert suggest.suggest("锂电弛") == [suggest.Suggestion("锂电池", "keyword", "", "fuzzy")]
