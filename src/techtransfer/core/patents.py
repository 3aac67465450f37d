"""Chinese patent numbers as people write them: application numbers (申请号, with or without ZL/CN
and the dot) carry a check digit, which is verified; publication and grant numbers (CN…A, CN…B,
CN…U, and foreign ones such as US10123456B2) are checked for their form only.

The check digit: the 8 (1985–2003) or 12 (since 2003) digits times 2, 3, 4, 5, 6, 7, 8, 9, 2, 3,
4, 5, summed, modulo 11, 10 written X. Verified against real numbers: 202010208203.5 (of CN111504366B
in ../shared/data/cn_patents), 202311419309.X (of CN117151122A, same data), 201811283407.4,
202310918296.4, 202011502234.8, 202110880092.7, 202311013721.1, 202111186229.5, the PCT national
phase 201080063196.9, the 8-digit 97101765.4 and 95115608.X (CNIPA records on public patent sites:
the dataset itself holds publication numbers only).
"""

from __future__ import annotations

import re
import unicodedata

from techtransfer.core.ids import typed_number

# With the dot, 8 or 12 digits and the check character; without it, 12 digits and the check character,
# or 8 and the check character when the first two digits are a year of the 8-digit numbers (85–99,
# 00–03): CN105000000, a publication number written without its kind code, is not one.
_APPLICATION = re.compile(r"(?:ZL|CN)?(?:(\d{8}|\d{12})\.|(\d{12})|((?:8[5-9]|9\d|0[0-3])\d{6}))([\dX])")
_PUBLICATION = re.compile(r"[A-Z]{2}\d{5,12}(?:[A-Z]\d?)?")
_SEPARATORS = re.compile(r"[\s,，;；、/]+")
_PREFIX_SPACE = re.compile(r"\b(ZL|CN)\s+(?=\d)")  # "ZL 201710601862.3": one number
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def check_digit(digits: str) -> str:
    """The check digit of an 8- or 12-digit application number: the digits times 2, 3, … 9, 2, … 5,
    summed, modulo 11; 10 is written X (201710601862 → 3)."""
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False)) % 11
    return "X" if remainder == 10 else str(remainder)


def split_numbers(value: str) -> list[str]:
    """The numbers of a field that may hold several (commas, semicolons, 、 or spaces between them);
    full-width digits (２０１７…, a Chinese keyboard) are read as digits and a space after ZL or CN
    is dropped; other inner spaces ("2017 1 0601862.3") cannot be told from separators."""
    text = _PREFIX_SPACE.sub(r"\1", unicodedata.normalize("NFKC", value).upper())
    return [n for n in _SEPARATORS.split(text) if n]


def application_parts(number: str) -> tuple[str, str] | None:
    """(digits, check character) of `number` (one number, in capitals) when it reads as a Chinese
    application number (`_APPLICATION`); None for anything else (a publication number, a number of
    another office or kind)."""
    app = _APPLICATION.fullmatch(number)
    if app is None:
        return None
    return next(g for g in app.groups()[:3] if g), app.group(4)


def has_wrong_check_digit(value: object) -> bool:
    """Is `value`, the content of a field holding one number, a Chinese application number whose
    check digit is wrong? Read as typed: full-width characters and spaces anywhere ("ZL 2017 1
    0601862.3", `core.ids.typed_number`), any case. False for what is not an application number."""
    parts = application_parts(typed_number(value).upper())
    return parts is not None and check_digit(parts[0]) != parts[1]


def wrong_numbers(value: str) -> list[str]:
    """The entries of `value` that are not patent numbers, or whose check digit is wrong."""
    wrong = []
    for number in split_numbers(value):
        app = application_parts(number)
        if app is not None:
            if check_digit(app[0]) != app[1]:
                wrong.append(number)
        elif _PUBLICATION.fullmatch(number) is None:
            wrong.append(number)
    return wrong
