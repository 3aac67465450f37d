"""The API's 405 in its own error format.

django-ninja answers a method that a path does not accept with a plain-text, English "Method not
allowed" (`PathView._not_allowed`), unlike every other API error (JSON: code, message in the caller's
language, details). This middleware, innermost, rewrites exactly that answer for /api/ paths.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class ApiMethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/") or response.get("Allow") is None:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        from techtransfer.api.api import error_response

        allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",") if m.strip()))
        message = _("This address does not accept %(method)s; it accepts %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        out = error_response(request, 405, "method_not_allowed", message, {"allowed": allowed.split(", ")})
        out["Allow"] = response["Allow"]
        return out
