"""The search page, the API endpoint, /healthz and the reindex command."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from techtransfer.search.models import SearchOutbox
from techtransfer.search.outbox import apply_pending
from techtransfer.search.tests.helpers import draft, publish

pytestmark = pytest.mark.django_db

NAME = "一种稀土永磁电机的控制方法"


@pytest.fixture
def published(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    a = draft(
        verified, applicant_member, name=NAME, abstract="提出一种稀土永磁同步电机的矢量控制方法。",
        keywords=["永磁电机", "矢量控制"], plan_industry="new_energy", trl=7, price=80,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    return a


def test_page_shows_results_with_links_snippets_and_facets(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        r = client.get(reverse("search:search"), {"q": "永磁电机 控制"})
    body = r.content.decode()
    assert r.status_code == 200
    assert f'href="{reverse("achievements:detail", args=[published.pk])}"' in body
    assert "<mark>" in body
    assert 'id="facet-plan_industry"' in body


def test_api_answers_within_a_query_budget(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        r = client.get("/api/v1/search", {"q": "永磁", "plan_industry": "new_energy"})
    assert r.status_code == 200
    assert [x["title"] for x in r.json()["results"]] == [NAME]


def test_punctuation_only_query_finds_nothing_and_empty_query_browses(client, published):
    nothing = client.get("/api/v1/search", {"q": "！？（）"}).json()
    assert (nothing["total"], nothing["page"], nothing["page_size"], nothing["pages"]) == (0, 1, 20, 0)
    browsed = client.get("/api/v1/search", {"q": "", "type": "achievement"}).json()
    assert (browsed["total"], browsed["pages"]) == (1, 1)  # paging metadata, as the other lists give


def test_filters_inside_the_engine(client, published):
    def total(**params):  # type: ignore[no-untyped-def]
        return client.get("/api/v1/search", {"q": "永磁", **params}).json()["total"]

    assert total() == 1
    assert total(trl_min=7, trl_max=9) == 1
    assert total(trl_min=8) == 0
    assert total(price_max=100) == 1
    assert total(price_max=50) == 0
    assert total(region="36") == 1  # Jiangxi contains 南昌县
    assert total(region="3607") == 0  # Ganzhou does not
    assert total(region="3607, 3601") == 1  # any of several (南昌县 is in Nanchang)
    assert total(region="3607，360121") == 1
    assert total(region="３６") == 1  # full-width digits are digits
    assert client.get(reverse("search:search"), {"q": "", "region": "٣٦"}).status_code == 400  # not GB/T 2260
    assert total(region="360100") == 1  # 南昌市 in full: the prefix 3601
    unknown = client.get(reverse("search:search"), {"q": "永磁", "region": "99, 36"}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 400 and "Unknown region code: 99." in unknown.content.decode()
    assert total(plan_industry="new_energy") == 1
    assert total(plan_industry="biomed") == 0
    assert total(type="organisation") == 0
    # A value no record can have is named, on the page and in the API, rather than finding nothing.
    bogus = client.get(reverse("search:search"), {"q": "永磁", "plan_industry": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bogus.status_code == 400 and "Industry: Unknown value: bogus." in bogus.content.decode()
    # The way out: the form no longer carries the unknown value, and a link searches without it.
    both = client.get(
        reverse("search:search"), {"q": "永磁", "plan_industry": ["bogus", "new_energy"], "page": "2"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()  # fmt: skip
    assert '<input type="hidden" name="plan_industry" value="bogus">' not in both
    assert '<input type="hidden" name="plan_industry" value="new_energy">' in both
    link = re.search(r'<a href="([^"]+)" id="drop-unknown-values">Search without the unknown values</a>', both)
    assert link is not None
    assert link.group(1) == reverse("search:search") + "?q=%E6%B0%B8%E7%A3%81&amp;plan_industry=new_energy"
    assert total(plan_industry="new_energy") == 1  # what the link shows
    api = client.get("/api/v1/search", {"q": "永磁", "plan_industry": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 422 and api.json()["details"] == {
        "fields": {"plan_industry": ["Industry: Unknown value: bogus."]}
    }
    two = client.get("/api/v1/search", {"q": "永磁", "plan_industry": "bogus", "discipline": "x", "trl_min": "12"})
    assert sorted(two.json()["details"]["fields"]) == ["discipline", "plan_industry", "trl_min"]
    # Every keyword facet knows its values (listings declared the stage without them).
    stage = client.get(reverse("search:search"), {"q": "永磁", "stage": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    assert stage.status_code == 400 and "Stage: Unknown value: bogus." in stage.content.decode()


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "The chosen record types do not have these filters, so they are not applied: "
         "Stage, Technology readiness level, Price (10,000 yuan)."),
        ("zh-hans", "所选记录类型没有这些筛选条件，因此未予应用：成果所处阶段、技术就绪度、价格（万元）。"),
    ],
)  # fmt: skip
def test_a_chosen_type_without_results_and_the_filters_it_lacks_stay_visible(client, published, language, note):  # type: ignore[no-untyped-def]
    """Organisations have no TRL and no price: the search says it ignores them, and the chosen type
    keeps its chip (with 0) though nothing of that type matches."""
    r = client.get(
        reverse("search:search"),
        {"q": "永磁", "type": "organisation", "trl_min": "5", "price_max": "90", "stage": "early"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert f'<p class="alert alert-warning small search-note" role="status" id="ignored-filters">{note}</p>' in body
    chip = {
        "en": ["Record type: Organisations", "Technology readiness level: ≥ 5", "Price (10,000 yuan): ≤ 90",
               "Stage: Early stage"],
        "zh-hans": ["记录类型：机构名录", "技术就绪度：≥ 5", "价格（万元）：≤ 90", "成果所处阶段：初期阶段"],
    }[language]  # fmt: skip  # the filters not applied keep their chips: one click takes them out of the address
    chips = re.search(r'<div[^>]*id="active-filters">\s*(.*?)\s*</div>', body, re.S)
    assert chips is not None and re.findall(r">([^<]*) ×</a>", chips.group(1)) == chip

    # Each type's count is what its link shows: the achievement (TRL 7) counts under TRL ≥ 5, not ≥ 8.
    def types(trl_min):  # type: ignore[no-untyped-def]
        api = client.get("/api/v1/search", {"q": "永磁", "type": "organisation", "trl_min": trl_min}).json()
        return {t["value"]: t["count"] for t in api["types"]}

    assert types(5) == {"achievement": 1, "organisation": 0}
    assert types(8) == {"organisation": 0}
    # With achievements chosen both filters apply: no note.
    both = client.get(reverse("search:search"), {"q": "永磁", "type": "achievement", "trl_min": "5"})
    assert 'id="ignored-filters"' not in both.content.decode()


def test_region_and_ranges_have_chips_and_clear_filters_shows_only_with_a_filter(client, published):  # type: ignore[no-untyped-def]
    url = reverse("search:search")
    body = client.get(url, {"q": "永磁", "trl_min": "5", "price_max": "90", "region": "36"}, HTTP_ACCEPT_LANGUAGE="en")
    page = body.content.decode()
    chips = re.search(r'<div[^>]*id="active-filters">\s*(.*?)\s*</div>', page, re.S)
    assert chips is not None
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]*) ×</a>', chips.group(1))
    assert [(href.replace("&amp;", "&"), label) for href, label in found] == [
        (
            "?q=%E6%B0%B8%E7%A3%81&trl_min=5&price_max=90",
            "Region: 江西省 (Jiangxi Province)",
        ),  # by name, not by code; English read beside it
        ("?q=%E6%B0%B8%E7%A3%81&price_max=90&region=36", "Technology readiness level: ≥ 5"),
        ("?q=%E6%B0%B8%E7%A3%81&trl_min=5&region=36", "Price (10,000 yuan): ≤ 90"),
    ]
    assert 'id="clear-filters"' in page
    several = client.get(url, {"q": "永磁", "region": "3601,360702"}).content.decode()
    assert re.findall(r">([^<]*) ×</a>", several) == ["所在地区：南昌市、章贡区"]
    assert "<title>永磁 · Search" in page  # the question names the window and the history entry
    plain = client.get(url, {"q": "永磁"}).content.decode()
    assert 'id="clear-filters"' not in plain and 'id="active-filters"' not in plain
    nothing = client.get(url, {"q": "xyzzy"}).content.decode()  # no result, no facet: no "Refine" either
    assert 'id="facets-toggle"' not in nothing


def test_bad_input_is_refused_with_the_typed_values_kept(client, index_dir):
    r = client.get(reverse("search:search"), {"q": "电机", "trl_min": "12", "region": "abc"})
    assert r.status_code == 400
    body = r.content.decode()
    assert 'value="电机"' in body
    # Everyone reads how many fields need attention, with links to them (screen readers heard a bare "2";
    # on a phone the summary was hidden and the first field screens below).
    assert (
        '<div class="alert alert-danger small form-error-summary" role="status" tabindex="-1">表单中有 2 处填写有误，'
        '错误信息显示在相应字段下方。<ul class="mb-0 mt-1"><li><a class="alert-link" href="#id_region">行政区划代码</a></li>'
        '<li><a class="alert-link" href="#id_trl_min">技术就绪度下限</a></li></ul></div>'
    ) in body
    # A wrong facet value's message sits above the form: it is not counted as one under a field.
    facet = client.get(reverse("search:search"), {"q": "电机", "plan_industry": "abc"}).content.decode()
    assert "行业：未知的取值：abc。" in facet and "处填写有误" not in facet
    api = client.get("/api/v1/search", {"q": "电机", "trl_min": "5", "trl_max": "3"})
    assert api.status_code == 422
    assert list(api.json()["details"]["fields"]) == ["trl_max"]


def test_empty_page_shows_only_the_form(client, index_dir):
    r = client.get(reverse("search:search"))
    assert r.status_code == 200
    assert 'id="search-hits"' not in r.content.decode()


def test_healthz_reports_index_lag(
    client,
    index_dir,
    worker_down,
    verified,
    applicant_member,
    applicant_admin,
    province_reviewer,
    django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    pending = SearchOutbox.objects.filter(done_at__isnull=True).count()
    lag = client.get("/healthz").json()["search_index"]
    assert lag["pending"] == pending > 0
    assert lag["oldest_seconds"] >= 0 and lag["status"] == "ok"  # just written: not lagging yet
    # Minutes behind (a killed worker's claims, a busy one): the index lags and the site is degraded.
    SearchOutbox.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=3))
    health = client.get("/healthz").json()
    assert (health["search_index"]["status"], health["status"]) == ("lagging", "degraded")
    apply_pending()
    assert client.get("/healthz").json()["search_index"] == {
        "pending": 0, "oldest_seconds": 0.0, "rerank_pending": 1, "status": "ok",
    }  # fmt: skip


def test_reindex_command_shows_progress(published):
    out = io.StringIO()
    call_command("reindex", stdout=out)
    text = out.getvalue()
    assert "6/6" in text  # one achievement and five verified organisations
    assert "Indexed 6 documents" in text


def test_reindex_waits_for_a_busy_writer_then_says_so_plainly(published, monkeypatch):
    """The worker holds the index writer for a batch of changes: the command waits for it instead of
    ending in a traceback (QA), and gives up with one clear line."""
    from django.core.management.base import CommandError

    from techtransfer.search import services
    from techtransfer.search.backends.base import BackendBusy

    real, tries = services.reindex, []

    def busy_twice(**kwargs):  # type: ignore[no-untyped-def]
        tries.append(1)
        if len(tries) <= 2:
            raise BackendBusy("Failed to acquire Lockfile: LockBusy")
        return real(**kwargs)

    monkeypatch.setattr(services, "reindex", busy_twice)
    monkeypatch.setattr(services, "REINDEX_WAIT_STEP", 0.0)
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert len(tries) == 3
    assert out.getvalue().startswith("The index is busy (the worker is writing it); waiting up to 120 s…\n")
    assert "Indexed 6 documents" in out.getvalue()
    tries.clear()
    monkeypatch.setattr(services, "reindex", lambda **kwargs: (_ for _ in ()).throw(BackendBusy("LockBusy")))
    with pytest.raises(CommandError) as exc:
        call_command("reindex", "--wait", "0", stdout=io.StringIO())
    assert str(exc.value) == (
        "The search index is being written by another process (the worker applying changes, or another "
        "reindex); try again in a minute."
    )


def test_htmx_request_gets_only_the_results_fragment(client, published):
    r = client.get(reverse("search:search"), {"q": "永磁"}, headers={"HX-Request": "true"})
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="search-hits"' in body
    assert "<html" not in body


def _hit(**parts):
    from techtransfer.search.backends.base import SearchHit

    return SearchHit(type="achievement", pk="1", score=1.0, title="t", url="/a/1/", snippet="", **parts)


def test_why_line_names_the_matched_words_and_each_part_of_the_score():
    from django.utils import translation

    from techtransfer.search.views import why_line

    hybrid = _hit(matched_terms=["稀土", "永磁"], lexical_score=12.345, semantic_similarity=0.6789, fused_score=0.8123)
    with translation.override("en"):
        assert why_line(hybrid) == (
            "Why this result: matches 稀土, 永磁; meaning similarity 0.68 · word score 12.3, combined 0.81"
        )
        assert why_line(_hit(matched_terms=[], semantic_similarity=0.5)) == "Why this result: meaning similarity 0.50"
        assert why_line(_hit(matched_terms=["x"], lexical_score=3.0)) == "Why this result: matches x"
        assert why_line(_hit(matched_terms=[])) == ""
        bonused = _hit(matched_terms=["稀土"], lexical_score=8.0, semantic_similarity=0.6, fused_score=1.5)
        bonused.whole_query_bonus = 0.5
        assert why_line(bonused) == (
            "Why this result: matches 稀土; meaning similarity 0.60 · word score 8.0, "
            "combined 1.50 (0.50 of it for holding the whole question)"
        )
    with translation.override("zh-hans"):
        assert why_line(hybrid) == "命中原因：匹配 稀土、永磁；语义相似度 0.68 · 词语得分 12.3，综合 0.81"


def test_facet_links_keep_the_query_and_let_a_selected_value_be_removed():
    from django.http import QueryDict

    from techtransfer.search.services import Facet
    from techtransfer.search.views import FACET_MORE, FACET_VALUES, facet_links

    values = [(f"v{i}", f"值{i}", 60 - i) for i in range(FACET_VALUES + FACET_MORE + 5)]
    values[1] = ("新 材料&", "新材料", 59)
    base = QueryDict("q=%E7%A8%80%E5%9C%9F&plan_industry=v3&plan_industry=gone")
    links = facet_links(Facet("plan_industry", "产业", values, selected=["v3", "gone"]), base.urlencode(), base)
    assert len(links) == 2 + FACET_VALUES + FACET_MORE  # the selected ones, then the others up to the limit
    # Selected first, each with the link that removes it; one without results is listed with 0.
    assert links[0] == ("值3", 57, "?q=%E7%A8%80%E5%9C%9F&plan_industry=gone", True)
    assert links[1] == ("gone", 0, "?q=%E7%A8%80%E5%9C%9F&plan_industry=v3", True)
    qs = "q=%E7%A8%80%E5%9C%9F&plan_industry=v3&plan_industry=gone"
    assert links[2] == ("值0", 60, f"?{qs}&plan_industry=v0", False)
    assert links[3] == ("新材料", 59, f"?{qs}&plan_industry=%E6%96%B0%20%E6%9D%90%E6%96%99%26", False)
    assert links[4] == ("值2", 58, f"?{qs}&plan_industry=v2", False)


def test_selected_filters_show_above_the_hits_and_every_facet_value_behind_more(client, published):
    body = client.get(
        reverse("search:search"), {"q": "永磁", "plan_industry": "new_energy", "type": "achievement"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()  # fmt: skip
    chips = body.split('id="active-filters"')[1].split("</div>")[0]
    assert 'href="?q=%E6%B0%B8%E7%A3%81&amp;type=achievement"' in chips  # removes the industry
    assert 'href="?q=%E6%B0%B8%E7%A3%81&amp;plan_industry=new_energy"' in chips  # removes the type
    assert "Record type: " in chips and "Industry: " in chips
    assert 'class="fw-bold text-decoration-none facet-selected"' in body


def test_hits_and_facets_are_escaped_and_marked_up_as_the_page_expects():
    from django.utils import translation

    from techtransfer.search.services import Facet
    from techtransfer.search.views import facets_html, hits_html

    hidden = _hit(matched_terms=["稀土"], lexical_score=2.0)
    hidden.title, hidden.url, hidden.snippet, hidden.public = (
        '<b>"稀土"</b>',
        '/a/1/?x="y"',
        "含<mark>稀土</mark>",
        False,
    )
    with translation.override("en"):
        assert hits_html([]) == "<li>Nothing found.</li>"
        assert hits_html([hidden]) == (
            '<li class="border-bottom pb-2 mb-3"><h3 class="h6 mb-1"><a href="/a/1/?x=&quot;y&quot;" lang="zh-Hans">'
            "&lt;b&gt;&quot;稀土&quot;&lt;/b&gt;</a>"
            ' <span class="badge text-bg-warning search-not-public">Not public</span></h3>'
            '<p class="small mb-1" lang="zh-Hans">含<mark>稀土</mark></p>'
            '<p class="small text-muted mb-0 search-why">Why this result: matches 稀土</p></li>'
        )
        facet = Facet("plan_industry", "产业 & <领域>", [("a", "新材料", 3), ("b", "<x>", 1)], selected=["a"])
        many = [(f"v{i}", 1, f"?v={i}", False) for i in range(13)]
        assert facets_html(
            [("成果", 4, "?type=achievement&q=1", False)],
            [(facet, [("新材料", 3, "?q=1", True), ("<x>", 1, "?q=1&b", False)])],
        ) == (
            '<div class="mb-3" id="facet-type"><h3 class="small fw-bold mb-1">Record type</h3>'
            '<ul class="list-unstyled small mb-0"><li><a href="?type=achievement&amp;q=1">成果</a>'
            ' <span class="badge text-bg-light">4</span></li></ul></div>\n'
            '<div class="mb-3" id="facet-plan_industry"><h3 class="small fw-bold mb-1">产业 &amp; &lt;领域&gt;</h3>'
            '<ul class="list-unstyled small mb-0"><li><a class="fw-bold text-decoration-none facet-selected"'
            ' href="?q=1" title="Remove filter 新材料" aria-label="Remove filter 新材料">新材料 ×</a>'
            ' <span class="badge text-bg-light">3</span></li>'
            # Beside a chosen value, another one's link adds its records: its count says what it adds.
            '<li><a href="?q=1&amp;b">&lt;x&gt;</a> <span class="badge text-bg-light"'
            ' title="Results it adds: up to 1">+1</span></li></ul></div>'
        )
        # A record type's link replaces the chosen type: its count is its total, never "+N".
        types_block = facets_html([("成果", 4, "?q=1", True), ("需求", 2, "?type=need&q=1", False)], [])
        assert '<span class="badge text-bg-light">2</span>' in types_block and "+2" not in types_block
        more = facets_html([], [(facet, many)]).split("<details")[1]
        assert more.startswith(' class="small"><summary>1 more</summary>') and 'href="?v=12"' in more
    # A Chinese record's text on an English page is marked Chinese (a screen reader reads it so); an
    # English record's is not, nor is anything on a Chinese page.
    hidden.title, hidden.snippet, hidden.public = "Graphene film", "A <mark>graphene</mark> film", True
    with translation.override("en"):
        assert ' lang="zh-Hans"' not in hits_html([hidden])
    hidden.title = "稀土"
    with translation.override("zh-hans"):
        assert ' lang="zh-Hans"' not in hits_html([hidden])


def test_the_filters_block_is_shared_between_questions_but_never_hides_filled_in_values(client, published):
    url = reverse("search:search")
    first = client.get(url, {"q": "永磁"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<details class="mt-2">' in first and "More filters" in first
    # Another question reuses the block; a filled-in filter gets its own, opened, with the value kept.
    other = client.get(url, {"q": "控制"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert other.count('<details class="mt-2">') == 1
    filled = client.get(url, {"q": "控制", "region": "36", "trl_min": "3"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<details class="mt-2" open>' in filled
    assert 'name="region" value="36"' in filled and 'name="trl_min" value="3"' in filled
    bad = client.get(url, {"q": "控制", "year_min": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and 'name="year_min" value="abc"' in bad.content.decode()
    # One block per language.
    zh = client.get(url, {"q": "电机"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "More filters" not in zh and "更多筛选" in zh


def test_page_reads_odd_input_as_a_person_meant_it_and_says_so(client, published):
    url = reverse("search:search")
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    r = client.get(url, {"q": "永磁", "page": "abc"}, **en)
    body = r.content.decode()
    assert r.status_code == 200 and NAME in body
    assert "The page number was not a number; the first page is shown." in body
    # Beyond the limit: the last page allowed, which is beyond the results: the last page of results.
    r = client.get(url, {"q": "永磁", "page": "99999"}, **en)
    body = r.content.decode()
    assert r.status_code == 200 and NAME in body
    assert "There is no page 99999; this is the last page." in body
    assert body.count("search-note") == 1  # one note: not also "only the first 50 pages"
    assert "add words or filters" not in body  # a short list: nothing to narrow
    for below in ("0", "-1"):
        r = client.get(url, {"q": "永磁", "page": below}, **en)
        body = r.content.decode()
        assert r.status_code == 200 and NAME in body
        assert "Pages are numbered from 1; the first page is shown." in body
        assert "not a number" not in body
    huge = client.get(url, {"q": "永磁", "page": "9" * 5000}, **en)  # int() refuses over 4,300 digits
    assert huge.status_code == 200 and "There is no page 999999999; this is the last page." in huge.content.decode()
    for plain in ("", "１"):  # an empty page field, a full-width digit: no note
        r = client.get(url, {"q": "永磁", "page": plain}, **en)
        assert r.status_code == 200 and NAME in r.content.decode() and "search-note" not in r.content.decode()
    # A question too long is cut (as the engine would), control characters become spaces.
    long_q = "永磁电机" + "控" * 300
    r = client.get(url, {"q": long_q}, **en)
    body = r.content.decode()
    assert r.status_code == 200
    assert "Only the first 200 characters of the question are searched." in body
    assert f'value="{long_q[:200]}"' in body
    r = client.get(url, {"q": "永磁\x00电机"}, **en)
    assert r.status_code == 200 and 'value="永磁 电机"' in r.content.decode() and NAME in r.content.decode()
    r = client.get(url, {"q": "永磁", "type": ["bogus", "achievement"]}, **en)
    body = r.content.decode()
    assert r.status_code == 200 and "Unknown record types were left out." in body and NAME in body
    assert 'name="type" value="bogus"' not in body and 'name="type" value="achievement"' in body
    r = client.get(url, {"q": "永磁", "sort": "bogus"}, **en)  # a hidden field: its error had nowhere to show
    body = r.content.decode()
    assert r.status_code == 200 and "Unknown order; the results are listed by relevance." in body and NAME in body
    assert 'name="sort"' not in body
    r = client.get(url, {"q": "永磁", "type": ""}, **en)  # an empty choice is no choice: nothing to say
    assert r.status_code == 200 and "search-note" not in r.content.decode() and NAME in r.content.decode()
    # The API refuses the same input: a program should learn that its parameters are wrong.
    assert client.get("/api/v1/search", {"q": "永磁", "page": "0"}).status_code == 422
    assert client.get("/api/v1/search", {"q": "永磁", "page": "51"}).status_code == 422


def test_notes_are_translated(client, published):
    r = client.get(reverse("search:search"), {"q": "永磁", "page": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "页码不是数字，显示第一页。" in r.content.decode()


def test_pagination_links_first_previous_next_and_last(rf):
    from django.utils import translation

    from techtransfer.search.fragments import pagination_html

    request = rf.get("/search/", {"q": "电机", "page": "3"})
    with translation.override("en"):
        html = pagination_html(request, 3, 5)
        links = [(a.split('href="')[1].split('"')[0], a.split(">")[1].split("<")[0]) for a in html.split("<a ")[1:]]
        assert links == [
            ("?q=%E7%94%B5%E6%9C%BA&amp;page=1", "First page"),
            ("?q=%E7%94%B5%E6%9C%BA&amp;page=2", "Previous"),
            ("?q=%E7%94%B5%E6%9C%BA&amp;page=4", "Next"),
            ("?q=%E7%94%B5%E6%9C%BA&amp;page=5", "Last page"),
        ]
        assert "Page 3 of 5" in html
        second = pagination_html(request, 2, 3)
        assert "First page" not in second and "Last page" not in second  # next to them already
        assert pagination_html(request, 1, 1) == ""


@pytest.mark.parametrize(("number", "pages"), [(1, 2), (2, 3), (3, 5), (5, 5), (4, 5), (1, 9)])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_search_pagination_draws_what_the_shared_template_draws(rf, number, pages, language):
    """The search page writes its pagination in Python (`fragments`); the other lists include
    `web/_pagination.html`. Both must look and read the same."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.utils import translation

    from techtransfer.search.fragments import pagination_html

    request = rf.get("/search/", {"q": "稀土 永磁", "type": ["need", "achievement"], "page": str(number)})
    page = Paginator(range(pages * 10), 10).page(number)
    with translation.override(language):
        shared = render_to_string("web/_pagination.html", {"page": page}, request=request)
        ours = pagination_html(request, number, pages)
    assert ours == " ".join(re.sub(r">\s+<", "><", shared).split())


