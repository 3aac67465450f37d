"""The application number of a patent attached to an achievement, as the web form, the import and the
API read it: a Chinese application number (201710601862.3, ZL 2017 1 0601862.3, ２０１７１０６０１８６２．３,
2017106018623, 97101765.4) must carry its right check digit (`core.patents`). Other numbers pass as
before: publication numbers (CN116000000A) have no check digit, and numbers of other offices or of
other kinds of IP (software copyrights, standards, plant varieties) are not checked. Model-free, like
`registration_numbers`, so that the API need not import the importer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.choices import IPKind
from techtransfer.core import patents
from techtransfer.core.filters import shown_value

# The kinds whose application number is a Chinese patent application number (with a check digit).
PATENT_KINDS = frozenset({IPKind.INVENTION_PATENT, IPKind.UTILITY_MODEL, IPKind.DESIGN_PATENT})
CHECK_DIGIT_MESSAGE = _(
    "%(field)s: “%(value)s” is not a valid Chinese patent application number: its check digit (the last "
    "character) does not match the digits before it."
)


def application_number_error(n: int, kind: str, number: str) -> str | None:
    """The refusal of entry `n`'s application number when the entry is a patent and the number reads as
    a Chinese application number whose check digit is wrong (`core.patents.has_wrong_check_digit`:
    full-width characters and spaces read as typed), naming the entry and quoting the number; None
    otherwise (publication numbers, numbers of other offices and of other kinds of IP are not checked)."""
    if kind not in PATENT_KINDS or not patents.has_wrong_check_digit(number):
        return None
    field = _("Entry %(n)d, application number") % {"n": n}
    return str(CHECK_DIGIT_MESSAGE % {"field": field, "value": shown_value(number)})
