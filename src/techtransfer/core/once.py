"""A create form sent twice makes one record.

A double-click, a retry after a timeout, or Back and "send again" posts the same form twice. The
view makes its record through `create_once`, which claims (user, form, digest of what was sent) in
the same transaction as the record, under a unique constraint. A second post of the same content
within `KEEP` waits for the first (the unique row), then gets the record it made, and the view opens
it with a message. Another content (the form changed after Back) is a new record; so is the same
content sent again after `KEEP`. Callers that do not go through it (the API, imports) are not
checked. ADR 0026.

(A token per form shown was tried first: a browser going Back shows the form again with what was
typed but, for a page that is not kept, a new token, so the second send looked new.)
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from techtransfer.core.models import SentForm

KEEP = datetime.timedelta(minutes=10)  # the same content sent later makes a new record
_UNSENT = {"csrfmiddlewaretoken", "loaded_at"}  # not part of what was sent


def digest(data: QueryDict) -> str:
    """What a form sent, as one hash: its fields and values in order, without the CSRF token and
    the edit stamp."""
    h = hashlib.sha256()
    for name in sorted(k for k in data if k not in _UNSENT):
        for value in data.getlist(name):
            h.update(f"{name}\0{value}\0".encode())
    return h.hexdigest()


def create_once(user: Any, data: QueryDict, label: str, create: Callable[[], Any]) -> tuple[int, bool]:
    """The pk of the record this form made: `create()`'s new one (True), or, when the same user sent
    the same content to the same form within `KEEP`, the one that sending made (False). `create`
    runs in one transaction with the claim: a refused create (it raises) frees it."""
    key = {"user": user, "object_label": label, "digest": digest(data)}
    with transaction.atomic():
        SentForm.objects.filter(**key, created_at__lt=timezone.now() - KEEP).delete()  # an old sending
        try:
            with transaction.atomic():
                claim = SentForm.objects.create(**key)
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


def tell(request: Any, made: bool, message: Any) -> None:
    """The message after a create form: `message` for a new record, else that it was made before."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    if made:
        messages.success(request, message)
    else:
        messages.info(request, _("This form was already submitted; here is the record it created."))
