"""Listeners told which objects changed, inside the transaction that changed them.

`record_event` announces its object; bulk paths that change many rows with one event call
`objects_changed` themselves. The search app registers a listener that writes its outbox rows, so
the index follows the database without signals and without `audit` importing `search`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Listener = Callable[[str, Sequence[str]], None]

_LISTENERS: list[Listener] = []


def register_after_event(fn: Listener) -> Listener:
    """Call `fn(object_type, object_ids)` for every change announced from now on (idempotent)."""
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)
    return fn


def objects_changed(object_type: str, object_ids: Sequence[object]) -> None:
    """Announce that the objects `object_type` ("app_label.model") with `object_ids` changed.

    Call inside the transaction of the change: listeners write rows that must commit or roll back
    with it.
    """
    if not object_ids:
        return
    ids = [str(i) for i in object_ids]
    for fn in _LISTENERS:
        fn(object_type, ids)
