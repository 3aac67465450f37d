"""Lists run into a sentence, punctuated for the active language (、 and ； in Chinese)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from techtransfer.core.wording import clause_separator, colon_gap, labelled, list_separator, run_in_list
from techtransfer.core.wording import colon as colon_text

register = template.Library()


@register.filter
def run_in(items: Iterable[object]) -> str:
    """稀土、永磁 / rare earth, magnet."""
    return run_in_list(items)


@register.filter
def clauses(items: Iterable[object]) -> str:
    """行业：新材料；地区：江西省 / Industry: New materials; Region: Jiangxi."""
    return clause_separator().join(str(i) for i in items)


@register.filter(name="labelled")
def labelled_filter(label: object, value: object) -> str:
    """{{ label|labelled:value }}: "Industry: New materials" / "行业：新材料"."""
    return labelled(label, value)


@register.simple_tag
def list_sep() -> str:
    """Between the items of a list written out in a loop: 、 or ", "."""
    return list_separator()


@register.simple_tag
def gap() -> str:
    """After a colon: nothing after Chinese's full-width one, a space otherwise."""
    return colon_gap()


@register.simple_tag
def colon() -> str:
    """After a label written out in a template ({% translate "Broker" %}{% colon %}…): Chinese's
    full-width ： alone, ": " otherwise (Chinese pages read 技术经纪人: 冯, with a Latin colon)."""
    return colon_text()


@register.filter
def wan(value: object) -> str:
    """An amount in 10,000 yuan as people read it: "50.00 万元" in Chinese, "500,000 yuan" in English
    (it read "50.00 10,000 yuan", two numbers)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if get_language() == "zh-hans":
        return f"{amount:.2f} 万元"
    return _("%(amount)s yuan") % {"amount": f"{amount * 10000:,.0f}"}
