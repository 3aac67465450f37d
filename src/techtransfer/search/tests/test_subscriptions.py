"""Subscriptions push each matching record at most once, only to those who may see it."""

import datetime
from dataclasses import replace

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from techtransfer.achievements.choices import SecrecyLevel
from techtransfer.achievements.models import Achievement
from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import UserFactory
from techtransfer.notifications.models import Notification
from techtransfer.notifications.services import set_preferences
from techtransfer.search import services, subscriptions
from techtransfer.search.backends import get_backend
from techtransfer.search.models import SearchSubscription, SubscriptionMatch
from techtransfer.search.outbox import apply_pending, on_objects_changed
from techtransfer.search.registry import PUBLIC, SearchDocument, get_type
from techtransfer.search.tests.helpers import draft, publish

pytestmark = pytest.mark.django_db

NAME = "一种钙钛矿太阳能电池的封装方法"
OTHER = "一种稀土永磁电机的控制方法"
F = SearchSubscription.Frequency


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    """Notification texts are written in the active language; these tests read the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def subscriber(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="subscriber", language="en")  # notices are written in it


def subscribe(user, query="钙钛矿", frequency=F.IMMEDIATE, **criteria):  # type: ignore[no-untyped-def]
    return subscriptions.create_subscription(
        actor=user, name=query, criteria=subscriptions.clean_criteria(query=query, **criteria), frequency=frequency
    )


def inbox(user):  # type: ignore[no-untyped-def]
    return list(
        Notification.objects.filter(user=user, kind=subscriptions.KIND).order_by("pk").values_list("title", flat=True)
    )


@pytest.fixture
def publish_now(index_dir, verified, applicant_member, applicant_admin, province_reviewer,
                django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]  # fmt: skip
    """Publish a record through the real workflow; the outbox is applied on commit (worker up)."""

    def run(name: str = NAME, **kwargs: object) -> Achievement:
        kwargs.setdefault("keywords", [])
        a = draft(verified, applicant_member, name=name, abstract=f"{name}。", **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            publish(a, applicant_admin, province_reviewer)
        return a

    return run


def test_matching_record_notifies_once_even_when_changed_again(
    publish_now, subscriber, django_capture_on_commit_callbacks
):
    sub = subscribe(subscriber)
    a = publish_now()
    publish_now(OTHER)
    assert inbox(subscriber) == [f"New for “钙钛矿”: {NAME}"]
    assert Notification.objects.get(user=subscriber).url == f"/achievements/{a.pk}/"
    assert [m.to for m in mail.outbox if m.subject.startswith("New for")] == [[subscriber.email]]
    # The e-mail says where to change or stop the notices, and links the record.
    manage = f"{settings.SITE_URL}{reverse('search:subscription_edit', args=[sub.pk])}"
    assert [m.body for m in mail.outbox if m.subject.startswith("New for")] == [
        f"New for “钙钛矿”: {NAME}\n\n"
        "A record matching your subscription “钙钛矿” was published or changed.\n"
        f"To change or stop these notices:\n{manage}\n\n"
        f"Open it on the platform: {settings.SITE_URL}/achievements/{a.pk}/\n\n"
        f"You get this e-mail because of your notification settings: {settings.SITE_URL}/notifications/preferences/"
    ]

    # The same record changes twice more (each audited change writes an outbox row).
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            on_objects_changed("achievements.achievement", [str(a.pk)])
    assert SubscriptionMatch.objects.filter(subscription__user=subscriber).count() == 1
    assert inbox(subscriber) == [f"New for “钙钛矿”: {NAME}"]


def test_own_organisations_records_are_not_pushed_to_its_members(publish_now, subscriber, applicant_member):
    """A colleague's new record is not news to a member of the organisation that published it; a
    person who has left the organisation is told like everyone else."""
    outsider = subscribe(subscriber)
    colleague = subscribe(applicant_member)
    a = publish_now()
    assert inbox(subscriber) == [f"New for “钙钛矿”: {NAME}"]
    assert inbox(applicant_member) == []
    assert not colleague.matches.exists()
    assert list(outsider.matches.values_list("object_uid", flat=True)) == [f"achievement:{a.pk}"]

    applicant_member.memberships.update(is_active=False)
    second = publish_now(f"{NAME}（二）")
    assert inbox(applicant_member) == [f"“钙钛矿”有新记录：{NAME}（二）"]  # written in their language
    assert list(colleague.matches.values_list("object_uid", flat=True)) == [f"achievement:{second.pk}"]


def test_duplicate_and_concurrent_runs_notify_once(publish_now, subscriber):
    sub = subscribe(subscriber)
    a = publish_now()
    uid = f"achievement:{a.pk}"
    docs = list(get_type("achievement").load([str(a.pk)]))
    assert subscriptions.match_changed(docs) == 0  # a second run of the same batch
    # Another worker inserted the match first: this one finds the unique row and stays silent.
    other = subscribe(subscriber, query="太阳能")
    SubscriptionMatch.objects.create(subscription=other, object_uid=uid, notified_at=timezone.now())
    assert subscriptions.match_changed(docs + docs) == 0
    assert len(inbox(subscriber)) == 1
    assert list(sub.matches.values_list("object_uid", flat=True)) == [uid]


def test_overlapping_subscriptions_notify_a_person_once_per_record(publish_now, subscriber):
    solar = subscribe(subscriber, query="钙钛矿")
    cells = subscribe(subscriber, query="太阳能电池")
    other = UserFactory(username="other", language="en")
    subscribe(other, query="太阳能电池")
    a = publish_now()
    uid = f"achievement:{a.pk}"
    # Both of the subscriber's searches keep the match; one message names it.
    assert list(solar.matches.values_list("object_uid", flat=True)) == [uid]
    assert list(cells.matches.values_list("object_uid", flat=True)) == [uid]
    assert inbox(subscriber) == [f"New for “钙钛矿”: {NAME}"]
    # (The applicant and the reviewers are told of the record's steps too: not by these searches.)
    assert [m.to for m in mail.outbox if m.subject.startswith("New for")] == [[subscriber.email], [other.email]]
    assert inbox(other) == [f"New for “太阳能电池”: {NAME}"]


def test_a_digest_leaves_out_what_another_subscription_already_named(publish_now, subscriber):
    daily = subscribe(subscriber, query="钙钛矿 永磁", frequency=F.DAILY)
    weekly = subscribe(subscriber, query="永磁", frequency=F.WEEKLY)
    subscribe(subscriber, query="太阳能电池")  # immediate
    publish_now()  # 钙钛矿 太阳能电池: named at once by the immediate one
    publish_now(OTHER)  # 永磁: pending in the daily and the weekly one
    assert inbox(subscriber) == [f"New for “太阳能电池”: {NAME}"]
    assert daily.matches.filter(notified_at__isnull=True).count() == 2
    assert weekly.matches.filter(notified_at__isnull=True).count() == 1

    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    assert subscriptions.send_digests(later) == 1  # the daily digest; the weekly one has nothing new
    assert inbox(subscriber)[1:] == ["1 new record for “钙钛矿 永磁”"]
    body = Notification.objects.filter(user=subscriber).order_by("pk").last().body
    assert OTHER in body and NAME not in body
    assert not SubscriptionMatch.objects.filter(subscription__user=subscriber, notified_at__isnull=True).exists()
    assert subscriptions.send_digests(later + datetime.timedelta(days=8)) == 0
    assert len(inbox(subscriber)) == 2


def test_record_the_subscriber_may_not_see_never_notifies(publish_now, subscriber, monkeypatch):
    subscribe(subscriber)
    internal = publish_now(secrecy=SecrecyLevel.INTERNAL)
    assert Achievement.objects.get(pk=internal.pk).status == Achievement.Status.PUBLISHED
    assert inbox(subscriber) == []
    assert not SubscriptionMatch.objects.exists()

    # A record only its organisation may see (a draft) is not news, not even to its members, who may
    # see it: once published it notifies each subscriber once (the draft did not use that up).
    member_only = SearchDocument(
        type="achievement", pk="990001", title="钙钛矿内部成果", url="/achievements/990001/",
        fields={"title": "钙钛矿内部成果"}, visibility=["org:7"],
    )  # fmt: skip
    get_backend().apply([member_only], [])
    insider = UserFactory(username="insider", language="en")
    subscribe(insider)

    def tokens(user):  # type: ignore[no-untyped-def]
        return frozenset({PUBLIC, "org:7"}) if user is not None and user.pk == insider.pk else frozenset({PUBLIC})

    monkeypatch.setattr(services, "visibility_for", tokens)
    assert subscriptions.match_changed([member_only]) == 0
    assert inbox(insider) == []
    published = replace(member_only, visibility=[PUBLIC])
    get_backend().apply([published], [])
    assert subscriptions.match_changed([published]) == 2
    assert subscriptions.match_changed([published]) == 0  # once
    assert inbox(subscriber) == inbox(insider) == ["New for “钙钛矿”: 钙钛矿内部成果"]


def test_rolled_back_change_never_notifies(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, subscriber,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    subscribe(subscriber)
    a = draft(verified, applicant_member, name=NAME)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        publish(a, applicant_admin, province_reviewer)
        raise RuntimeError("crash before commit")
    apply_pending()
    subscriptions.send_digests(timezone.now() + datetime.timedelta(days=8))
    assert inbox(subscriber) == []
    assert not SubscriptionMatch.objects.exists()


def test_digest_collects_matches_and_sends_one(publish_now, subscriber, django_capture_on_commit_callbacks):
    sub = subscribe(subscriber, query="钙钛矿 永磁", frequency=F.DAILY)
    first = publish_now()
    second = publish_now(OTHER)
    publish_now("一种玉米秸秆还田装置")  # matches nothing
    assert inbox(subscriber) == []
    assert sub.matches.filter(notified_at__isnull=True).count() == 2

    assert subscriptions.send_digests() == 0  # not due before a day has passed
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.send_digests(later) == 1
    assert inbox(subscriber) == ["2 new records for “钙钛矿 永磁”"]
    body = Notification.objects.get(user=subscriber).body
    assert f"/achievements/{first.pk}/" in body and f"/achievements/{second.pk}/" in body
    assert body.splitlines()[0] == "New records match your subscription “钙钛矿 永磁”:"
    assert body.splitlines()[-2:] == [
        "To change or stop these notices:",
        f"{settings.SITE_URL}{reverse('search:subscription_edit', args=[sub.pk])}",
    ]
    assert len([m for m in mail.outbox if m.to == [subscriber.email]]) == 1
    assert subscriptions.send_digests(later + datetime.timedelta(days=2)) == 0  # nothing pending
    assert inbox(subscriber) == ["2 new records for “钙钛矿 永磁”"]


def test_digest_drops_records_that_stopped_being_visible(publish_now, subscriber, applicant_admin):
    from techtransfer.achievements import services as achievement_services

    sub = subscribe(subscriber, frequency=F.WEEKLY)
    a = publish_now()
    assert sub.matches.count() == 1
    achievement_services.withdraw_achievement(actor=applicant_admin, achievement_id=a.pk, comment="撤回")
    apply_pending()
    assert subscriptions.send_digests(timezone.now() + datetime.timedelta(days=7, minutes=1)) == 0
    assert inbox(subscriber) == []
    assert not sub.matches.exists()


def test_paused_subscription_matches_nothing_and_preferences_apply(
    publish_now, subscriber, django_capture_on_commit_callbacks
):
    sub = subscribe(subscriber)
    subscriptions.update_subscription(actor=subscriber, subscription_id=sub.pk, active=False)
    # A user change re-indexes their expert seats: commit it like the publishing steps below.
    with django_capture_on_commit_callbacks(execute=True):
        set_preferences(actor=subscriber, choices={subscriptions.KIND: (True, False)})
    publish_now()
    assert inbox(subscriber) == []
    subscriptions.update_subscription(actor=subscriber, subscription_id=sub.pk, active=True)
    publish_now("钙钛矿薄膜的低温制备工艺")
    assert inbox(subscriber) == ["New for “钙钛矿”: 钙钛矿薄膜的低温制备工艺"]
    assert not [m for m in mail.outbox if m.to == [subscriber.email]]  # e-mail switched off


def test_profile_filters_restrict_matches(publish_now, subscriber):
    subscriptions.create_subscription(
        actor=subscriber,
        name="新能源",
        kind=SearchSubscription.Kind.PROFILE,
        criteria=subscriptions.clean_criteria(query="钙钛矿 永磁", terms={"plan_industry": ["new_energy"]}),
        frequency=F.IMMEDIATE,
    )
    publish_now(plan_industry="biomed")
    publish_now(OTHER, plan_industry="new_energy")
    assert inbox(subscriber) == [f"New for “新能源”: {OTHER}"]


def test_changes_are_audited_and_criteria_are_cleaned(subscriber):
    sub = subscriptions.create_subscription(
        actor=subscriber,
        name="",
        criteria=subscriptions.clean_criteria(
            query="  电池   封装 ", type_names=["achievement", "achievement"],
            terms={"plan_industry": ["new_energy", "new_energy"], "region": []}, ranges={"trl": [6, None]},
        ),
    )  # fmt: skip
    assert (sub.name, sub.query, sub.types) == ("电池 封装", "电池 封装", ["achievement"])
    assert (sub.terms, sub.ranges) == ({"plan_industry": ["new_energy"]}, {"trl": [6.0, None]})
    subscriptions.update_subscription(actor=subscriber, subscription_id=sub.pk, frequency=F.WEEKLY)
    subscriptions.update_subscription(actor=subscriber, subscription_id=sub.pk, active=False)
    subscriptions.delete_subscription(actor=subscriber, subscription_id=sub.pk)
    actions = list(
        AuditEvent.objects.filter(object_type="search.searchsubscription")
        .order_by("pk")
        .values_list("action", "changes")
    )
    assert [a for a, _ in actions] == [
        "search.subscription.create", "search.subscription.update",
        "search.subscription.pause", "search.subscription.delete",
    ]  # fmt: skip
    assert actions[1][1] == {"frequency": ["daily", "weekly"]}
    with pytest.raises(subscriptions.DomainError) as exc:
        subscriptions.clean_criteria(query="  ", terms={"region": [" "]})
    assert exc.value.code == "subscription_empty"
    several = SearchSubscription(query="", terms={"region": ["3601", "3607"]})
    assert subscriptions.search_url(several) == "/search/?region=3601%2C3607"  # every region, not the first
    assert (
        subscriptions.search_url(sub)
        == "/search/?q=%E7%94%B5%E6%B1%A0+%E5%B0%81%E8%A3%85&mode=lexical&sort=newest&type=achievement&plan_industry=new_energy&trl_min=6"
    )


def test_description_labels_a_value_from_whichever_type_knows_it():
    """Achievements declare `transfer_mode` first, without "commissioned"; needs label it."""
    sub = SearchSubscription(query="", types=[], terms={"transfer_mode": ["commissioned", "licence"]}, ranges={})
    assert subscriptions.describe(sub) == ["Transfer mode: Commissioned development (委托开发), Licence (许可)"]


@pytest.mark.django_db
def test_description_reads_regions_in_english_on_english_pages():
    """English pages described a region filter in Chinese alone ("Region: 江西省 (36)")."""
    from django.utils import translation

    sub = SearchSubscription(query="", types=[], terms={"region": ["36", "3601", "99"]}, ranges={})
    with translation.override("en"):
        assert subscriptions.describe(sub) == [
            "Region: 江西省 (Jiangxi Province, 36), 南昌市 (Nanchang City, 3601), 99"
        ]
    with translation.override("zh-hans"):
        assert subscriptions.describe(sub) == ["所在地区：江西省（36）、南昌市（3601）、99"]


def test_worker_heartbeat_sends_due_digests(publish_now, subscriber):
    from techtransfer.jobs.periodic import run_due

    sub = subscribe(subscriber, frequency=F.DAILY)
    publish_now()
    assert "search.subscription_digests" in run_due()
    assert inbox(subscriber) == []  # saved a moment ago: not due yet
    SearchSubscription.objects.filter(pk=sub.pk).update(last_digest_at=timezone.now() - datetime.timedelta(days=1))
    assert "search.subscription_digests" in run_due(timezone.now() + datetime.timedelta(hours=1))
    assert inbox(subscriber) == ["1 new record for “钙钛矿”"]


def test_at_most_fifty_subscriptions_each(subscriber, monkeypatch):
    monkeypatch.setattr(subscriptions, "MAX_PER_USER", 2)
    subscribe(subscriber, query="电池")
    subscribe(subscriber, query="电机")
    with pytest.raises(subscriptions.DomainError) as exc:
        subscribe(subscriber, query="材料")
    assert exc.value.code == "subscription_limit"
    assert SearchSubscription.objects.filter(user=subscriber).count() == 2


def test_every_word_of_a_phrase_must_be_in_the_record(publish_now, subscriber):
    subscribe(subscriber, query="钙钛矿太阳能电池")
    subscribe(subscriber, query="石墨烯 永磁电机")  # two alternatives
    publish_now("一种锂电池正极材料的制备方法")  # shares only 电池: the search page lists it, no push
    publish_now(NAME)  # 钙钛矿, 太阳能 and 电池 are all there
    publish_now(OTHER)  # 永磁电机
    assert inbox(subscriber) == [f"New for “钙钛矿太阳能电池”: {NAME}", f"New for “石墨烯 永磁电机”: {OTHER}"]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("钙钛矿太阳能电池", "钙钛矿型太阳能电池的封装", True),
        ("钙钛矿太阳能电池", "锂电池正极材料", False),
        ("石墨烯 钙钛矿", "钙钛矿薄膜", True),
        ("鈣鈦礦", "钙钛矿薄膜", True),  # the record text is normalised the same way
        ("solid state battery", "solid-state lithium battery state", True),
        ("solid state battery", "lithium battery", False),
        ("", "anything", True),
        ("钙钛矿 -薄膜", "钙钛矿薄膜", True),  # the excluded term is not a phrase (the engine excludes it)
        ("石墨烯 -钙钛矿", "钙钛矿薄膜", False),
    ],
)
def test_phrases_present(query, text, expected):
    from techtransfer.search.text import normalise

    assert subscriptions.phrases_present(query, normalise(text)) is expected


def test_subscriptions_without_their_words_in_the_batch_cost_no_engine_query(subscriber, index_dir, monkeypatch):
    def doc(pk: str, title: str) -> SearchDocument:
        return SearchDocument(
            type="achievement", pk=pk, title=title, url=f"/achievements/{pk}/", fields={"title": title},
            visibility=[PUBLIC],
        )  # fmt: skip

    # 钙钛矿 in one record, 太阳能电池 in the other: the batch as a whole has the words of the
    # phrase, no single record has; only the record-by-record check after the engine query decides.
    split = [doc("990011", "钙钛矿薄膜的制备"), doc("990012", "太阳能电池的封装")]
    whole = doc("990013", NAME)
    get_backend().apply([*split, whole], [])
    subscribe(subscriber, query="钙钛矿太阳能电池")
    subscribe(subscriber, query="石墨烯")  # in no record
    subscribe(UserFactory(username="browser"), query="", type_names=["achievement"])  # no words: always asks
    asked: list[str] = []
    real = subscriptions.matching_hits

    def spy(sub, uids):  # type: ignore[no-untyped-def]
        asked.append(sub.query)
        return real(sub, uids)

    monkeypatch.setattr(subscriptions, "matching_hits", spy)
    assert subscriptions.match_changed(split) == 2  # both, for the subscription without words
    assert sorted(asked) == ["", "钙钛矿太阳能电池"]
    assert inbox(subscriber) == []
    asked.clear()
    assert subscriptions.match_changed([whole]) == 2
    assert sorted(asked) == ["", "钙钛矿太阳能电池"]
    assert inbox(subscriber) == [f"New for “钙钛矿太阳能电池”: {NAME}"]


TRL, PRICE, YEAR = "Technology readiness level", "Price (10,000 yuan)", "Year published"


@pytest.mark.parametrize(
    ("ranges", "messages"),
    [
        ({"year": [1e308, None]}, [f"{YEAR}: give 2200 or less, not “1e+308”."]),
        ({"trl": [1e19, None]}, [f"{TRL}: give 9 or less, not “1e+19”."]),
        ({"trl": [-5, 100]}, [f"{TRL}: give 1 or more, not “-5”.", f"{TRL}: give 9 or less, not “100”."]),
        ({"trl": [5.5, None]}, [f"{TRL}: “5.5” is not a whole number."]),
        ({"trl": [5.5, 5.5]}, [f"{TRL}: “5.5” is not a whole number."]),  # said once
        ({"price": [None, 10.125]}, [f"{PRICE}: “10.125” has more than 2 decimal places."]),
        ({"price": [float("nan"), None]}, [f"{PRICE}: “NaN” is not a number."]),
        ({"price": [0, float("inf")]}, [f"{PRICE}: “Infinity” is not a number."]),
    ],
)
def test_ranges_the_search_page_refuses_are_not_saved(ranges, messages):
    """A saved search must open as a search page, and must not break matching (a year of 1e308 is
    no integer for the engine). Each bound refused is quoted, after the filter's label: the API
    shows the message alone (it said Django's "Enter a whole number.", naming neither)."""
    with pytest.raises(subscriptions.DomainError) as exc:
        subscriptions.clean_criteria(query="石墨烯", ranges=ranges)
    (name,) = ranges
    assert exc.value.details == {"fields": {f"ranges.{name}": messages}}


def test_a_refused_bound_is_said_in_the_active_language_and_without_the_label_for_a_page():
    from django.utils import translation

    def said(ranges, **kwargs):  # type: ignore[no-untyped-def]
        with pytest.raises(subscriptions.DomainError) as exc:
            subscriptions.clean_criteria(query="石墨烯", ranges=ranges, **kwargs)
        return exc.value.details["fields"]

    with translation.override("zh-hans"):
        assert said({"trl": [5.5, 12]}) == {
            "ranges.trl": ["技术就绪度：“5.5”不是整数。", "技术就绪度：请填写不大于 9 的值（填的是“12”）。"]
        }
        assert said({"price": [float("nan"), 1.234]}) == {
            "ranges.price": ["价格（万元）：“NaN”不是数字。", "价格（万元）：“1.234”的小数超过 2 位。"]
        }
    with translation.override("en"):
        assert said({"year": [1900, 2026.5]}, labelled=False) == {
            "ranges.year": ["Give 1949 or more, not “1900”.", "“2026.5” is not a whole number."]
        }


def test_bounds_at_the_limits_are_saved_and_open_as_a_search_page(subscriber, client):
    ranges = {"trl": [1, 9], "year": [1949, 2200], "price": [1234567.89, 9_999_999_999]}
    sub = subscriptions.create_subscription(
        actor=subscriber, name="", criteria=subscriptions.clean_criteria(query="石墨烯", ranges=ranges)
    )
    url = subscriptions.search_url(sub)
    assert url.endswith("&trl_min=1&trl_max=9&year_min=1949&year_max=2200&price_min=1234567.89&price_max=9999999999")
    page = client.get(url)
    assert page.status_code == 200
    # The page matches by words, as the subscription does (not the search page's default, hybrid).
    assert page.context["form"].cleaned_data["mode"] == "lexical"
    assert subscriptions.describe(sub)[-1].endswith("：1234567.89–9999999999")
    assert [services.number_text(x) for x in (12.5, 0.0, 3.1)] == ["12.5", "0", "3.1"]


def test_a_subscription_that_cannot_be_matched_does_not_stop_the_others(publish_now, subscriber, caplog):
    """Criteria saved before a check existed (here: a year no engine integer holds) fail for that
    subscription alone; the ones after it are matched and notified."""
    broken = subscribe(subscriber)
    SearchSubscription.objects.filter(pk=broken.pk).update(ranges={"year": [1e308, None]})
    other = UserFactory(username="other_subscriber", language="en")
    subscribe(other)
    publish_now()
    assert inbox(other) == [f"New for “钙钛矿”: {NAME}"]
    assert inbox(subscriber) == []
    assert f"matching subscription {broken.pk} failed" in caplog.text


def test_a_question_without_words_is_not_saved():
    """Punctuation alone matches nothing in the engine: such a subscription would never notify."""
    for question in ("!!!", "!!! ???", "……"):
        with pytest.raises(subscriptions.DomainError) as exc:
            subscriptions.clean_criteria(query=question, type_names=["achievement"])
        assert exc.value.details == {"fields": {"query": ["The question has no words to search for."]}}
    assert subscriptions.clean_criteria(query="C++ 编译器").query == "C++ 编译器"


@pytest.mark.parametrize(
    ("values", "kept", "error"),
    [
        (["360100", "３６０１"], ["3601"], None),  # a city's full code and its prefix, full-width digits too
        (["360000", "360102"], ["36", "360102"], None),
        (["36x"], None, "Enter region codes of 2, 4 or 6 digits, separated by commas."),
        (["360"], None, "Enter region codes of 2, 4 or 6 digits, separated by commas."),
        (["99"], None, "Unknown region code: 99."),
    ],
)
def test_region_codes_read_as_the_lists_read_them(values, kept, error):  # type: ignore[no-untyped-def]
    if error is None:
        assert subscriptions.clean_criteria(terms={"region": values}).terms == {"region": kept}
    else:
        with pytest.raises(subscriptions.DomainError) as caught:
            subscriptions.clean_criteria(terms={"region": values})
        assert caught.value.details == {"fields": {"terms.region": [error]}}


def test_the_same_interests_in_another_order_or_case_are_the_same_subscription(subscriber):
    first = subscriptions.create_subscription(
        actor=subscriber, name="", criteria=subscriptions.clean_criteria(query="钕铁硼 回收"),
        kind=SearchSubscription.Kind.PROFILE,
    )  # fmt: skip
    for query in ("回收 钕铁硼", " 回收  钕铁硼 "):
        same = subscriptions.saved_like(subscriber, subscriptions.clean_criteria(query=query), "profile")
        assert same == first
    latin = subscriptions.create_subscription(
        actor=subscriber, name="", criteria=subscriptions.clean_criteria(query="Graphene Battery"),
        kind=SearchSubscription.Kind.PROFILE,
    )  # fmt: skip
    assert (
        subscriptions.saved_like(subscriber, subscriptions.clean_criteria(query="battery graphene"), "profile") == latin
    )
    assert subscriptions.saved_like(subscriber, subscriptions.clean_criteria(query="钕铁硼回收"), "profile") is None


def test_a_filter_the_chosen_types_lack_is_refused(subscriber):
    with translation.override("en"), pytest.raises(DomainError) as refused:
        subscriptions.clean_criteria(
            query="钙钛矿", type_names=["need"], terms={"stage": ["early"]}, ranges={"trl": [6, None]}
        )
    # Needs have a TRL (the lowest they ask for) but no stage.
    assert refused.value.details == {"fields": {"terms.stage": ["The chosen record types do not have this filter."]}}
    ok = subscriptions.clean_criteria(query="钙钛矿", type_names=["need", "achievement"], terms={"stage": ["early"]})
    assert ok.terms == {"stage": ["early"]}  # achievements have a stage


def test_records_the_public_may_not_see_are_not_matched_at_all(monkeypatch):
    """A draft's edit ran every subscription's search, which could only find nothing."""
    seen: list[dict[str, str]] = []
    monkeypatch.setattr(subscriptions, "_match", lambda haystacks, owners=None: seen.append(haystacks) or 0)
    hidden = SearchDocument("achievement", "1", "稀土永磁", "/achievements/1/", {}, visibility=["org:7"])
    public = SearchDocument("achievement", "2", "锂电池", "/achievements/2/", {}, visibility=[PUBLIC])
    assert subscriptions.match_changed([hidden]) == 0 and seen == []
    subscriptions.match_changed([hidden, public])
    assert [sorted(h) for h in seen] == [[public.uid]]
