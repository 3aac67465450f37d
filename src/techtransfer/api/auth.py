"""API authentication: personal access tokens (Bearer), the browser session, or anonymous.

Every operation accepts all three; endpoints that need a person call `require_user`. A read-scoped
token may only use safe methods (and the POSTs that only read, `READ_ONLY_POSTS`). A malformed,
revoked or expired token is refused (401) rather than treated as anonymous, so a client with a
broken token learns about it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from techtransfer.api import tokens
from techtransfer.audit.middleware import client_ip
from techtransfer.core import throttle
from techtransfer.core.choices import TokenScope
from techtransfer.core.errors import DomainError, Errors

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# POSTs that change nothing (a body too long for an address): a read-scoped token may use them.
READ_ONLY_POSTS = frozenset({"/api/v1/classify"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Guessing tokens: an address that sent too many unknown ones this minute is refused any token
        # for the rest of it (the secrets are 256 bits: this keeps the attempts from costing the database).
        limit = settings.API_TOKEN_FAILURES_PER_MINUTE
        now = time.time()
        failures = throttle.key("api-token", f"{client_ip(request) or '-'}:{int(now // 60)}")
        if limit and throttle.failures(failures) >= limit:
            raise DomainError(Errors.TOKEN_FAILURES, details={"retry_after": 60 - int(now % 60)})
        found = tokens.authenticate(token)
        if found is None:
            if limit:
                throttle.fail(failures, 61)
            raise DomainError(Errors.NOT_AUTHENTICATED)
        reads = request.method in SAFE_METHODS or (request.method == "POST" and request.path in READ_ONLY_POSTS)
        if not reads and found.scope != TokenScope.WRITE:
            raise DomainError(Errors.READ_ONLY_TOKEN)
        request.user = found.user
        request.auth_via = "token"  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The Django session cookie; CSRF is checked for unsafe methods, as for any form."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a logged-in session needs the CSRF check; anonymous calls fall through to `anonymous`.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            request.auth_via = "session"  # type: ignore[attr-defined]
            return request.user
        return None


# The one change the API takes from someone not signed in: registering an organisation.
ANONYMOUS_WRITES = frozenset({("POST", "/api/v1/organisations")})


def _count_anonymous(request: HttpRequest) -> None:
    """Refuse (429 `rate_limited`, `details.retry_after` seconds) an address's anonymous request beyond
    `API_ANONYMOUS_PER_MINUTE` in the current minute; counted in the shared cache (Redis in
    production), so every worker process counts the same requests."""
    limit = settings.API_ANONYMOUS_PER_MINUTE
    if not limit:
        return
    now = time.time()
    key = f"api-anonymous:{client_ip(request) or '-'}:{int(now // 60)}"
    cache.add(key, 0, timeout=61)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts the minute
        cache.set(key, 1, timeout=61)
        count = 1
    if count > limit:
        raise DomainError(Errors.RATE_LIMITED, details={"retry_after": 60 - int(now % 60)})


def anonymous(request: HttpRequest) -> Any:
    if request.headers.get("Authorization"):
        raise DomainError(Errors.NOT_AUTHENTICATED)
    _count_anonymous(request)
    if request.method not in SAFE_METHODS and (request.method, request.path) not in ANONYMOUS_WRITES:
        # Refused before the body is read: "sign in", not a list of the body's missing fields.
        raise DomainError(Errors.NOT_AUTHENTICATED)
    request.user = AnonymousUser()
    request.auth_via = "anonymous"  # type: ignore[attr-defined]
    return "anonymous"


API_AUTH = [TokenAuth(), SessionAuth(), anonymous]
