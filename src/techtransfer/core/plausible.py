"""Amounts in yuan more likely a slip than a price, which a form asks to confirm before saving.

A technology contract or a challenge's bounty below 1,000 yuan was most likely typed in 10,000 yuan
(380 for 3.8 million); one of 100 million yuan or more most likely has digits too many. Either can be
right, so it is saved once the user confirms it ("The amount is right"), not refused. A contract linked
to a market deal is compared with the deal's agreed amount instead (`contracts.services`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SMALLEST = Decimal(1000)  # yuan: below it, asked
LARGEST = Decimal(100_000_000)  # yuan (1亿): from it, asked

Unusual = Literal["small", "large"]


def unusual_yuan(amount: Decimal | None) -> Unusual | None:
    """Which way `amount` is unusual: "small" below `SMALLEST`, "large" from `LARGEST`; None for a usual
    amount or none."""
    if amount is None or amount <= 0:
        return None
    if amount < SMALLEST:
        return "small"
    if amount >= LARGEST:
        return "large"
    return None


def confirmation_request(kind: Unusual, amount: str, what: StrOrPromise) -> str:
    """What a form says at an unusual amount: `amount` as the page writes it (1,000.00), `what` the
    amount's name in the page's language ("The contract amount"), ahead of the box that lets it through."""
    if kind == "small":
        text = _(
            "%(what)s of %(amount)s yuan is less than 1,000 yuan: was it typed in 10,000 yuan? Tick “The amount "
            "is right” to save it anyway."
        )
    else:
        text = _(
            "%(what)s of %(amount)s yuan is 100 million yuan or more: check the unit and the number of digits. "
            "Tick “The amount is right” to save it anyway."
        )
    return text % {"what": what, "amount": amount}
