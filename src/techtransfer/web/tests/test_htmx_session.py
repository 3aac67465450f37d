"""An htmx request that needs a session it no longer has gets a notice, not the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_htmx_request_without_a_session_gets_a_notice_in_its_language(client):
    url = reverse("search:classify")
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/achievements/new/?x=1"}
    response = client.post(url, {"name": "稀土永磁材料的制备"}, headers=headers, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Your session has ended, so this page can no longer send what it holds." in body and 'target="_blank"' in body
    )
    assert 'href="/login/?next=/achievements/new/"' in body
    assert "id_username" not in body  # not the login form
    zh = client.post(url, {"name": "稀土"}, headers=headers, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录已过期" in zh and "请先复制" in zh


def test_a_plain_request_is_still_redirected_to_the_login_page(client):
    response = client.post(reverse("search:classify"), {"name": "稀土"})
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
