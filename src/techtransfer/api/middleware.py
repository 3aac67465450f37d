"""The API's own error shape for the answers that come from outside its handlers.

django-ninja answers a method that a path does not accept with a plain-text, English "Method not
allowed" (`PathView._not_allowed`), and a path under /api/ that no route has falls through to the
site's HTML 404 page; every other API error is JSON (code, message in the caller's language,
details). This middleware, innermost, rewrites exactly those two answers for /api/ paths.

It also refuses, with the API's 422 `validation_error`, a JSON body that is not an object, and a
request whose path, query or JSON body holds a NUL character: PostgreSQL text cannot store one
(psycopg raises DataError: a 500), and no handler should have to remember that. Django's forms
refuse it already; the API's schemas did not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def not_an_object(request: HttpRequest) -> bool:
    """A JSON body that parses but is no object ([], "x", 1, null): every operation reads an object,
    and django-ninja would read such a body as {} (QA: classify answered 200 to `[]`)."""
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type != "application/json":
        return False
    if not request.body.strip():
        return False
    try:
        return not isinstance(json.loads(request.body), dict)
    except ValueError:  # not JSON at all: the API's own `invalid_body` answer
        return False


def nul_in(request: HttpRequest) -> str:
    """Where the request holds a NUL character ("path", a query parameter's name, "body"), or ""."""
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return name.replace("\x00", "")
    # JSON bodies only: reading an upload's body here would hold it in memory (and refuse a large one).
    json_body = request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json"
    body = request.body if json_body else b""
    if b"\x00" in body:
        return "body"
    if b"u0000" in body.lower():  # the JSON escape; checked on the parsed value (a text may say "\\u0000")
        try:
            if _holds_nul(json.loads(body)):
                return "body"
        except ValueError:
            return ""
    return ""


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and not_an_object(request):
            from techtransfer.api.api import error_response
            from techtransfer.core.errors import Errors

            fields = {"body": [_("Send a JSON object ({…}).")]}
            return error_response(
                request, 422, Errors.VALIDATION.code, str(Errors.VALIDATION.message), {"fields": fields}
            )
        if request.path.startswith("/api/") and (where := nul_in(request)):
            from techtransfer.api.api import error_response
            from techtransfer.core.errors import Errors

            fields = {where: [str(ProhibitNullCharactersValidator.message)]}  # the shape of every 422
            return error_response(
                request, 422, Errors.VALIDATION.code, str(Errors.VALIDATION.message), {"fields": fields}
            )
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
