"""The API's own error shape for the two answers that come from outside its handlers.

django-ninja answers a method that a path does not accept with a plain-text, English "Method not
allowed" (`PathView._not_allowed`), and a path under /api/ that no route has falls through to the
site's HTML 404 page; every other API error is JSON (code, message in the caller's language,
details). This middleware, innermost, rewrites exactly those two answers for /api/ paths.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in (404, 405) or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        from techtransfer.api.api import error_response
        from techtransfer.core.errors import Errors

        if response.status_code == 404:
            return error_response(request, 404, Errors.NOT_FOUND.code, str(Errors.NOT_FOUND.message))
        if response.get("Allow") is None:
            return response
        allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",") if m.strip()))
        message = _("This address does not accept %(method)s; it accepts %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        out = error_response(request, 405, "method_not_allowed", message, {"allowed": allowed.split(", ")})
        out["Allow"] = response["Allow"]
        return out