def test_openapi_lists_the_search_parameters(client, db):
    params = {
        p["name"]: p for p in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search"]["get"]["parameters"]
    }
    assert list(params)[:13] == [
        "q", "type", "region", "mode", "sort", "page", "page_size", "trl_min", "trl_max", "price_min", "price_max",
        "year_min", "year_max",
    ]  # fmt: skip
    assert params["sort"]["schema"] == {"type": "string", "enum": ["relevance", "newest"]}
    assert params["q"]["schema"] == {"type": "string", "maxLength": 200}
    assert params["page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}  # with page_size 1
    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    industries = ["aviation", "biomed", "green", "new_energy", "new_materials", "ngit", "ssl"]
    assert params["plan_industry"]["schema"] == {"type": "array", "items": {"type": "string", "enum": industries}}
    assert params["challenge_status"]["schema"]["items"]["enum"] == ["awarded", "cancelled", "open"]
    assert "exclusive_licence" in params["listing_mode"]["schema"]["items"]["enum"]
    assert params["trl_min"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 9}
    assert params["plan_industry"]["description"] == "Industry (facet values; any of them)."
    assert "achievement" in params["type"]["schema"]["items"]["enum"]


def test_nothing_found_offers_what_the_suggestions_make_of_the_question(client, published):
    from techtransfer.search import suggest

    suggest.reset()
    r = client.get(reverse("search:search"), {"q": "yongci"}, HTTP_ACCEPT_LANGUAGE="en")  # pinyin of 永磁
    body = r.content.decode()
    assert r.status_code == 200 and "0 results" in body
    offer = body.split('id="did-you-mean"')[1].split("</p>")[0]
    assert 'href="/search/?q=%E6%B0%B8%E7%A3%81%E7%94%B5%E6%9C%BA">永磁电机</a>' in offer
    assert 'id="latin-hint"' not in body  # pinyin of a known term is not English
    english = client.get(reverse("search:search"), {"q": "graphene"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="did-you-mean"' not in english
    assert "Most records are written in Chinese" in english  # a Latin question that found nothing
    wide = client.get(reverse("search:search"), {"q": "ｇｒａｐｈｅｎｅ"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Most records are written in Chinese" in wide  # typed in full-width letters
    # A model number or code that found nothing is not told to use Chinese (QA: ＡＢＣ１２３).
    code = client.get(reverse("search:search"), {"q": "ＡＢＣ１２３"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 results" in code and 'id="latin-hint"' not in code
    found = client.get(reverse("search:search"), {"q": "永磁"}).content.decode()
    assert 'id="did-you-mean"' not in found and 'id="latin-hint"' not in found
    assert 'id="latin-hint"' not in client.get(reverse("search:search"), {"q": "无此词语"}).content.decode()
    # A right question that a filter narrowed down to nothing: the filter is named as the cause.
    narrowed = client.get(
        reverse("search:search"), {"q": "永磁", "plan_industry": "aviation"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'id="did-you-mean"' not in narrowed
    assert "Nothing matches your search with these filters: remove a filter to see more." in narrowed
    # A question that finds nothing without the filters either: the question is what to correct.
    typed = client.get(
        reverse("search:search"), {"q": "yongci", "plan_industry": "aviation"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'href="/search/?q=%E6%B0%B8%E7%A3%81%E7%94%B5%E6%9C%BA">永磁电机</a>' in typed
    assert 'id="filtered-to-nothing"' not in typed
    assert 'id="filtered-to-nothing"' not in body
    suggest.reset()


def test_did_you_mean_never_offers_the_question_itself(client, published, monkeypatch):
    from techtransfer.search import suggest

    offered = [
        suggest.Suggestion("无此词语", "keyword", "", "prefix"),  # the question: its link is this empty page
        suggest.Suggestion("无此词语材料", "keyword", "", "prefix"),
        suggest.Suggestion("无此词语", "title", "/achievements/1/", "prefix", "achievement"),  # a record: kept
    ]
    monkeypatch.setattr(suggest, "suggest", lambda query, limit=8, look_alikes=True: offered[:limit])
    body = client.get(reverse("search:search"), {"q": "無此詞語"}).content.decode()  # traditional input
    offer = body.split('id="did-you-mean"')[1].split("</p>")[0]
    assert re.findall(r'href="([^"]+)"', offer) == [
        "/search/?q=%E6%97%A0%E6%AD%A4%E8%AF%8D%E8%AF%AD%E6%9D%90%E6%96%99",
        "/achievements/1/",
    ]


@pytest.mark.parametrize("question", ["的", "-", "++ ~"])
def test_a_question_with_nothing_to_search_for_says_so(client, published, question):
    body = client.get(reverse("search:search"), {"q": question}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 results" in body and 'id="did-you-mean"' not in body
    note = body.split('id="no-words">')[1].split("</p>")[0]
    assert note == (
        "The question has nothing to search for: symbols and very common words such as 的 or 了 are not "
        "searched on their own. Enter a term, for example 稀土."
    )
    for found in ("永磁", "-无此词语"):  # a word; an exclusion alone lists everything else
        assert 'id="no-words"' not in client.get(reverse("search:search"), {"q": found}).content.decode()


def test_meaning_only_says_how_many_records_it_lists_at_most(client, published):
    url = reverse("search:search")
    meaning = client.get(url, {"q": "电机控制", "mode": "semantic"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "“Meaning only” lists at most the 100 records closest in meaning to the question." in meaning
    assert 'id="search-meaning-only"' not in client.get(url, {"q": "电机控制"}).content.decode()


def test_platform_admins_see_the_index_and_start_a_rebuild_job(client, published, platform_admin, outsider):
    from techtransfer.jobs.models import Job

    url = reverse("search:index_status")
    client.force_login(outsider)
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert 'href="/search/index/"' not in client.get("/").content.decode()  # no link for them either
    client.force_login(platform_admin)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    facts = re.findall(r"<dt[^>]*>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", page)
    assert facts[:2] == [("Records in the index", "1"), ("Changes waiting to be applied", "0")]  # the one achievement
    assert 'href="/search/index/"' in client.get("/").content.decode()
    started = client.post(url)
    job = Job.objects.get(kind="search.reindex")
    assert started.status_code == 302 and started["Location"] == f"/jobs/{job.pk}/"
    assert job.created_by == platform_admin


def test_links_back_to_a_question_sent_as_raw_utf8_keep_it(published):
    """curl sends 稀土 unencoded; the server reads it as Latin-1. The log-in link and the language
    form's return address must still name 永磁 (the page is cached for everyone asking it)."""
    from django.test import Client

    raw = "q=永磁".encode().decode("latin-1")  # what the WSGI server hands Django
    body = Client().get("/search/", QUERY_STRING=raw).content.decode()
    assert "/login/?next=/search/%3Fq%3D%25E6%25B0%25B8%25E7%25A3%2581" in body
    assert '<input name="next" type="hidden" value="/search/?q=%E6%B0%B8%E7%A3%81">' in body


def test_a_price_with_too_many_decimal_places_is_refused_quoting_it(client, db):
    """Under the field on the page (no label: it is right above), after the label in the API; not
    Django's "确认小数不超过 2 位." that named neither."""
    page = client.get(reverse("search:search"), {"q": "稀土", "price_min": "1.234"}).content.decode()
    assert '<div class="invalid-feedback d-block" role="alert">“1.234”的小数超过 2 位。</div>' in page
    assert "确认小数不超过" not in page
    api = client.get("/api/v1/search", {"q": "稀土", "price_min": "1.234", "trl_max": "十", "mode": "x"})
    assert api.json()["details"]["fields"] == {
        "price_min": ["最低价格（万元）：“1.234”的小数超过 2 位。"],
        "trl_max": ["技术就绪度上限：“十”不是整数。"],
        "mode": ["匹配方式：“x”不是可选的值。"],
    }


def test_search_api_reads_its_results_in_pages_of_the_size_asked(
    client,
    published,
    verified,
    applicant_member,
    applicant_admin,
    province_reviewer,
    django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    """page_size 1–100 over the search's best 1,000 results (50 pages of 20)."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            a = draft(verified, applicant_member, name=f"永磁材料第{n}号", abstract="永磁。", keywords=["永磁"])
            publish(a, applicant_admin, province_reviewer)
    whole = client.get("/api/v1/search", {"q": "永磁"}).json()
    assert (whole["total"], whole["page"], whole["page_size"], whole["pages"]) == (5, 1, 20, 1)
    ids = [h["id"] for h in whole["results"]]
    pages = [client.get("/api/v1/search", {"q": "永磁", "page_size": "２", "page": n}).json() for n in (1, 2, 3)]
    assert [(p["total"], p["page"], p["page_size"], p["pages"]) for p in pages] == [(5, n, 2, 3) for n in (1, 2, 3)]
    assert [h["id"] for p in pages for h in p["results"]] == ids
    assert client.get("/api/v1/search", {"q": "永磁", "page_size": "100", "page": "10"}).status_code == 200
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    r = client.get("/api/v1/search", {"q": "永磁", "page_size": "100", "page": "11"}, **en)
    assert r.status_code == 422
    assert r.json()["details"]["fields"] == {"page": ["Pages go from 1 to 10 at 100 results a page."]}
    for bad in ("0", "101", "abc", "2.5"):
        r = client.get("/api/v1/search", {"q": "永磁", "page_size": bad}, **en)
        assert r.status_code == 422
        assert r.json()["details"]["fields"] == {"page_size": ["Enter a whole number from 1 to 100."]}
    # Small pages go deeper than page 50: still the best 1,000 results.
    assert client.get("/api/v1/search", {"q": "永磁", "page_size": "1", "page": "1000"}).status_code == 200
    assert client.get("/api/v1/search", {"q": "永磁", "page_size": "1", "page": "1001"}).status_code == 422


def test_the_language_form_of_a_page_answering_a_post_comes_back_to_the_form_s_page(client, db):
    """The deal form shown again with its warning lives at a POST-only address: switching language
    there opened an empty 405 page."""
    from django.template import Context, Template
    from django.test import RequestFactory

    tpl = Template("{% load here %}{{ request|here }}")
    post = RequestFactory().post("/market/listings/3/deals/new/", HTTP_REFERER="http://testserver/market/listings/3/")
    assert tpl.render(Context({"request": post})) == "/market/listings/3/"
    foreign = RequestFactory().post("/market/listings/3/deals/new/", HTTP_REFERER="http://evil.example/x")
    assert tpl.render(Context({"request": foreign})) == "/"


def test_a_short_question_answered_by_meaning_alone_says_so(client, published):
    from techtransfer.search.services import get_backend

    get_backend().min_similarity = get_backend().short_min_similarity = -1.0  # every record is near enough
    url = reverse("search:search")
    # Four words, none of which a record holds: the record is listed by meaning.
    page = client.get(url, {"q": "水稻灌溉 小麦育种"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NAME in page and 'id="by-meaning-only"' in page and 'id="some-words"' not in page
    assert "No record holds most of the words of the question: these are close to it in meaning." in page
    # Four words, three needed: the record holds two (永磁, 电机); it is listed by them, and says so.
    page = client.get(url, {"q": "永磁电机 水稻灌溉"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NAME in page and 'id="by-meaning-only"' not in page
    assert (
        '<p class="text-muted small" id="some-words">No record holds most of the words of the question: these hold'
        " some of them, best matches first.</p>"
    ) in page
    found = client.get("/api/v1/search", {"q": "永磁电机 水稻灌溉"}).json()
    assert found["some_words"] is True and [h["title"] for h in found["results"]] == [NAME]
    assert found["results"][0]["lexical_score"] > 0 and found["fewer_words"] == ["永磁 电机", "永磁", "电机"]
    held = client.get(url, {"q": "永磁电机"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NAME in held and 'id="by-meaning-only"' not in held
    meaning = client.get(url, {"q": "永磁电机 水稻灌溉", "mode": "semantic"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="by-meaning-only"' not in meaning.content.decode()
