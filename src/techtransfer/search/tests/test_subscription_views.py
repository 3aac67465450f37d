"""Subscription pages and API: one's own only, every change audited."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from techtransfer.audit.models import AuditEvent
from techtransfer.core.tests.factories import UserFactory
from techtransfer.search import subscriptions
from techtransfer.search.models import SearchSubscription

pytestmark = pytest.mark.django_db

F = SearchSubscription.Frequency


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="owner")


@pytest.fixture
def sub(owner, index_dir):  # type: ignore[no-untyped-def]
    return subscriptions.create_subscription(
        actor=owner, name="钙钛矿", criteria=subscriptions.clean_criteria(query="钙钛矿", ranges={"trl": [6, None]})
    )


def actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="search.searchsubscription")
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "search:subscription_edit"),
        ("post", "search:subscription_edit"),
        ("post", "search:subscription_toggle"),
        ("post", "search:subscription_delete"),
    ],
)
def test_pages_of_another_users_subscription_are_not_found(client, sub, outsider, method, name):
    client.force_login(outsider)
    response = getattr(client, method)(reverse(name, args=[sub.pk]), {"query": "x", "frequency": "weekly"})
    assert response.status_code == 404
    sub.refresh_from_db()
    assert (sub.query, sub.frequency, sub.active) == ("钙钛矿", F.DAILY, True)
    assert actions() == ["search.subscription.create"]


@pytest.mark.parametrize("name", ["search:subscriptions", "search:subscription_new", "search:subscription_save"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name)) if name != "search:subscription_save" else client.post(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not SearchSubscription.objects.exists()


def test_list_shows_only_own_subscriptions_within_a_query_budget(client, sub, outsider, django_assert_max_num_queries):
    subscriptions.create_subscription(
        actor=outsider, name="别人的订阅", criteria=subscriptions.clean_criteria(query="电机")
    )
    client.force_login(sub.user)
    with django_assert_max_num_queries(6):
        body = client.get(reverse("search:subscriptions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="subscription-{sub.pk}"' in body
    assert "别人的订阅" not in body
    assert "Technology readiness level: ≥ 6" in body


@pytest.mark.parametrize(
    ("question", "saved"),
    [
        ("稀土 永磁", "稀土永磁"),  # the page requires both words: one phrase, both required
        ("稀土永磁", "稀土永磁"),
        ("稀土 -荧光", "稀土 -荧光"),  # an exclusion: as typed
        ("光纤 色散 量子 纠缠", "光纤 色散 量子 纠缠"),  # the page requires 3 of 4: alternatives, as typed
        ("graphene battery", "graphene battery"),
    ],
)
def test_a_saved_search_means_what_the_page_meant(client, owner, index_dir, question, saved):
    """QA: 稀土 永磁 listed the records holding both words, but saved, it notified of any record
    holding either (spaces separate alternatives in a subscription)."""
    client.force_login(owner)
    client.post(reverse("search:subscription_save") + "?" + urlencode({"q": question}))
    assert SearchSubscription.objects.get(user=owner).query == saved


def test_save_search_from_the_search_page_with_one_button(client, owner, index_dir):
    client.force_login(owner)
    page = client.get(reverse("search:search"), {"q": "钙钛矿", "plan_industry": "new_energy"}).content.decode()
    assert 'id="subscribe-form"' in page
    url = reverse("search:subscription_save") + "?q=%E9%92%99%E9%92%9B%E7%9F%BF&plan_industry=new_energy&trl_min=5"
    response = client.post(url)
    created = SearchSubscription.objects.get(user=owner)
    assert response.status_code == 302 and response["Location"] == reverse(
        "search:subscription_edit", args=[created.pk]
    )
    assert (created.kind, created.query, created.name, created.frequency) == ("search", "钙钛矿", "钙钛矿", F.DAILY)
    assert (created.terms, created.ranges) == ({"plan_industry": ["new_energy"]}, {"trl": [5.0, None]})
    assert actions() == ["search.subscription.create"]
    # The same search again (its filters in another order) opens the saved one instead of a copy.
    again = client.post(
        reverse("search:subscription_save") + "?trl_min=5&plan_industry=new_energy&q=%E9%92%99%E9%92%9B%E7%9F%BF"
    )
    assert again.status_code == 302 and again["Location"] == reverse("search:subscription_edit", args=[created.pk])
    assert SearchSubscription.objects.filter(user=owner).count() == 1
    assert actions() == ["search.subscription.create"]
    # A value no record can have is refused, named with its filter.
    refused = client.post(reverse("search:subscription_save") + "?q=%E7%94%B5%E6%9C%BA&plan_industry=abc", follow=True)
    shown = [str(m) for m in refused.context["messages"]]
    assert shown[-1] == "无法保存该检索：部分筛选条件无效。 行业：未知的取值：abc。"
    # …and back on that search, its filters kept, the wrong one marked.
    assert refused.redirect_chain[-1][0] == reverse("search:search") + "?q=%E7%94%B5%E6%9C%BA&plan_industry=abc"
    assert SearchSubscription.objects.filter(user=owner).count() == 1
    # A search the service refuses (a filter the chosen type lacks) goes back to that search, said why.
    lacking = "?q=%E7%94%B5%E6%9C%BA&type=organisation&trl_min=5"
    back = client.post(reverse("search:subscription_save") + lacking, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert back.redirect_chain[-1][0] == reverse("search:search") + lacking
    assert [str(m) for m in back.context["messages"]][-1] == (
        "This search cannot be saved. Technology readiness level: The chosen record types do not have this filter."
    )
    # Symbols or exclusions alone have no words to match: no button.
    assert 'id="subscribe-form"' not in client.get(reverse("search:search"), {"q": "-荧光"}).content.decode()
    # Browsing everything offers no subscription (it would match every new record).
    assert 'id="subscribe-form"' not in client.get(reverse("search:search"), {"q": ""}).content.decode()
    listing = client.get(reverse("search:subscriptions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-confirm="Delete this subscription?"' in listing  # deleting asks first


def test_search_page_offers_login_to_anonymous(client, index_dir):
    page = client.get(reverse("search:search"), {"q": "钙钛矿"}).content.decode()
    assert 'id="subscribe-form"' not in page
    assert f'href="{reverse("login")}?next=' in page


def test_create_profile_edit_pause_and_delete(client, owner, index_dir):
    client.force_login(owner)
    assert client.get(reverse("search:subscription_new")).status_code == 200
    response = client.post(
        reverse("search:subscription_new"),
        {
            "name": "我的兴趣",
            "query": "锂电池 正极",
            "types": ["achievement"],
            "regions": "36，3601",
            "frequency": "weekly",
        },
    )
    assert response.status_code == 302
    sub = SearchSubscription.objects.get(user=owner)
    assert (sub.kind, sub.query, sub.types, sub.terms) == (
        "profile",
        "锂电池 正极",
        ["achievement"],
        {"region": ["36", "3601"]},
    )

    edit = reverse("search:subscription_edit", args=[sub.pk])
    # The same interests again (regions in another order and form) open this profile, not a copy.
    again = client.post(
        reverse("search:subscription_new"),
        {"name": "又一个", "query": "锂电池  正极", "types": ["achievement"], "regions": "3601, 36", "frequency": "daily"},
    )  # fmt: skip
    assert (again.status_code, again["Location"]) == (302, edit)
    assert SearchSubscription.objects.filter(user=owner).count() == 1
    # The other name and frequency typed are not dropped without a word.
    from django.contrib.messages import get_messages

    assert [str(m) for m in get_messages(again.wsgi_request)][-1] == (
        "您已有相同兴趣的订阅“我的兴趣”，已为您打开。您输入的名称和频率未保存：如需要，请在此修改。"
    )
    assert 'value="36, 3601"' in client.get(edit).content.decode()
    client.post(edit, {"name": "我的兴趣", "query": "锂电池", "regions": "36", "frequency": "immediate"})
    sub.refresh_from_db()
    assert (sub.query, sub.frequency, sub.active, sub.terms) == ("锂电池", F.IMMEDIATE, False, {"region": ["36"]})
    client.post(reverse("search:subscription_toggle", args=[sub.pk]))
    sub.refresh_from_db()
    assert sub.active is True
    client.post(reverse("search:subscription_delete", args=[sub.pk]))
    assert not SearchSubscription.objects.exists()
    assert actions() == [
        "search.subscription.create", "search.subscription.update",
        "search.subscription.resume", "search.subscription.delete",
    ]  # fmt: skip


def test_the_edit_form_shows_every_filter_even_one_refused_today(client, owner, index_dir):
    """A subscription saved with a value refused today (transfer mode zzz) and an impossible range
    opens with both shown; saving it as it stands says what is wrong, under the fields; unticking
    and correcting them saves it."""
    sub = SearchSubscription.objects.create(
        user=owner, name="旧订阅", query="电机", terms={"transfer_mode": ["zzz"], "region": ["36"]},
        ranges={"trl": [9.0, 1.0]}, frequency=F.DAILY,
    )  # fmt: skip
    client.force_login(owner)
    edit = reverse("search:subscription_edit", args=[sub.pk])
    page = client.get(edit).content.decode()
    assert '<details class="mb-3" id="more-subscription-filters" open>' in page
    assert 'value="zzz" class="form-check-input" id="id_transfer_mode_' in page and "checked" in page
    form = {"name": "新名字", "query": "电机", "regions": "3601", "frequency": "weekly", "active": "on"}
    refused = client.post(edit, {**form, "transfer_mode": ["zzz", "licence"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"transfer_mode": ["Unknown value: zzz."]}
    response = client.post(edit, {**form, "transfer_mode": ["licence"], "trl_min": "1", "trl_max": "9"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert (sub.name, sub.frequency, sub.terms, sub.ranges) == (
        "新名字",
        F.WEEKLY,
        {"transfer_mode": ["licence"], "region": ["3601"]},
        {"trl": [1.0, 9.0]},
    )


def test_the_edit_form_edits_the_ranges_of_a_saved_search(client, owner, index_dir):
    sub = SearchSubscription.objects.create(
        user=owner, name="电机", query="电机", ranges={"trl": [6.0, None], "price": [10.0, 50.5]}, frequency=F.DAILY
    )
    client.force_login(owner)
    edit = reverse("search:subscription_edit", args=[sub.pk])
    page = client.get(edit).content.decode()
    for name, value in (("trl_min", "6"), ("price_min", "10"), ("price_max", "50.5")):
        assert f'name="{name}" value="{value}"' in page
    form = {"name": "电机", "query": "电机", "frequency": "daily", "active": "on", "trl_min": "6", "price_max": "80"}
    refused = client.post(edit, {**form, "year_min": "2025", "year_max": "2020"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"year_max": ["The upper bound must not be below the lower bound."]}
    # Said together with the form's other errors, not only once they are fixed.
    both = client.post(edit, {**form, "trl_min": "8", "trl_max": "2", "regions": "99,abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert sorted(both.context["form"].errors) == ["regions", "trl_max"]
    assert client.post(edit, form).status_code == 302
    sub.refresh_from_db()
    assert sub.ranges == {"trl": [6.0, None], "price": [None, 80.0]}


def test_form_refuses_a_subscription_that_matches_everything(client, owner, index_dir):
    client.force_login(owner)
    response = client.post(
        reverse("search:subscription_new"), {"query": " ", "regions": "3x", "frequency": "daily"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Enter region codes" in response.content.decode()
    response = client.post(
        reverse("search:subscription_new"), {"query": " ", "frequency": "daily"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "it would match everything" in response.content.decode()
    assert not SearchSubscription.objects.exists()


def test_api_permission_matrix(client, sub, outsider):
    url = "/api/v1/search/subscriptions"
    assert client.get(url).status_code == 401
    assert client.post(url, {"query": "x"}, content_type="application/json").status_code == 401
    assert client.delete(f"{url}/{sub.pk}").status_code == 401

    client.force_login(outsider)
    assert client.get(url).json()["count"] == 0
    assert client.delete(f"{url}/{sub.pk}").status_code == 404
    assert client.patch(f"{url}/{sub.pk}", {"active": False}, content_type="application/json").status_code == 404
    assert SearchSubscription.objects.filter(pk=sub.pk, active=True).exists()

    client.force_login(sub.user)
    items = client.get(url).json()["items"]
    assert [(i["id"], i["query"], i["ranges"]) for i in items] == [(sub.pk, "钙钛矿", {"trl": [6.0, None]})]
    assert items[0]["search_url"] == "/search/?q=%E9%92%99%E9%92%9B%E7%9F%BF&mode=lexical&sort=newest&trl_min=6"


def test_api_create_pause_and_delete_own(client, owner, index_dir):
    client.force_login(owner)
    url = "/api/v1/search/subscriptions"
    created = client.post(
        url,
        {"name": "新能源", "kind": "profile", "terms": {"plan_industry": ["new_energy"], "region": ["36"]}, "frequency": "immediate"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    data = created.json()
    assert (data["kind"], data["terms"], data["frequency"]) == (
        "profile",
        {"plan_industry": ["new_energy"], "region": ["36"]},
        "immediate",
    )
    paused = client.patch(f"{url}/{data['id']}", {"active": False}, content_type="application/json")
    assert paused.json()["active"] is False
    # The same criteria again (other order, other name) is refused, naming the saved one, as the
    # search page's button opens it instead.
    again = client.post(
        url,
        {"name": "x", "kind": "profile", "terms": {"region": ["36"], "plan_industry": ["new_energy"]}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (again.status_code, again.json()) == (
        409,
        {
            "code": "subscription_exists",
            "message": "You have already saved this search.",
            "details": {"id": data["id"]},
        },
    )
    empty = client.post(url, {"query": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (empty.status_code, empty.json()["code"]) == (422, "subscription_empty")
    assert client.delete(f"{url}/{data['id']}").status_code == 204
    assert not SearchSubscription.objects.exists()
    assert actions() == ["search.subscription.create", "search.subscription.pause", "search.subscription.delete"]


def test_discipline_choices_are_named_and_sorted_in_the_users_language(db):
    from django.utils import translation

    from techtransfer.achievements.choices import PlanIndustry
    from techtransfer.search.classifier import discipline_values
    from techtransfer.search.subscription_views import _facet_choices

    wanted = {"物理学", "计算机科学与技术", "数学"}
    with translation.override("zh-hans"):  # by pinyin: jisuanji, shuxue, wulixue
        choices = _facet_choices()
        assert [v for v, _label in choices["discipline"] if v in wanted] == ["计算机科学与技术", "数学", "物理学"]
        # Every value, not only those some public record has (there is none here): a profile waits.
        assert sorted(v for v, _label in choices["discipline"]) == sorted(discipline_values())
        assert sorted(v for v, _label in choices["plan_industry"]) == sorted(PlanIndustry.values)
        assert ("ssl", "半导体照明") in choices["plan_industry"]
    with translation.override("en"):
        assert [vl for vl in _facet_choices()["discipline"] if vl[0] in wanted] == [
            ("计算机科学与技术", "Computer science and technology"), ("数学", "Mathematics"), ("物理学", "Physics"),
        ]  # fmt: skip


def test_api_refuses_criteria_the_search_page_could_not_show(client, owner, index_dir):
    """Nothing is saved that would never match or that the search page would refuse; each field says why."""
    client.force_login(owner)
    url = "/api/v1/search/subscriptions"
    bad = {
        "query": "电机",
        "types": ["achievement", "zzz"],
        "terms": {"region": ["abc"], "plan_industry": ["new_energy", "a"], "nonsense": ["x"]},
        "ranges": {"trl": [9, 1], "price": [1]},
    }
    refused = client.post(url, bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()["code"]) == (422, "validation_error")
    assert refused.json()["details"]["fields"] == {
        "types": ["Unknown record type: zzz."],
        "terms.region": ["Enter region codes of 2, 4 or 6 digits, separated by commas."],
        "terms.plan_industry": ["Industry: Unknown value: a."],
        "terms.nonsense": ["Unknown filter."],
        "ranges.trl": ["The upper bound “1” must not be below the lower bound “9”."],
        "ranges.price": ["A range is [lower bound, upper bound]; either may be null."],
    }
    zh = client.post(
        url, {"query": "电机", "types": ["zzz"]}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert zh.json()["details"]["fields"] == {"types": ["未知的记录类型：zzz。"]}
    assert not SearchSubscription.objects.exists()
    arabic = client.post(url, {"query": "电机", "terms": {"region": ["٣٦"]}}, content_type="application/json")
    assert arabic.json()["details"]["fields"] == {
        "terms.region": ["请输入 2 位、4 位或 6 位行政区划代码，用逗号分隔。"]
    }
    ok = {
        "query": "电机",
        "terms": {"region": ["３６０１"], "discipline": ["计算机科学与技术"]},
        "ranges": {"trl": [3, 9]},
    }
    created = client.post(url, ok, content_type="application/json")
    assert (created.status_code, created.json()["terms"]["region"]) == (201, ["3601"])  # stored as digits


def test_api_refuses_a_bound_naming_the_criterion_and_quoting_the_value(client, owner, index_dir):
    """{"trl": [5.5, null]} was refused with Django's "Enter a whole number.", naming neither the
    criterion nor the value; NaN (which Python's JSON reads) with "Enter a number."."""
    client.force_login(owner)
    url = "/api/v1/search/subscriptions"
    body = '{"query": "电机", "ranges": {"trl": [5.5, null], "price": [NaN, null], "year": [1900, 2300]}}'
    refused = client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {
                "fields": {
                    "ranges.trl": ["Technology readiness level: “5.5” is not a whole number."],
                    "ranges.price": ["Price (10,000 yuan): “NaN” is not a number."],
                    "ranges.year": [
                        "Year published: give 1949 or more, not “1900”.",
                        "Year published: give 2200 or less, not “2300”.",
                    ],
                }
            },
        },
    )
    zh = client.post(
        url, {"query": "电机", "ranges": {"price": [None, 10.125]}}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert (zh.status_code, zh.json()["details"]) == (
        422,
        {"fields": {"ranges.price": ["价格（万元）：“10.125”的小数超过 2 位。"]}},
    )
    assert not SearchSubscription.objects.exists()


def test_a_region_code_no_region_has_is_refused(client, owner, index_dir):
    """99 has the form of a province code but names no province: such a subscription would never match."""
    client.force_login(owner)
    url = "/api/v1/search/subscriptions"
    for language, message in (("en", "Unknown region code: 99, 3699."), ("zh-hans", "未知的行政区划代码：99、3699。")):
        refused = client.post(
            url, {"query": "电机", "terms": {"region": ["36", "99", "3699"]}}, content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )  # fmt: skip
        assert (refused.status_code, refused.json()["details"]["fields"]) == (422, {"terms.region": [message]})
    # A county-level code directly under a province (429004 仙桃市, under 4290) is known.
    created = client.post(
        url, {"query": "电机", "terms": {"region": ["4290", "429004"]}}, content_type="application/json"
    )
    assert (created.status_code, created.json()["terms"]["region"]) == (201, ["4290", "429004"])
    assert SearchSubscription.objects.count() == 1


def test_the_form_shows_an_unknown_region_under_its_field(client, owner, index_dir):
    client.force_login(owner)
    response = client.post(
        reverse("search:subscription_new"), {"query": "电机", "regions": "36, 99", "frequency": "weekly"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["form"]
    assert (form.errors["regions"], form.non_field_errors()) == (["Unknown region code: 99."], [])
    assert SearchSubscription.objects.count() == 0


def test_a_cleared_name_names_the_subscription_after_its_question(client, owner, index_dir):
    sub = subscriptions.create_subscription(
        actor=owner, name="旧名字", criteria=subscriptions.clean_criteria(query="电机", terms={"region": ["3601"]})
    )
    client.force_login(owner)
    edit = reverse("search:subscription_edit", args=[sub.pk])
    response = client.post(
        edit, {"name": " ", "query": "永磁电机", "regions": "3601", "frequency": "daily"}, follow=True
    )
    sub.refresh_from_db()
    assert sub.name == "永磁电机"
    listed = response.content.decode()  # back on the list
    assert "订阅已保存。" in listed and "永磁电机" in listed and "旧名字" not in listed
    assert "所在地区：南昌市（3601）" in listed  # the region named, with its code
    # Without a question either, the filters name it (two such subscriptions are told apart).
    client.post(edit, {"name": "", "query": "", "regions": "3601", "trl_min": "6", "frequency": "daily"})
    sub.refresh_from_db()
    assert sub.name == "所在地区：南昌市（3601）；技术就绪度：≥ 6"


@pytest.mark.parametrize(
    ("extra", "query", "warned"),
    [
        ({"page": "2abc"}, "钙钛矿", False),
        ({"page": "99"}, "钙钛矿", False),  # beyond the last page the search page shows
        ({"type": ["achievement", "bogus"]}, "钙钛矿", False),
        ({}, "钙钛矿" * 70, True),  # 210 characters: the first 200 are saved, and the user is told
    ],
)
def test_saving_reads_the_search_as_the_search_page_does(client, owner, index_dir, extra, query, warned):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    url = reverse("search:subscription_save") + "?" + urlencode({"q": query, **extra}, doseq=True)
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    created = SearchSubscription.objects.get(user=owner)
    assert response.redirect_chain[-1][0] == reverse("search:subscription_edit", args=[created.pk])
    assert created.query == query[:200]
    assert created.types == (["achievement"] if "type" in extra else [])
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert (("warning", "Only the first 200 characters of the question are searched.") in shown) is warned


def test_saving_a_long_question_or_meaning_only_says_what_will_match(client, owner, index_dir):
    client.force_login(owner)
    question = "如何从废旧锂电池中高效回收钴镍锂等有价金属并降低环境污染"
    url = reverse("search:subscription_save") + "?" + urlencode({"q": question, "mode": "semantic"})
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    words = len(subscriptions._phrases(question)[0][1])
    assert words > subscriptions.MAX_PHRASE_WORDS
    assert shown[1:] == [
        ("warning", f"A new record is notified only when it holds every word of a phrase, and this one has {words} "
         "words: few records will. Keep a few key terms, separated by spaces (any of them may match)."),
        ("warning", "Saved searches match new records by their words; “meaning only” is not kept."),
    ]  # fmt: skip
    # A few terms, any of which may match: nothing to warn of.
    assert subscriptions.save_warnings("锂电池 回收 钴镍") == []


def test_the_warning_for_english_words_says_they_are_all_needed():
    from django.utils import translation

    with translation.override("en"):
        (warning,) = subscriptions.save_warnings(
            "how to recover rare earth elements from mining waste water efficiently"
        )
    words = len(subscriptions._phrases("how to recover rare earth elements from mining waste water efficiently")[0][1])
    assert warning == (
        f"A new record is notified only when it holds every one of these {words} words: few records will. "
        "Keep a few key terms."
    )
    # Typed in full-width letters, the question is read as the same English words, and warned of alike.
    with translation.override("en"):
        assert subscriptions.save_warnings(
            "ｈｏｗ ｔｏ ｒｅｃｏｖｅｒ ｒａｒｅ ｅａｒｔｈ ｅｌｅｍｅｎｔｓ ｆｒｏｍ ｍｉｎｉｎｇ ｗａｓｔｅ ｗａｔｅｒ ｅｆｆｉｃｉｅｎｔｌｙ"
        ) == [warning]


def test_a_city_or_province_code_in_full_is_read_as_its_prefix(client, owner, index_dir):
    """360100 (南昌市) and 360000 (江西省) end in zeros no record's code repeats: stored as 3601 and 36,
    the prefixes the index holds, so they match like them."""
    client.force_login(owner)
    created = client.post(
        "/api/v1/search/subscriptions", {"query": "电机", "terms": {"region": ["360100", "360000", "360102"]}},
        content_type="application/json",
    )  # fmt: skip
    assert (created.status_code, created.json()["terms"]["region"]) == (201, ["3601", "36", "360102"])
    from techtransfer.search.forms import region_codes

    assert region_codes("３６０１００, 360000 360102") == ["3601", "36", "360102"]
