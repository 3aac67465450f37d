"""`money`: yuan with thousands separators and two decimals, the same in every language;
`may_see_subsidies`: whether to offer the subsidy overview; `may_see_statistics`: whether the full
statistics page (404 for others) or the public summary is linked."""

from decimal import Decimal
from typing import Any

from django import template

from techtransfer.contracts import access

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def may_see_subsidies(user: Any) -> bool:
    """`{% if user|may_see_subsidies %}`: the check the subsidy overview makes (`access`)."""
    return bool(getattr(user, "is_authenticated", False)) and access.may_see_subsidies(user)


@register.filter
def may_see_statistics(user: Any) -> bool:
    """`{% if user|may_see_statistics %}`: the check the statistics page makes (`access`)."""
    return bool(getattr(user, "is_authenticated", False)) and access.may_see_statistics(user)
