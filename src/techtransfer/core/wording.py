"""Small pieces of wording that depend on the active language."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import get_language, gettext


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def list_separator() -> str:
    """What separates the items of a run-in list: 、 in Chinese, a comma elsewhere."""
    return "、" if _chinese() else ", "


def run_in_list(items: Iterable[object]) -> str:
    return list_separator().join(str(i) for i in items)


def clause_separator() -> str:
    """What separates clauses run into one line: ； in Chinese, a semicolon and a space elsewhere."""
    return "；" if _chinese() else "; "


def phrase_separator() -> str:
    """What separates the phrases of one clause ("name: 张三, affiliation: 南昌大学"): ， in Chinese, a
    comma and a space elsewhere (、 would join the items of a list, not labelled phrases)."""
    return "，" if _chinese() else ", "


def colon_gap() -> str:
    """What follows a colon ending in the text itself ("Why this result:"): nothing after Chinese's
    full-width one, a space otherwise."""
    return "" if _chinese() else " "


def colon() -> str:
    """After a label written out on its own: Chinese's full-width ： alone, ": " otherwise."""
    return "：" if _chinese() else ": "


def labelled(label: object, value: object) -> str:
    """ "Industry: New materials" / "行业：新材料"."""
    return gettext("%(filter)s: %(value)s") % {"filter": label, "value": value}


_CJK = re.compile(r"[\u3400-\u9fff]")


def record_lang(text: str) -> str:
    """` lang="zh-Hans"` for a record's Chinese text on a page in another language, so that a screen
    reader reads it with a Chinese voice (it read it with the page's English one); else nothing."""
    return ' lang="zh-Hans"' if not _chinese() and _CJK.search(text or "") else ""
