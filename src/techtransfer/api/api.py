"""The API root: /api/v1/, one error shape, authentication, and each app's router mounted."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError, ValidationErrorContext

from techtransfer.achievements.api import router as achievements_router
from techtransfer.api import messages
from techtransfer.api.auth import API_AUTH
from techtransfer.api.endpoints import router as tokens_router
from techtransfer.audit.api import router as audit_router
from techtransfer.contracts.api import router as contracts_router
from techtransfer.core.api import router as core_router
from techtransfer.core.api_support import field_details
from techtransfer.core.errors import BUSY_RETRY_AFTER, DomainError, Errors
from techtransfer.jobs.api import router as jobs_router
from techtransfer.jobs.runtime import is_locked
from techtransfer.market.api import router as market_router
from techtransfer.matchmaking.api import router as matchmaking_router
from techtransfer.needs.api import router as needs_router
from techtransfer.notifications.api import router as notifications_router
from techtransfer.search.api import router as search_router

logger = logging.getLogger(__name__)

# The error answers every operation may give, in the one error shape, documented in the OpenAPI
# description beside the success answer that each operation declares (django-ninja lists only that).
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. not_found"},
        "message": {"type": "string", "description": "Human-readable message in the request's language"},
        "details": {"type": "object", "description": "More about the error; validation errors list fields"},
    },
    "required": ["code", "message", "details"],
}
ERROR_ANSWERS = {
    "400": "请求体不是有效的 JSON · The request body is not valid JSON (invalid_body)",
    "401": "令牌无效、已撤销或已过期，或需要登录 · Malformed, revoked or expired token, or sign-in needed",
    "403": "无权执行此操作（含只读令牌写入、CSRF 校验失败）· Not permitted (also a read-only token writing, CSRF)",
    "404": "记录不存在或无权查看 · No such record, or not one the caller may see",
    "422": (
        "参数校验失败，或业务规则拒绝了某字段（code 为该规则的代码，如 uscc_invalid）；"
        "details.fields 列出各字段的错误 · "
        "Validation failed, or a rule refused a field (code is the rule's, e.g. uscc_invalid); "
        "details.fields lists the fields' errors"
    ),
    "409": (
        "记录当前的状态不允许此操作，或与已有记录冲突（如 invalid_transition、*_taken、last_admin）· "
        "The record's state does not allow this, or it conflicts with an existing record "
        "(e.g. invalid_transition, *_taken, last_admin)"
    ),
    "429": (
        "未登录的请求或带无效令牌的请求本分钟内过多（rate_limited、token_failures；details.retry_after 秒后重试）· "
        "Too many requests without sign-in, or with an unknown token, this minute (rate_limited, token_failures; "
        "retry after details.retry_after seconds)"
    ),
    "503": (
        "数据库繁忙，未保存任何内容（busy；按 Retry-After 秒后重试）· "
        "The database was busy and nothing was saved (busy; retry after Retry-After seconds)"
    ),
}
WRITES = frozenset({"post", "put", "patch", "delete"})


def _error_answers(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, from its method, parameters and body: every one
    may be refused for too many anonymous requests (429); a change may conflict with the record's
    state or another record (409), or find the database busy (503)."""
    where = {p.get("in") for p in operation.get("parameters", [])}
    body = "requestBody" in operation
    statuses = ["401", "403", "429"]
    if method in WRITES:
        statuses += ["409", "503"]
    if "path" in where:
        statuses.append("404")
    if body:
        statuses.append("400")
    if body or where:
        statuses.append("422")
    return sorted(statuses)


class PlatformAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        """django-ninja's errors, each with the value it refused kept as `input` (it drops pydantic's):
        `on_validation_error` quotes a body field's value in its message, then leaves it out."""
        error = super().validation_error_from_error_contexts(error_contexts)
        refused = [
            e.get("input") for c in error_contexts for e in c.pydantic_validation_error.errors(include_url=False)
        ]
        for err, value in zip(error.errors, refused, strict=True):
            err["input"] = value
        return error

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                answers = operation.setdefault("responses", {})
                for status in _error_answers(method, operation):
                    answers.setdefault(status, {"description": ERROR_ANSWERS[status], "content": error})
        return schema


