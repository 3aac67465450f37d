"""Signing in and API tokens: password and token guessing is limited, the session changes at sign-in,
signing out takes a POST, tokens are stored hashed, and no view but the API's read-only docs skips
the CSRF check."""

import hashlib

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from techtransfer.api.models import PersonalAccessToken
from techtransfer.api.tokens import create_token
from techtransfer.core.choices import TokenScope
from techtransfer.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

THROTTLED_EN = "Too many failed sign-in attempts. Try again in 15 minutes."


@pytest.fixture
def person():
    return UserFactory(username="guarded")


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_a_user_name_that_failed_too_often_is_refused_even_with_the_right_password(person, settings):
    settings.LOGIN_FAILURES_LIMIT = 3
    client = Client()
    for _ in range(3):
        response = _sign_in(client, "guarded", "wrong-password")
        assert response.status_code == 200
        assert THROTTLED_EN not in response.content.decode()
    response = _sign_in(client, "Guarded ", PASSWORD)  # the name as Django compares it, case aside
    assert response.status_code == 429
    assert THROTTLED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another name from another address is not affected.
    other = UserFactory(username="someone")
    assert _sign_in(Client(), other.username, PASSWORD, address="10.0.0.2").status_code == 302


def test_the_admin_sign_in_counts_the_same_failures(settings):
    staff = UserFactory(username="staffer", is_staff=True)
    settings.LOGIN_FAILURES_LIMIT = 3
    client = Client()
    for _ in range(3):
        page = client.post(
            "/admin/login/", {"username": "staffer", "password": "wrong-password"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert page.status_code == 200 and THROTTLED_EN not in page.content.decode()
    page = client.post("/admin/login/", {"username": "staffer", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert THROTTLED_EN in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert _sign_in(Client(), staff.username, PASSWORD).status_code == 429  # the site's form too


def test_one_address_guessing_many_names_is_refused(person, settings):
    settings.LOGIN_FAILURES_LIMIT = 2  # an address: five times as many (10)
    client = Client()
    for i in range(10):
        assert _sign_in(client, f"name{i}", "wrong-password").status_code == 200
    assert _sign_in(client, "guarded", PASSWORD).status_code == 429
    assert _sign_in(Client(), "guarded", PASSWORD, address="10.0.0.9").status_code == 302


def test_a_successful_sign_in_forgets_the_names_failures(person, settings):
    settings.LOGIN_FAILURES_LIMIT = 3
    for _ in range(2):
        _sign_in(Client(), "guarded", "wrong-password")
    assert _sign_in(Client(), "guarded", PASSWORD).status_code == 302
    for _ in range(2):
        assert _sign_in(Client(), "guarded", "wrong-password").status_code == 200
    assert _sign_in(Client(), "guarded", PASSWORD).status_code == 302


def test_signing_in_changes_the_session_key(person):
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    client.cookies["sessionid"] = before
    assert _sign_in(client, "guarded", PASSWORD).status_code == 302
    assert client.session.session_key != before


def test_signing_out_takes_a_post(person):
    client = Client()
    client.force_login(person)
    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_api_tokens_are_stored_as_digests(person):
    token, text = create_token(user=person, name="ci", scope=TokenScope.READ)
    secret = text.split("_", 2)[2]
    stored = PersonalAccessToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in PersonalAccessToken.objects.filter(pk=token.pk).values().first().values()}


def test_guessing_tokens_is_refused_after_the_limit(person, settings):
    settings.API_TOKEN_FAILURES_PER_MINUTE = 3
    _token, text = create_token(user=person, name="ci", scope=TokenScope.READ)
    client = Client()
    codes = []
    for i in range(4):
        response = client.get(
            "/api/v1/regions/360000", HTTP_AUTHORIZATION=f"Bearer tt_abcd{i:04d}_guess", REMOTE_ADDR="10.1.1.1"
        )
        codes.append((response.status_code, response.json()["code"]))
    assert codes == [(401, "not_authenticated")] * 3 + [(429, "token_failures")]
    assert 0 < int(response["Retry-After"]) <= 60
    # Even the right token, from that address, for the rest of the minute; from another it works.
    assert (
        client.get("/api/v1/regions/360000", HTTP_AUTHORIZATION=f"Bearer {text}", REMOTE_ADDR="10.1.1.1").status_code
        == 429
    )
    assert (
        client.get("/api/v1/regions/360000", HTTP_AUTHORIZATION=f"Bearer {text}", REMOTE_ADDR="10.1.1.2").status_code
        == 200
    )


def _views(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_only_the_api_skips_the_csrf_check():
    exempt = sorted(
        {route for route, view in _views(get_resolver().url_patterns) if getattr(view, "csrf_exempt", False)}
    )
    # django-ninja's operations check CSRF themselves for a session (SessionAuth, ADR 0005); the docs
    # page and schema change nothing.
    assert all(route.startswith("api/v1/") for route in exempt), exempt
    session = Client(enforce_csrf_checks=True)
    session.force_login(UserFactory(username="csrf_person"))
    response = session.post("/api/v1/tokens", {"name": "x", "scope": "read"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert session.post("/notifications/read-all/").status_code == 403
