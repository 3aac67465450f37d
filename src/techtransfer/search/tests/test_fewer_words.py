"""A short question whose words no record holds together: the page offers fewer of its words."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from techtransfer.search import services
from techtransfer.search.tests.helpers import draft, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    texts = [
        ("一种稀土永磁电机的控制方法", "提出一种稀土永磁同步电机的矢量控制方法。"),
        ("光纤通信系统的色散补偿", "研究高速光纤通信系统中的色散补偿与信号恢复。"),
        ("光纤通信网络的故障定位", "提出光纤通信网络故障的快速定位方法。"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for name, abstract in texts:
            publish(draft(verified, applicant_member, name=name, abstract=abstract), applicant_admin, province_reviewer)
        # Held only by a record the public may not see.
        draft(verified, applicant_member, name="钙钛矿电池的封装", abstract="钙钛矿太阳能电池的封装工艺。")


def offered(client, question: str, lang: str = "en") -> list[str]:  # type: ignore[no-untyped-def]
    body = client.get(reverse("search:search"), {"q": question}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    if 'id="fewer-words"' not in body:
        return []
    line = body.split('id="fewer-words">')[1].split("</p>")[0]
    return re.findall(r">([^<>]+)</a>", line)


def test_the_words_some_record_holds_are_offered(client, records):
    # No record holds both: the one holding 矢量 is listed, and the page says so.
    results = services.search(AnonymousUser(), {"query": "5G 矢量"}).results
    assert (results.total, results.partial, [h.title for h in results.hits]) == (
        1,
        True,
        ["一种稀土永磁电机的控制方法"],
    )
    assert services.fewer_words(AnonymousUser(), "5G 矢量") == ["矢量"]
    body = client.get(reverse("search:search"), {"q": "5G 矢量"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = body.split('id="fewer-words">')[1].split("</p>")[0]
    assert (
        line
        == 'No record contains all of these words. Fewer words find these: <a href="/search/?q=%E7%9F%A2%E9%87%8F">矢量</a>'
    )
    chinese = client.get(reverse("search:search"), {"q": "5G 矢量"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "没有记录同时包含这些词。用更少的词可以找到：" in chinese


def test_words_held_apart_are_offered_alone_most_held_first(client, records):
    # 矢量 (one record) and 光纤 (two records) are each held, never together.
    assert offered(client, "矢量 光纤") == ["光纤", "矢量"]


def test_the_held_words_together_come_first(client, records):
    # No record holds 量子 or 纠缠 (three of the four words are required); 光纤 and 色散 are held by
    # the same record.
    assert offered(client, "光纤 色散 量子 纠缠") == ["光纤 色散", "光纤", "色散"]


def test_a_word_held_only_where_the_user_may_not_look_is_not_offered(client, records):
    assert offered(client, "钙钛矿 5G") == []
    assert services.fewer_words(AnonymousUser(), "钙钛矿 5G") == []


def test_nothing_is_offered_when_the_question_finds_something_or_filters_emptied_it(client, records):
    assert offered(client, "光纤 通信") == []  # found

    def filtered(question: str) -> str:
        params = {"q": question, "plan_industry": "aviation"}
        return client.get(reverse("search:search"), params, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    body = filtered("光纤 通信")  # found without the filter: the filter is named as the cause instead
    assert 'id="fewer-words"' not in body and 'id="filtered-to-nothing"' in body
    # Without the filter the question lists a record holding some of its words: the filter is the cause.
    body = filtered("5G 矢量")
    assert 'id="fewer-words"' not in body and 'id="filtered-to-nothing"' in body
    body = filtered("5G 量子")  # no record holds either word: the question is what to change
    assert 'id="filtered-to-nothing"' not in body
    # A question that excludes or quotes words: what to drop is not clear.
    assert services.fewer_words(AnonymousUser(), "5G 矢量 -光纤") == []
    assert services.fewer_words(AnonymousUser(), '"5G" 矢量') == []
    # One word: nothing is required of it, so there is nothing to drop.
    assert services.fewer_words(AnonymousUser(), "5G") == []


def test_fewer_words_are_offered_above_records_holding_some_words(client, records):
    # No record holds both 光纤 and 量子 (two words: both are required); those holding 光纤 are listed.
    body = client.get(reverse("search:search"), {"q": "光纤 量子"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="some-words"' in body and 'id="by-meaning-only"' not in body
    assert "光纤通信系统的色散补偿" in body and "光纤通信网络的故障定位" in body
    line = body.split('id="fewer-words">')[1].split("</p>")[0]
    assert re.findall(r">([^<>]+)</a>", line) == ["光纤"]
    # The counting searches behind the hint are not widened: 光纤 量子 itself holds together nowhere.
    assert offered(client, "光纤 量子 纠缠") == ["光纤"]


def test_newest_first_does_not_say_its_records_were_found_by_meaning(client, records):
    """QA: sorted by date, hits carry no word score, so the page said "no record holds these words"
    and "found by meaning" above records holding both words (every subscription's "view" link)."""
    url = reverse("search:search")
    body = client.get(url, {"q": "光纤 通信", "sort": "newest"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ('id="by-meaning-only"' in body, 'id="fewer-words"' in body) == (False, False)
    # A question no record holds whole still says so, in either order, above the same records.
    for order in ("newest", "relevance"):
        body = client.get(url, {"q": "光纤 量子", "sort": order}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert ('id="by-meaning-only"' in body, 'id="fewer-words"' in body) == (False, True), order
        assert "光纤通信系统的色散补偿" in body and "光纤通信网络的故障定位" in body