def _read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs page and the OpenAPI schema answer GET alone (HEAD is answered as GET by the
    middleware); django-ninja's views answered every method with the page, OPTIONS included. Another
    method gets a 405 naming GET, which `ApiErrorShapeMiddleware` turns into the API's answers: OPTIONS
    204 with `Allow`, anything else `method_not_allowed`. Exempt from the CSRF check, which would
    otherwise answer an unsafe method with the site's HTML 403 first; the views change nothing."""
    return csrf_exempt(require_GET(view))


api = PlatformAPI(
    title="techtransfer API",
    version="1",
    description=(
        "科技成果转移转化平台开放接口 · Open API of the techtransfer platform. "
        "Authenticate with `Authorization: Bearer tt_…` (personal access token) or the browser session. "
        'Errors always have the shape {"code", "message", "details"}; send `Accept-Language: en` for English.'
    ),
    auth=API_AUTH,  # type: ignore[arg-type]
    urls_namespace="api-v1",
    docs_decorator=_read_only,
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: dict[str, object] | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A rule's refusal, its code kept: of input fields, a 422 in the validation errors' shape (clients
    show each message next to its field); of anything else, the error's status with its details."""
    if (fields := field_details(exc)) is not None:
        return error_response(request, 422, exc.code, exc.message, fields)
    response = error_response(request, exc.http_status, exc.code, exc.message, exc.details)
    if "retry_after" in exc.details:  # rate_limited: when to ask again, as HTTP says it
        response["Retry-After"] = str(exc.details["retry_after"])
    return response


# Where django-ninja puts an input (the first part of an error's location), and the names of the
# operations' schema parameters (`payload: XIn`, `filters: Query[XFilters]`) that it puts next.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
_PARAMETERS = frozenset({"payload", "filters"})


def field_name(loc: Any) -> str:
    """The name an error is reported under: its location without the source and parameter name,
    dotted ("filters.since" for a field of a nested schema), "__all__" for the input as a whole."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _PARAMETERS:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def sent_text(value: Any) -> str | None:
    """A body field's value as quoted in its message: a JSON string, number or boolean as written
    (`true`, `1.5`); None for null, a list or an object, whose errors keep the API's own message, and
    for a number too large to read (1e400 reads as infinity: "inf" is not what was written)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = err.get("loc", ())
        name = field_name(loc)
        # What was sent, quoted in the message: a query parameter's text, a body field's value.
        if loc and loc[0] == "query":
            sent = request.GET.get(name)
        else:
            sent = sent_text(err.get("input")) if loc and loc[0] in ("body", "form") else None
        fields.setdefault(name, []).append(messages.message(err, field=name, sent=sent))
    return error_response(request, 422, Errors.VALIDATION.code, str(Errors.VALIDATION.message), {"fields": fields})


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, Errors.NOT_AUTHENTICATED.code, str(Errors.NOT_AUTHENTICATED.message))


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, Errors.PERMISSION_DENIED.code, str(Errors.PERMISSION_DENIED.message))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, Errors.NOT_FOUND.code, str(Errors.NOT_FOUND.message))


def _broken_json(request: HttpRequest) -> bool:
    """Is the request's body JSON that does not parse (what django-ninja answers with a 400)?"""
    if not (request.content_type or "").endswith("json") or not request.body:
        return False
    try:
        json.loads(request.body)
    except ValueError:
        return True
    return False


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:
        return error_response(request, 403, "csrf_failed", _("The request was refused (CSRF check failed)."))
    if exc.status_code == 400 and _broken_json(request):
        return error_response(request, 400, "invalid_body", _("The request body is not valid JSON."))
    return error_response(request, exc.status_code, f"http_{exc.status_code}", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_locked(exc):  # another writer held SQLite's lock past the busy timeout: nothing was saved
        response = error_response(request, 503, Errors.BUSY.code, str(Errors.BUSY.message))
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
    if settings.DEBUG:
        raise exc
    logger.exception("unhandled API error")
    return error_response(
        request,
        500,
        "server_error",
        _("Something went wrong on our side. The error was logged with request id %(id)s.")
        % {"id": getattr(request, "request_id", "")},
    )


# Search first: its GET /needs/{id}/recommendations must precede the apps' POST /needs/{pk}/{action}.
api.add_router("/", search_router)
api.add_router("/", core_router)
api.add_router("/", achievements_router)
api.add_router("/", audit_router)
api.add_router("/", jobs_router)
api.add_router("/", market_router)
api.add_router("/", tokens_router)
api.add_router("/", needs_router)
api.add_router("/", notifications_router)
api.add_router("/", matchmaking_router)
api.add_router("/", contracts_router)
