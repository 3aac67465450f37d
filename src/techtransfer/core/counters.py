"""Serial numbers without collisions: one counter row per key, locked and advanced in one statement.

Used by the registration numbers of achievements and of technology contracts. The caller owns the
counter model (a `last_serial` integer plus the key columns, unique together) and the number format;
this module owns the locking recipe: get or create the row, lock it (`select_for_update`), advance it
with `F()`, read it back. Two registrations at the same moment wait for each other and get consecutive
serials. Call inside a transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import F


def take_serials(model: type[models.Model], *, key: Mapping[str, Any], maximum: int, count: int = 1) -> range | None:
    """Reserve `count` consecutive serials of the counter `key`; None when they would pass `maximum`
    (the counter is left as it was, and the caller raises its own "numbers exhausted" error)."""
    manager = model._default_manager
    counter, _created = manager.get_or_create(**key)
    locked: Any = manager.select_for_update(of=("self",)).get(pk=counter.pk)
    if locked.last_serial + count > maximum:
        return None
    manager.filter(pk=locked.pk).update(last_serial=F("last_serial") + count)
    locked.refresh_from_db(fields=["last_serial"])
    last = int(locked.last_serial)
    return range(last - count + 1, last + 1)
