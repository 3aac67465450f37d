"""Small pieces of wording that depend on the active language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language


def list_separator() -> str:
    """What separates the items of a run-in list: 、 in Chinese, a comma elsewhere."""
    return "、" if (get_language() or "").startswith("zh") else ", "


def run_in_list(items: Iterable[object]) -> str:
    return list_separator().join(str(i) for i in items)
