"""Unified social credit code (统一社会信用代码) validation per GB 32100-2015.

The code has 18 characters: registration authority (1), organisation category (1), the 6-digit
administrative division code, the 9-character organisation code (GB 11714, itself with a check
character) and a final check character computed over the first 17 with weights 3^i mod 31.
"""

from __future__ import annotations

from techtransfer.core.ids import typed_number

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, …


def check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """The code as it is stored: full-width characters made ASCII (NFKC: ９１ＭＡ → 91MA), every space
    (the ideographic one too) removed (`core.ids.typed_number`), upper case. Applied before any check,
    so that a code copied from a document in full-width or grouped in fours is read as the code it is."""
    return typed_number(code).upper()


def problem(code: str) -> str | None:
    """Return None when `code` is valid, else the reason: 'length', 'character' or 'check'."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    if any(ch not in _VALUE for ch in code):
        return "character"
    if not code[2:8].isdigit():
        return "character"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


# What the first two characters say of the registrant (GB 32100-2015 appendix: the registration
# authority, then its category): 11 机关, 12 事业单位, 5x 社会组织 (民政), 9x 企业 (市场监管).
STATE_ORGAN = "state_organ"
PUBLIC_INSTITUTION = "public_institution"
SOCIAL_ORGANISATION = "social_organisation"
ENTERPRISE = "enterprise"
_KIND_BY_PREFIX = {"11": STATE_ORGAN, "12": PUBLIC_INSTITUTION}
_KIND_BY_AUTHORITY = {"5": SOCIAL_ORGANISATION, "9": ENTERPRISE}


def registrant_kind(code: str) -> str | None:
    """The kind of registrant the code's first two characters name (one of the constants above), or
    None when they say none of these (another authority or category, or no code)."""
    code = normalise(code or "")
    return _KIND_BY_PREFIX.get(code[:2]) or _KIND_BY_AUTHORITY.get(code[:1])


def is_valid(code: str) -> bool:
    return problem(code) is None


def make(prefix17: str) -> str:
    """Complete a 17-character prefix with its check character (used for demo and test data)."""
    prefix17 = normalise(prefix17)
    if len(prefix17) != 17:
        raise ValueError("prefix must have 17 characters")
    return prefix17 + check_character(prefix17)
