"""Creating, checking and revoking personal access tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from techtransfer.api.models import PersonalAccessToken
from techtransfer.audit.services import record_event
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import User


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, user: User, name: str, scope: str, expires_in_days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """Create a token and return it with its full text, which is never stored and shown only now."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(secret),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    record_event(actor=user, action="token.create", obj=token, changes={"name": name, "scope": scope})
    return token, f"tt_{prefix}_{secret}"


def authenticate(raw: str) -> PersonalAccessToken | None:
    """The live token matching `raw`, or None. Compares digests in constant time."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "tt":
        return None
    token = PersonalAccessToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])):
        return None
    now = timezone.now()
    if token.revoked_at or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> PersonalAccessToken:
    """The owner revokes a token (idempotent); another user's token looks like a missing one."""
    token = PersonalAccessToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise DomainError(Errors.NOT_FOUND)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=user, action="token.revoke", obj=token, changes={"revoked": True})
    return token
