"""Reading record ids (and other whole numbers) from query strings and form posts."""

from __future__ import annotations

import unicodedata

MAX_ID = 2**63 - 1  # the largest value of a 64-bit integer column, the widest id any table has
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value: object) -> int | None:
    """`value` as a database id or other non-negative whole number: ASCII digits only, at most
    MAX_ID; None for anything else. `str.isdigit()` alone also accepts ² and ١ (which `int()`
    refuses or reads as 1) and numbers no database column holds (a 500 instead of a 404)."""
    text = str(value) if value is not None else ""
    if not text or not text.isascii() or not text.isdigit() or len(text) > _MAX_DIGITS:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def typed_number(value: object) -> str:
    """A number or code (registration number, contract number, credit code) as typed on a Chinese
    keyboard or copied from a certificate, made what is stored: full-width characters ASCII (NFKC:
    ３６ → 36) and every space (the ideographic one too) removed. Nothing is checked: the caller says
    what the number must be."""
    return "".join(unicodedata.normalize("NFKC", str(value if value is not None else "")).split())
