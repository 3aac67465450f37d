"""An achievement's registration number as people type it, read the same way by every form.

The number has 12 digits (body code 3, year 4, type digit 1, serial 4: `services.next_registration_number`).
Typed with a Chinese input method it comes in full-width digits (３６０２…), copied from a certificate
it comes grouped with spaces (3602 0261 0001): both are the same number. This module is model-free
(like `choices.py`), so the forms of other apps (contracts, matchmaking) read numbers as the
achievements app does and say the same thing about a number of the wrong length.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from techtransfer.core.ids import typed_number

REGISTRATION_DIGITS = 12  # 360202612509
# What a field lets through as typed: room for spaces between the groups and around the number.
TYPED_MAX = 32


def normalise(value: object) -> str:
    """The number as stored: full-width characters made ASCII (NFKC: ３６ → 36) and every space
    (the ideographic one too) removed (`core.ids.typed_number`). The result may still be invalid."""
    return typed_number(value)


def is_valid(number: str) -> bool:
    """Is `number` (normalised) 12 ASCII digits? `str.isdigit()` alone also accepts ² and ١."""
    return len(number) == REGISTRATION_DIGITS and number.isascii() and number.isdigit()


def read(value: object) -> str:
    """`value` normalised, if it is a registration number; else a ValidationError saying why: its
    length (code `number_length`) or a character that is not a digit (code `number_characters`)."""
    number = normalise(value)
    if len(number) != REGISTRATION_DIGITS:
        raise ValidationError(
            _("A registration number has %(digits)d digits; this one has %(n)d characters."),
            code="number_length",
            params={"digits": REGISTRATION_DIGITS, "n": len(number)},
        )
    if not is_valid(number):
        raise ValidationError(
            _("A registration number has digits only (0–9), no letters or signs."), code="number_characters"
        )
    return number


class RegistrationNumberField(forms.CharField):
    """A text field whose clean value is a normalised registration number (or "" when left empty and
    not required). The length limit is on what is typed (`TYPED_MAX`), so that grouped numbers fit
    and a number of the wrong length hears its length rather than a generic "at most N characters"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", TYPED_MAX)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return read(text) if text else ""
