"""The API's own error shape for the answers that come from outside its handlers.

django-ninja answers a method that a path does not accept with a plain-text, English "Method not
allowed" (`PathView._not_allowed`), and a path under /api/ that no route has falls through to the
site's HTML 404 page; every other API error is JSON (code, message in the caller's language,
details). This middleware, innermost, rewrites exactly those two answers for /api/ paths. It also
answers HEAD on /api/ paths as GET without the body (django-ninja has no HEAD of its own).

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


_NOT_JSON = object()  # a body that is not (or not a) JSON value


def _json_body(request: HttpRequest) -> tuple[bytes, Any]:
    """The raw JSON body of a POST, PUT or PATCH and its parsed value (`_NOT_JSON` when it does not
    parse); (b"", _NOT_JSON) otherwise. JSON bodies only: reading an upload's body here would hold it
    in memory (and refuse a large one)."""
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type != "application/json":
        return b"", _NOT_JSON
    body = request.body
    try:
        return body, json.loads(body) if body.strip() else _NOT_JSON
    except ValueError:  # not JSON at all (a raw NUL in a text, too): the API's own `invalid_body` answer
        return body, _NOT_JSON


def refused_input(request: HttpRequest) -> dict[str, list[str]] | None:
    """The per-field messages of a request no operation should see, or None: a JSON body that parses
    but is no object ([], "x", 1, null: every operation reads an object, and django-ninja would read
    such a body as {}), or a NUL character in the path, a query parameter or the JSON body."""
    body, parsed = _json_body(request)
    if parsed is not _NOT_JSON and not isinstance(parsed, dict):
        return {"body": [_("Send a JSON object ({…}).")]}
    nul = [str(ProhibitNullCharactersValidator.message)]
    if "\x00" in request.path:
        return {"path": nul}
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return {name.replace("\x00", "") or "query": nul}
    if b"\x00" in body or (parsed is not _NOT_JSON and _holds_nul(parsed)):
        return {"body": nul}
    return None


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and (fields := refused_input(request)) is not None:
            from techtransfer.api.api import error_response
            from techtransfer.core.errors import Errors

            # The shape of every 422: the message above, one list of messages per field.
            return error_response(
                request, 422, Errors.VALIDATION.code, str(Errors.VALIDATION.message), {"fields": fields}
            )
        if request.method == "HEAD" and request.path.startswith("/api/"):
            return self._head(request)
        if request.method == "OPTIONS" and request.path.startswith("/api/"):
            return self._options(request)
        response = self.get_response(request)
        if response.status_code not in (404, 405) or not request.path.startswith("/api/"):
            return response
        return self._error_shape(request, response)

    def _head(self, request: HttpRequest) -> HttpResponse:
        """HEAD is GET without the body (RFC 9110 9.3.2), as Django's own class-based views answer
        it: django-ninja routes each method on its own and answered 405 to every HEAD. The operation
        runs as a GET (a read-scoped token may use both); the answer keeps GET's status and headers,
        Content-Length included, and drops the body (a file's is closed unread)."""
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.status_code in (404, 405):
            response = self._error_shape(request, response)
        if response.streaming:
            response.streaming_content = iter(())  # type: ignore[attr-defined]
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    def _options(self, request: HttpRequest) -> HttpResponse:
        """OPTIONS says which methods an address accepts (RFC 9110 9.3.7): 204 with `Allow`, no body.
        django-ninja has no OPTIONS operations, so the router's 405 for this path carries the list;
        no operation runs. An unknown address keeps the API's 404."""
        response = self.get_response(request)
        if response.status_code != 405 or response.get("Allow") is None:
            return self._error_shape(request, response) if response.status_code in (404, 405) else response
        out = HttpResponse(status=204)
        out["Allow"] = ", ".join(_allowed(response))
        return out

    def _error_shape(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        from techtransfer.api.api import error_response
        from techtransfer.core.errors import Errors

        if response.status_code == 404:
            return error_response(request, 404, Errors.NOT_FOUND.code, str(Errors.NOT_FOUND.message))
        if response.get("Allow") is None:
            return response
        allowed = ", ".join(_allowed(response))
        message = _("This address does not accept %(method)s; it accepts %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        out = error_response(request, 405, "method_not_allowed", message, {"allowed": allowed.split(", ")})
        out["Allow"] = allowed
        return out


def _allowed(response: HttpResponse) -> list[str]:
    """The methods a 405 from the router allows, with HEAD (answered by `_head` wherever GET is)
    and OPTIONS (answered by `_options`)."""
    methods = {m.strip() for m in response["Allow"].split(",") if m.strip()} | {"OPTIONS"}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
