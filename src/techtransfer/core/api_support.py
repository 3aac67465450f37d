"""Pieces every app's `api.py` uses: the page-number pagination and the logged-in check.

Authentication itself (tokens, session, anonymous) is set once on the API root in `techtransfer.api`;
an endpoint reads `request.user` and fetches through its app's `access.py`.
"""

import math
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import User


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
