"""The client's address behind reverse proxies (`TRUSTED_PROXIES`): the one the outermost proxy saw,
counted from the right of X-Forwarded-For; what the client wrote further left is not believed. The
sign-in limit per address then counts visitors, not the proxy that all of them come through."""

import pytest
from django.test import Client, RequestFactory

from techtransfer.audit.middleware import client_ip
from techtransfer.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is the client's own word
        (1, "", "10.0.0.1"),  # nothing forwarded
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the left one was written by the client
        (2, "198.51.100.7, 203.0.113.9", "198.51.100.7"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer addresses than proxies: not through them all
        (1, "not-an-address", "10.0.0.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address(settings, proxies: int, forwarded: str, expected: str) -> None:
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_one_visitors_guessing_does_not_lock_out_another(settings) -> None:
    settings.TRUSTED_PROXIES = 1
    settings.LOGIN_FAILURES_LIMIT = 2  # per name; per address five times as many
    proxy = "10.0.0.1"
    guesser, visitor = Client(), Client()
    for n in range(10):
        guesser.post(
            "/login/",
            {"username": f"name{n}", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    refused = guesser.post(
        "/login/", {"username": "name99", "password": "wrong"}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert refused.status_code == 429
    person = UserFactory(username="visitor")
    signed_in = visitor.post(
        "/login/",
        {"username": person.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert signed_in.status_code == 302
