"""The page shell (web/base.html): its `{% memo %}` parts are rendered once per process and language,
so these tests check that what belongs to the request, the user and the language is never reused."""

import re
from html import unescape

import pytest
from django.template import TemplateSyntaxError, engines
from django.test import Client

from techtransfer.core.tests.factories import UserFactory
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

NEEDS_QUESTION = "/needs/?q=%E7%A8%80%E5%9C%9F+%E6%B0%B8%E7%A3%81&page=1"  # 稀土 永磁


def page(client: Client, path: str = "/needs/", language: str = "en") -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def one(pattern: str, html: str) -> str:
    found = re.findall(pattern, html)
    assert len(found) == 1, (pattern, found)
    return unescape(found[0])


def test_the_language_form_comes_back_to_this_page_and_its_token_is_this_sessions():
    client = Client(enforce_csrf_checks=True)
    html = page(client, NEEDS_QUESTION, "zh-hans")
    assert one(r'<input name="next" type="hidden" value="([^"]*)">', html) == NEEDS_QUESTION
    token = one(r'"X-CSRFToken": "(\w+)"', html)
    form_tokens = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', html)
    assert form_tokens == [token]  # anonymous: the language form only
    refused = client.post("/i18n/setlang/", {"language": "en", "next": NEEDS_QUESTION})
    assert refused.status_code == 403
    response = client.post("/i18n/setlang/", {"language": "en", "next": NEEDS_QUESTION, "csrfmiddlewaretoken": token})
    assert (response.status_code, response["Location"]) == (302, NEEDS_QUESTION)

    other = page(Client(), "/market/?q=%E8%BD%AF%E4%BB%B6", "zh-hans")
    assert one(r'"X-CSRFToken": "(\w+)"', other) != token
    assert one(r'<input name="next" type="hidden" value="([^"]*)">', other) == "/market/?q=%E8%BD%AF%E4%BB%B6"


def test_the_shell_follows_the_language_back_and_forth(client):
    for language, lang, log_in, option in [
        ("zh-hans", "zh-hans", ">登录</a>", '<option value="zh-hans" lang="zh-hans" selected>'),
        ("en", "en", ">Log in</a>", '<option value="en" lang="en" selected>'),
        ("zh-hans", "zh-hans", ">登录</a>", '<option value="zh-hans" lang="zh-hans" selected>'),
    ]:
        html = page(client, language=language)
        assert f'<html lang="{lang}">' in html
        languages = html[html.index('<select name="language"') : html.index("</select>")]
        assert log_in in html and option in languages and languages.count(" selected>") == 1
    assert ">Log in</a>" not in html and ">Achievements</a>" not in html


def test_signed_in_people_see_their_own_name_and_count_and_anonymous_visitors_log_in(client):
    ann, bob = UserFactory(username="ann", display_name="安 Ann"), UserFactory(username="bob", display_name="Bob")
    Notification.objects.bulk_create([Notification(user=ann, kind="x", title="t") for _ in range(3)])
    assert ">Log in</a>" in page(client)

    client.force_login(ann)
    html = page(client)
    assert '<span class="navbar-text me-2" id="current-user">安 Ann</span>' in html
    assert '<span class="badge text-bg-warning" id="unread-count">3</span>' in html
    assert ">Log out</button>" in html and ">My workspace</a>" in html and ">Log in</a>" not in html
    assert len(set(re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', html))) == 1  # language form, log out

    client.force_login(bob)
    html = page(client, language="zh-hans")
    assert 'id="current-user">Bob</span>' in html and "安 Ann" not in html
    assert 'id="inbox-link">通知</a>' in html and "unread-count" not in html
    assert ">退出登录</button>" in html

    client.logout()
    html = page(client)
    assert ">Log in</a>" in html and ">My workspace</a>" not in html
    assert "current-user" not in html and "inbox-link" not in html


def test_only_platform_admins_see_the_search_index_link(client):
    client.force_login(UserFactory(username="root", is_staff=True))
    assert 'href="/search/index/">Search index</a>' in page(client)
    client.force_login(UserFactory(username="someone"))
    assert "/search/index/" not in page(client)


def test_messages_and_the_demo_note_are_the_requests(client, settings):
    client.force_login(UserFactory(username="chooser"))
    settings.DEMO_MODE = True
    response = client.post(
        "/notifications/preferences/", {"market.outbid__in_app": "on"}, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    )
    html = response.content.decode()
    assert '<div class="alert alert-success" role="alert">设置已保存。</div>' in html
    assert 'role="note">' in html
    settings.DEMO_MODE = False
    html = page(client, "/notifications/preferences/", "zh-hans")
    assert "设置已保存。" not in html and "alert-success" not in html
    assert 'role="note">' not in html


def test_the_unread_count_is_asked_for_only_where_it_is_shown(rf, django_assert_num_queries):
    user = UserFactory(username="reader")
    request = rf.get("/")
    request.user = user
    fragment = engines["django"].from_string("<p>{{ user }}</p>")
    with django_assert_num_queries(0):
        assert fragment.render({}, request) == "<p>reader</p>"
    shown = engines["django"].from_string("{{ unread_notifications }}/{{ unread_notifications }}")
    with django_assert_num_queries(1):
        assert shown.render({}, request) == "0/0"


@pytest.mark.parametrize("inside", ["{% csrf_token %}", "{% block x %}{% endblock %}"])
def test_a_memo_cannot_hold_the_requests_token_or_a_block(inside):
    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string("{% load memo %}{% memo %}" + inside + "{% endmemo %}")
