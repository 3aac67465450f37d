"""Pieces every app's `api.py` uses: the page-number pagination, the logged-in check and the shape of
a refusal of input fields.

Authentication itself (tokens, session, anonymous) is set once on the API root in `techtransfer.api`;
an endpoint reads `request.user` and fetches through its app's `access.py`.
"""

import datetime
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.instants import storable
from techtransfer.core.models import User


def _utc(value: datetime.datetime) -> datetime.datetime:
    """A date and time sent with a UTC offset PostgreSQL cannot take, as the same instant in UTC
    (`instants.storable`); any other offset is kept as sent (an export's filters show it). An instant
    before year 1 or after 9999 in UTC is refused as no date and time."""
    try:
        return storable(value)
    except OverflowError:
        raise PydanticCustomError("datetime_parsing", "Input should be a valid datetime") from None


# A date and time in a request (a body field or a query parameter): what pydantic reads, at an
# offset PostgreSQL takes.
DateTimeIn = Annotated[datetime.datetime, AfterValidator(_utc)]


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


# The largest `page` a list accepts (422 beyond, like a `page_size` above API_MAX_PAGE_SIZE): far
# beyond any list's last page (10 million rows at the largest page size), and a number every client
# and database reads, where a 20-digit one was echoed back. A page past the last one has no items.
MAX_PAGE = 100_000


class PageNumberPagination(PaginationBase):
    """`?page=N&page_size=M` → {"items", "count", "page", "page_size", "pages"}."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(settings.API_PAGE_SIZE, ge=1, le=settings.API_MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], pagination: Input, **params: Any
    ) -> dict[str, Any]:
        count = queryset.count()
        offset = (pagination.page - 1) * pagination.page_size
        items = list(queryset[offset : offset + pagination.page_size]) if offset < count else []
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": math.ceil(count / pagination.page_size) if count else 0,
        }


def require_user(request: HttpRequest) -> User:
    user = request.user
    if not user.is_authenticated:
        raise DomainError(Errors.NOT_AUTHENTICATED)
    return user  # type: ignore[return-value]


def field_details(exc: DomainError) -> dict[str, Any] | None:
    """The details of a refusal of input fields, in the shape of every 422 (`details.fields`, one list
    of messages per field, any other detail under its own key), or None for any other refusal.

    Services name the field a rule refuses in one of three ways: `{"field": name}` (the message is the
    error's own, or the list under that name), `{"fields": {name: [messages]}}`, or, for
    `validation_error`, each field's messages at the top level (`{"comment": [...]}`). A refusal of
    state, permission or a conflict (409, 403, 404) keeps its status and details even when it names a
    field: only the 400s and 422s are about what was sent."""
    if exc.http_status not in (400, 422):
        return None
    details = dict(exc.details)
    field = details.pop("field", None)
    if isinstance(field, str):
        own = details.get(field)
        messages = [str(m) for m in details.pop(field)] if isinstance(own, list) else [exc.message]
        return {"fields": {field: messages}, **details}
    if isinstance(details.get("fields"), dict):
        return details
    if exc.error == Errors.VALIDATION:
        fields = {k: [str(m) for m in v] for k, v in details.items() if isinstance(v, list)}
        return {"fields": fields, **{k: v for k, v in details.items() if k not in fields}}
    return None


@contextmanager
def fields_as_sent(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's refusal of a field under the name this endpoint's input gives it.

    Services name the web form's fields (`achievement`, `buyer_uscc`); where an endpoint's input
    calls them otherwise (`achievement_id`, `parties.1.uscc`), `names` maps one to the other, so that
    `details.fields` names what the client sent. Other refusals pass through unchanged."""
    try:
        yield
    except DomainError as exc:
        field = exc.details.get("field")
        if not isinstance(field, str) or field not in names or field_details(exc) is None:
            raise
        raise DomainError(exc.error, details={**exc.details, "field": names[field]}) from exc


def words_filter_description(fields: str, *, limit: int | None = None) -> str:
    """The OpenAPI description of a list's `q`: a plain word filter, not the ranked search."""
    words = f"each of up to {limit} space-separated words" if limit else "each space-separated word"
    return (
        f"A filter, not a search: {words} must occur in {fields} as typed (substring match, no word "
        "segmentation, no ranking), so its counts differ from the search's. Ranked search over every record "
        "type, with Chinese word segmentation, corrections and meaning: GET /api/v1/search."
    )
