"""Inbox rows, unread counts, e-mail after commit, per-user preferences."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from techtransfer.core.models import User
from techtransfer.core.tests.factories import UserFactory
from techtransfer.notifications import services
from techtransfer.notifications.models import Notification
from techtransfer.notifications.registry import register_kind

RESULTS = register_kind("tests.results", "Results")

pytestmark = pytest.mark.django_db


def test_notify_respects_preferences_and_sends_mail_after_commit(django_capture_on_commit_callbacks):
    a, b, c = UserFactory(username="a"), UserFactory(username="b"), UserFactory(username="c")
    services.set_preferences(actor=b, choices={"k": (False, True)})
    services.set_preferences(actor=c, choices={"k": (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(user_ids=[a.pk, b.pk, c.pk], kind="k", title="标题", url="/x/") == 2
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["a", "c"]
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert services.unread_count(a) == 1


def test_inbox_mark_read_and_count(client):
    a, b = UserFactory(username="a"), UserFactory(username="b")
    services.notify(user_ids=[a.pk], kind="k", title="一", url="/needs/")
    services.notify(user_ids=[a.pk], kind="k", title="二")
    n = Notification.objects.filter(user=a).order_by("pk").first()
    client.force_login(b)
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert client.get("/api/v1/notifications").json()["count"] == 0
    client.force_login(a)
    page = client.get(reverse("notifications:inbox"))
    assert 'id="unread-count">2<' in page.content.decode()
    response = client.post(reverse("notifications:read", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/needs/"
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(a) == 0


def test_preferences_page_lists_registered_kinds(client):
    a = UserFactory(username="a")
    client.force_login(a)
    page = client.get(reverse("notifications:preferences"))
    assert f'name="{RESULTS}__email"' in page.content.decode()
    client.post(reverse("notifications:preferences"), {f"{RESULTS}__in_app": "on"})
    services.notify(user_ids=[a.pk], kind=RESULTS, title="结果")
    assert Notification.objects.filter(user=a, kind=RESULTS).count() == 1
    mail.outbox.clear()


def test_every_kind_is_named_in_the_pages_language(client):
    """Kinds are registered once, at import: their labels must be lazy (one was fixed in Chinese)."""
    from django.utils import translation

    from techtransfer.matchmaking.services import INQUIRY
    from techtransfer.needs.notices import PANEL
    from techtransfer.notifications.registry import KINDS
    from techtransfer.search.subscriptions import KIND

    with translation.override("en"):
        english = [str(KINDS[k]) for k in (INQUIRY, PANEL, KIND)]
    with translation.override("zh-hans"):
        chinese = [str(KINDS[k]) for k in (INQUIRY, PANEL, KIND)]
    assert english[0] == "Matchmaking inquiries and messages" and chinese[0] == "对接意向与消息"
    assert all(e != c for e, c in zip(english, chinese, strict=True))
    # Every kind any app registers has a Chinese name (the achievement workflow's two included).
    untranslated = []
    for name, label in KINDS.items():
        if name.startswith("tests."):  # registered by a test
            continue
        with translation.override("en"):
            en = str(label)
        with translation.override("zh-hans"):
            zh = str(label)
        if en == zh:
            untranslated.append(name)
    assert untranslated == []
    with translation.override("zh-hans"):
        assert str(KINDS["achievements.outcome"]) == "我的科技成果的审核结果"
    client.force_login(UserFactory(username="a", language="en"))
    page = client.get(reverse("notifications:preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Matchmaking inquiries and messages — in my inbox" in page


def test_a_digest_lists_its_records_a_line_each_with_links(client):
    a = UserFactory(username="a")
    body = "• 钙钛矿电池  http://127.0.0.1:8000/achievements/1/\n• 稀土<永磁>  http://127.0.0.1:8000/achievements/2/"
    services.notify(user_ids=[a.pk], kind="k", title="2 条新记录", body=body, url="/search/?q=x")
    client.force_login(a)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert (
        '• 钙钛矿电池  <a href="http://127.0.0.1:8000/achievements/1/" rel="nofollow">'
        "http://127.0.0.1:8000/achievements/1/</a><br>• 稀土&lt;永磁&gt;  "
    ) in page


def test_each_recipient_reads_a_notice_in_their_own_language(django_capture_on_commit_callbacks):
    from django.utils import translation
    from django.utils.translation import gettext

    chinese, english, unset = UserFactory(username="zh"), UserFactory(username="en"), UserFactory(username="unset")
    english.language = "en"
    english.save(update_fields=["language"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # an English actor
        services.notify(user_ids=[chinese.pk, english.pk, unset.pk], kind="k", title=lambda: gettext("Notifications"))
    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert titles == {"zh": "通知", "en": "Notifications", "unset": "通知"}  # the platform's default until chosen
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("en@example.org", "Notifications"), ("unset@example.org", "通知"), ("zh@example.org", "通知"),
    ]  # fmt: skip


def test_the_language_switch_remembers_a_signed_in_persons_choice(client):
    from techtransfer.audit.models import AuditEvent
    from techtransfer.core.models import User

    person = UserFactory(username="p")
    client.force_login(person)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/search/"})
    assert response.status_code == 302 and response["Location"] == "/search/"
    assert User.objects.get(pk=person.pk).language == "en"
    assert AuditEvent.objects.get(action="user.language").changes == {"language": ["", "en"]}
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not offered: ignored
    assert User.objects.get(pk=person.pk).language == "en"
    client.logout()
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 302  # anonymous


def test_signing_in_brings_back_the_language_last_chosen(client):
    from django.conf import settings

    from techtransfer.core.tests.factories import PASSWORD

    UserFactory(username="en_reader", language="en")
    response = client.post("/login/", {"username": "en_reader", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Notifications" in client.get("/notifications/").content.decode()
    UserFactory(username="never_chose")
    client.logout()
    again = client.post("/login/", {"username": "never_chose", "password": PASSWORD})
    assert again.status_code == 302 and settings.LANGUAGE_COOKIE_NAME not in again.cookies


def test_a_first_sign_in_keeps_the_language_it_was_read_in(client):
    """QA: someone reading the site in English (their browser's) got every notice in Chinese, the
    platform's default, until they used the language switch."""
    from techtransfer.core.tests.factories import PASSWORD

    for username, header, kept in (("reads_en", "en-US,en;q=0.9", "en"), ("reads_zh", "zh-CN,zh;q=0.9", "zh-hans")):
        UserFactory(username=username)
        Client().post("/login/", {"username": username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE=header)
        assert User.objects.get(username=username).language == kept
    # A language chosen before is not replaced by the browser's.
    UserFactory(username="chose_zh", language="zh-hans")
    Client().post("/login/", {"username": "chose_zh", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert User.objects.get(username="chose_zh").language == "zh-hans"


def _filter_links(body: str) -> str:
    start = body.index('<nav class="mb-3" id="inbox-filter"')
    return body[start : body.index("</nav>", start) + len("</nav>")]


def test_the_inbox_links_all_and_unread_and_pages_keep_the_filter(client):
    a = UserFactory(username="a", language="en")
    for i in range(25):
        services.notify(user_ids=[a.pk], kind="k", title=f"未读{i}")
    services.notify(user_ids=[a.pk], kind="k", title="已读")
    Notification.objects.filter(title="已读").update(read_at="2026-01-01T00:00:00Z")
    client.force_login(a)
    everything = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert everything.context["unread"] is False and everything.context["page"].paginator.count == 26
    assert _filter_links(everything.content.decode()) == (
        '<nav class="mb-3" id="inbox-filter" aria-label="Filter notifications">'
        '<a href="/notifications/" class="fw-semibold" aria-current="page">All</a> · '
        '<a href="/notifications/?unread=1">Unread</a></nav>'
    )
    unread = client.get("/notifications/?unread=1", HTTP_ACCEPT_LANGUAGE="en")
    assert unread.context["unread"] is True and unread.context["page"].paginator.count == 25
    body = unread.content.decode()
    assert _filter_links(body) == (
        '<nav class="mb-3" id="inbox-filter" aria-label="Filter notifications">'
        '<a href="/notifications/">All</a> · '
        '<a href="/notifications/?unread=1" class="fw-semibold" aria-current="page">Unread</a></nav>'
    )
    assert 'href="?unread=1&amp;page=2">Next</a>' in body
    second = client.get("/notifications/?unread=1&page=2", HTTP_ACCEPT_LANGUAGE="en")
    assert [n.title for n in second.context["page"]] == ["未读4", "未读3", "未读2", "未读1", "未读0"]
    assert "已读" not in second.content.decode()


def test_an_empty_unread_filter_says_so(client):
    a = UserFactory(username="a", language="en")
    client.force_login(a)
    page = client.get("/notifications/?unread=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<li class="list-group-item">No unread notifications.</li>' in page


def test_an_email_says_what_happened_where_to_see_it_and_why_it_came(django_capture_on_commit_callbacks):
    """QA: a notice without a body went out as an e-mail holding only a bare link."""
    from django.conf import settings

    reader = UserFactory(username="reader", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user_ids=[reader.pk], kind="k", title="New inquiry: 稀土永磁", url="/matchmaking/7/")
    assert mail.outbox[0].body == (
        "New inquiry: 稀土永磁\n\n"
        f"Open it on the platform: {settings.SITE_URL}/matchmaking/7/\n\n"
        f"You get this e-mail because of your notification settings: {settings.SITE_URL}/notifications/preferences/"
    )
