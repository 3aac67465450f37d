"""Telephone numbers as people in China write them: 0791-86212345, (0791)86212345, +86 138 0013 8000,
an extension after 转, ext or #. Typed full-width (０７９１－８６２１２３４５, （０７９１）) they are read
half-width. Letters, or fewer than 7 digits, are refused: a number a caller cannot dial is lost."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from techtransfer.core.errors import DomainError, Errors

# (0791)…, (+86)…, +86…, 0791…; then digits, spaces, ( ) and -; an extension at the end.
_NUMBER = re.compile(r"\(?\+?[0-9][0-9 ()\-]*(?:\s*(?:转|分机|ext\.?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)
MIN_DIGITS, MAX_DIGITS = 7, 20

MESSAGE = _("Enter a telephone number: digits with + - ( ) and spaces, e.g. 0791-86212345 or +86 138 0013 8000.")


def normalise(value: str) -> str:
    """Half-width, spaces collapsed, ends stripped (— and ― typed for a hyphen read as -)."""
    folded = unicodedata.normalize("NFKC", value or "").replace("—", "-").replace("―", "-").replace("－", "-")
    return " ".join(folded.split())


def is_valid(value: str) -> bool:
    """Whether `value` (normalised; "" is valid: the number is optional) can be dialled."""
    if not value:
        return True
    return bool(_NUMBER.fullmatch(value)) and MIN_DIGITS <= sum(c.isdigit() for c in value) <= MAX_DIGITS


def checked(value: str, field: str = "contact_phone") -> str:
    """`value` normalised, or a VALIDATION DomainError naming `field` (the services' check, for the API)."""
    number = normalise(value)
    if not is_valid(number):
        raise DomainError(Errors.VALIDATION, details={field: [str(MESSAGE)]})
    return number


class PhoneField(forms.CharField):
    """A form field for a telephone number: normalised (`normalise`), refused with `MESSAGE` when it
    cannot be dialled; at most 32 characters, as the models store."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> str:
        return normalise(str(super().to_python(value)))

    def validate(self, value: str) -> None:
        super().validate(value)
        if not is_valid(value):
            raise forms.ValidationError(MESSAGE, code="phone")
