"""Small pieces of wording that depend on the active language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language


def list_separator() -> str:
    """What separates the items of a run-in list: 、 in Chinese, a comma elsewhere."""
    return "、" if (get_language() or "").startswith("zh") else ", "


def run_in_list(items: Iterable[object]) -> str:
    return list_separator().join(str(i) for i in items)


def clause_separator() -> str:
    """What separates clauses run into one line: ； in Chinese, a semicolon and a space elsewhere."""
    return "；" if (get_language() or "").startswith("zh") else "; "


def labelled(label: object, value: object) -> str:
    """ "Industry: New materials" / "行业：新材料"."""
    from django.utils.translation import gettext

    return gettext("%(filter)s: %(value)s") % {"filter": label, "value": value}
