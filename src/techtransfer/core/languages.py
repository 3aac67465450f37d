"""Stored text read in the reader's language.

A notification or a job's progress is written once, by whoever's action or by the worker, and read
later by people who each read the platform in their own language (the page's, chosen with the
language switch). What is written is therefore rendered in every language of the platform
(`settings.LANGUAGES`, two) when it is stored, and the reader's is picked when it is shown.

Rendering at write time, rather than keeping a message id and its parameters, lets the writers keep
composing their messages freely (several translated pieces, choice labels, lists joined the way each
language joins them). Rows stored before these renderings existed, or in a language added later,
show the text they were written in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

T = TypeVar("T")

# A text to store: language-neutral as it is (a name, a number, what a person typed), or a function
# that returns it in the active language (or a lazy translation).
Text = str | Promise | Callable[[], str]


def render(text: Text) -> str:
    """`text` in the active language."""
    return str(text()) if callable(text) else str(text)


def translatable(*texts: Text) -> bool:
    """Does any of `texts` read differently by language (a function or a lazy translation)?"""
    return any(callable(t) or isinstance(t, Promise) for t in texts)


def languages() -> list[str]:
    """The platform's languages, its default first."""
    codes = [code for code, _name in settings.LANGUAGES]
    return sorted(codes, key=lambda code: code != settings.LANGUAGE_CODE)


def in_every_language(make: Callable[[], T]) -> dict[str, T]:
    """`make()` called once in each of the platform's languages, by language code."""
    made: dict[str, T] = {}
    for code in languages():
        with translation.override(code):
            made[code] = make()
    return made


def for_reader(texts: Mapping[str, T], fallback: T) -> T:
    """The entry of `texts` in the active language, else `fallback` (the text as first stored)."""
    if not texts:
        return fallback
    active = translation.get_language() or settings.LANGUAGE_CODE
    if active in texts:
        return texts[active]
    try:
        variant = translation.get_supported_language_variant(active)
    except LookupError:
        return fallback
    return texts.get(variant, fallback)
