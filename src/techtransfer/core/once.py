"""A create form sent twice makes one record.

A double-click, a retry after a timeout, or Back and "send again" posts the same form twice. Each
create form carries a token (`token()`, the hidden input `form_token`, `web/_form_token.html`); the
view makes its record through `create_once`, which claims (user, token, content digest) in the same
transaction as the record. The second post of the same content waits for the first (the unique
row), then gets the record it made, and the view opens it. Another content sent with the same token
(the form changed after Back) is a new record. A form without a token (the API, older pages) is not
checked. ADR 0026.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from techtransfer.core.models import SentForm

FIELD = "form_token"
KEEP = datetime.timedelta(days=2)  # a resend later than this makes a new record
_TOKEN = re.compile(r"[0-9a-f]{32}")
_UNSENT = {"csrfmiddlewaretoken", FIELD, "loaded_at"}  # not part of what was sent


def token() -> str:
    """A new token for a create form being shown."""
    return uuid.uuid4().hex


def digest(data: QueryDict) -> str:
    """What a form sent, as one hash: its fields and values in order, without the CSRF token, the
    form token and the edit stamp."""
    h = hashlib.sha256()
    for name in sorted(k for k in data if k not in _UNSENT):
        for value in data.getlist(name):
            h.update(f"{name}\0{value}\0".encode())
    return h.hexdigest()


def create_once(user: Any, data: QueryDict, label: str, create: Callable[[], Any]) -> tuple[int, bool]:
    """The pk of the record this form made: `create()`'s new one (True), or, when the same user sent
    the same content with the same token before, the one that sending made (False). `create` runs
    in one transaction, with the claim of the token: a refused create (it raises) frees it."""
    sent = data.get(FIELD) or ""
    if not _TOKEN.fullmatch(sent):
        with transaction.atomic():
            return create().pk, True
    key = {"user": user, "token": sent, "digest": digest(data)}
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SentForm.objects.create(**key, object_label=label)
        except IntegrityError:
            # The same form was sent before (its transaction committed; a concurrent one waited for it).
            done = SentForm.objects.filter(**key).values_list("object_id", flat=True).first()
            if done is None:
                raise
            return done, False
        made = create()
        claim.object_id = made.pk
        claim.save(update_fields=["object_id"])
    return made.pk, True


def forget_old() -> int:
    """Drop the claims older than `KEEP` (the worker, daily)."""
    deleted, _ = SentForm.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted


def form_token(request: Any) -> str:
    """The token a create form is shown with: the one it was sent with when shown again after a
    refusal (so the corrected form still counts as the same), else a new one."""
    sent = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return sent if _TOKEN.fullmatch(sent) else token()


def tell(request: Any, made: bool, message: Any) -> None:
    """The message after a create form: `message` for a new record, else that it was made before."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    if made:
        messages.success(request, message)
    else:
        messages.info(request, _("This form had been sent already: here is the record it made."))
