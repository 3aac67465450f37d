"""A notification reads in the language its reader reads the page in, not in the one it was written in:
a recipient whose stored language is Chinese, reading in English, saw the Chinese text (and the other
way round). The e-mail stays in the recipient's chosen language; rows from before show their text."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from techtransfer.core.tests.factories import UserFactory
from techtransfer.notifications import services
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

TITLE = {"zh-hans": "您在“稀土电机”的竞价中已被超过", "en": "You were outbid in the auction of “稀土电机”"}
BODY = {
    "zh-hans": "现由其他出价领先。竞价结束前您可以再次出价。",
    "en": "Another bid now leads. You may bid again until the auction ends.",
}


def outbid(user_ids: list[int]) -> None:
    services.notify(
        user_ids=user_ids,
        kind="tests.outbid",
        title=lambda: _("You were outbid in the auction of “%(title)s”") % {"title": "稀土电机"},
        body=lambda: _("Another bid now leads. You may bid again until the auction ends."),
        url="/market/",
    )


def reader(user, language: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


@pytest.mark.parametrize("written_for", ["zh-hans", "en"])
def test_the_notice_is_shown_in_the_active_language_whatever_it_was_written_in(written_for):
    user = UserFactory(username="bidder", language=written_for)
    with translation.override("en" if written_for == "zh-hans" else "zh-hans"):  # the sender's language
        outbid([user.pk])
    n = Notification.objects.get(user=user)
    assert (n.title, n.body) == (TITLE[written_for], BODY[written_for])  # what the e-mail said
    assert n.texts == {language: {"title": TITLE[language], "body": BODY[language]} for language in TITLE}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert (n.shown_title, n.shown_body) == (TITLE[language], BODY[language])


def test_the_inbox_and_the_api_show_it_in_the_readers_language(django_capture_on_commit_callbacks):
    user = UserFactory(username="bidder", language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        outbid([user.pk])
    assert mail.outbox[0].subject == TITLE["zh-hans"]  # the e-mail: the recipient's chosen language
    for language in ("en", "zh-hans"):
        page = reader(user, language).get(reverse("notifications:inbox")).content.decode()
        assert f">{TITLE[language]}</div>" in page and BODY[language] in page
        other = "zh-hans" if language == "en" else "en"
        assert TITLE[other] not in page
        api = reader(user, language).get("/api/v1/notifications").json()["items"][0]
        assert (api["title"], api["body"]) == (TITLE[language], BODY[language])


def test_a_language_neutral_text_is_stored_once():
    user = UserFactory(username="member")
    services.notify(user_ids=[user.pk], kind="tests.k", title="张三", body="您好")
    n = Notification.objects.get(user=user)
    assert n.texts == {}
    with translation.override("en"):
        assert (n.shown_title, n.shown_body) == ("张三", "您好")


def test_a_notice_stored_before_the_renderings_shows_its_text_in_every_language():
    user = UserFactory(username="old")
    n = Notification.objects.create(user=user, kind="tests.k", title=TITLE["zh-hans"], body=BODY["zh-hans"])
    assert n.texts == {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert (n.shown_title, n.shown_body) == (TITLE["zh-hans"], BODY["zh-hans"])
