"""The kinds of notification users can switch on and off. Domain apps register theirs at import time;
this shared app imports no domain app."""

from __future__ import annotations

from django.utils.functional import Promise

KINDS: dict[str, Promise | str] = {}


def register_kind(kind: str, label: Promise | str) -> str:
    KINDS[kind] = label
    return kind
