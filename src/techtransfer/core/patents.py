"""Chinese patent numbers as people write them on a listing: application numbers (申请号, with or
without ZL and the dot) carry a check digit, which is verified; publication and grant numbers (CN…A,
CN…B, CN…U, and foreign ones such as US10123456B2) are checked for their form only."""

from __future__ import annotations

import re
import unicodedata

_APPLICATION = re.compile(r"(?:ZL|CN)?(\d{8}|\d{12})\.?([\dX])")
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


def wrong_numbers(value: str) -> list[str]:
    """The entries of `value` that are not patent numbers, or whose check digit is wrong."""
    wrong = []
    for number in split_numbers(value):
        app = _APPLICATION.fullmatch(number)
        if app is not None:
            if check_digit(app.group(1)) != app.group(2):
                wrong.append(number)
        elif _PUBLICATION.fullmatch(number) is None:
            wrong.append(number)
    return wrong
