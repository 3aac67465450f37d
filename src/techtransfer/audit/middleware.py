"""Give every request an id (kept from X-Request-ID when sent) and remember the client IP."""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from techtransfer.audit.context import RequestContext, reset, set_current

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXIES` reverse proxies (each appending
    the address it saw to X-Forwarded-For) the address the outermost of them saw, counted from the
    right. Anything further left was sent by the client and is not believed: X-Forwarded-For is
    trivially forged. A header with fewer addresses than proxies did not come through them all:
    REMOTE_ADDR then. The audit trail records this address, and the sign-in and API limits count by it
    (behind a proxy, REMOTE_ADDR is the proxy's, shared by every visitor)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: int = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(chain) < proxies:
        return remote
    seen = chain[-proxies]
    try:
        return str(ipaddress.ip_address(seen))
    except ValueError:
        return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _SAFE_ID.match(sent) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_current(RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset(token)
        response["X-Request-ID"] = request_id
        return response
