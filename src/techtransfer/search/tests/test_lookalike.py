"""Look-alike characters: the table, and the search page's corrections of a question that found nothing."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from techtransfer.search import lookalike, services, text
from techtransfer.search.tests.helpers import draft, publish


def test_a_swapped_character_must_stay_inside_a_word():
    assert text.in_word("稀土", 1) and text.in_word("污水处理", 3)
    assert not text.in_word("于鸡", 0)  # 对于鸡…: 于 belongs to 对于, not to a word with 鸡
    assert not text.in_word("由地", 0)


def test_groups_and_variants():
    assert lookalike.look_alike("土", "士") and lookalike.look_alike("士", "土")
    assert not lookalike.look_alike("土", "土") and not lookalike.look_alike("土", "博")
    assert lookalike.alike("士") == ["土", "干", "千", "于"]
    assert lookalike.alike("博") == []
    assert list(lookalike.variants("稀士", 24)) == ["烯士", "希士", "稀土", "稀干", "稀千", "稀于"]
    assert list(lookalike.variants("稀士", 3)) == ["烯士", "希士", "稀土"]
    assert list(lookalike.variants("士", 24)) == []  # one character: too many words are one away
    assert list(lookalike.variants("5G通信", 24)) == []  # Chinese words only
    # Every character of a group is a Chinese character, and no group holds one twice.
    for group in lookalike.LOOK_ALIKE_GROUPS:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,}", group) and len(set(group)) == len(group)


@pytest.fixture
def records(
    db, index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("稀土永磁材料的制备", "稀土萃取分离工艺", "稀干旱地区的节水灌溉", "锂离子电池的回收"):
            publish(draft(verified, applicant_member, name=name, abstract=name), applicant_admin, province_reviewer)
        draft(verified, applicant_member, name="稀于的样品", abstract="未发布")  # no one outside may see it


@pytest.mark.django_db
def test_a_question_that_found_nothing_is_offered_its_look_alikes_that_records_hold(client, records):
    # 稀土 (two records); not 稀干, which a record holds (稀干旱) but is no word, nor 稀于 (not public).
    assert services.look_alike_questions(AnonymousUser(), "稀士") == ["稀土"]
    assert services.look_alike_questions(AnonymousUser(), "钛汰") == []  # no record holds a look-alike
    body = client.get(reverse("search:search"), {"q": "稀士"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    offer = body.split('id="did-you-mean">')[1].split("</p>")[0]
    assert re.findall(r">([^<>]+)</a>", offer)[:1] == ["稀土"]
    found = client.get(reverse("search:search"), {"q": "稀土"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="did-you-mean"' not in found


@pytest.mark.django_db
def test_a_word_found_only_by_its_parts_is_offered_the_look_alike_that_records_hold(client, records):
    # 锂离了电池 finds the battery record through 锂离 and 电池, but no record holds it whole.
    body = client.get(reverse("search:search"), {"q": "锂离了电池"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 result" in body
    offer = body.split('id="did-you-mean">')[1].split("</p>")[0]
    assert re.findall(r">([^<>]+)</a>", offer) == ["锂离子电池"]
    assert services.look_alike_questions(AnonymousUser(), "锂离子电池", found=True) == []  # held whole
    right = client.get(reverse("search:search"), {"q": "锂离子电池"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="did-you-mean"' not in right


@pytest.mark.django_db
def test_the_api_gives_the_pages_hints(client, records):
    typo = client.get("/api/v1/search", {"q": "稀士"}).json()
    assert (typo["total"], typo["did_you_mean"][0], typo["fewer_words"]) == (0, {"text": "稀土", "url": ""}, [])
    assert typo["filtered_to_nothing"] is False
    parts = client.get("/api/v1/search", {"q": "5G 稀土"}).json()
    # No record holds 5G: the two holding 稀土 come first (then the other two, as for 稀土 alone below),
    # and the fewer words are offered.
    assert (parts["total"], parts["some_words"], parts["fewer_words"]) == (4, True, ["稀土"])
    assert [r["matched_terms"] for r in parts["results"]] == [["稀土"], ["稀土"], [], []]
    narrowed = client.get("/api/v1/search", {"q": "稀土", "plan_industry": "aviation"}).json()
    assert (narrowed["total"], narrowed["did_you_mean"], narrowed["filtered_to_nothing"]) == (0, [], True)
    right = client.get("/api/v1/search", {"q": "稀土"}).json()
    # The two records holding 稀土, and the other two by meaning (one word: either finds a record).
    assert (right["total"], right["did_you_mean"], right["fewer_words"], right["filtered_to_nothing"]) == (
        4,
        [],
        [],
        False,
    )
