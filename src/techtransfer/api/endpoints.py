"""Endpoints for a person's own API tokens."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from techtransfer.api import tokens
from techtransfer.api.models import PersonalAccessToken
from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.core.choices import TokenScope
from techtransfer.core.errors import DomainError, Errors

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: TokenScope
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scope: TokenScope = TokenScope.READ
    expires_in_days: int | None = Field(None, ge=1, le=3650)


@router.get("/tokens", response=list[TokenOut])
@paginate(PageNumberPagination)
def list_tokens(request: HttpRequest) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=require_user(request))


@router.post("/tokens", response={201: TokenCreatedOut})
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, Any]]:
    """Create a token from a browser session (a token cannot mint tokens). The text is shown once."""
    user = require_user(request)
    if getattr(request, "auth_via", "") != "session":
        raise DomainError(Errors.PERMISSION_DENIED)
    token, raw = tokens.create_token(
        user=user, name=payload.name, scope=payload.scope, expires_in_days=payload.expires_in_days
    )
    data = TokenOut.from_orm(token).dict()
    data["token"] = raw
    return 201, data


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: int) -> PersonalAccessToken:
    return tokens.revoke_token(user=require_user(request), token_id=token_id)
