"""`money`: yuan with thousands separators and two decimals, the same in every language."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
