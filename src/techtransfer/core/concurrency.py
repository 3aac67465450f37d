"""Edits that started from an older version of a record (two windows, two colleagues).

An edit form carries the `updated_at` of the record it was filled from (`stamp`, a hidden input
named `loaded_at`); the service, holding the record's row lock, refuses the edit when the record has
changed since (`check_unchanged`: Errors.EDITED_MEANWHILE, 409), so the second of two saves no longer
silently undoes the first. The form is shown again with the user's text and the current stamp: saving
once more replaces the other changes knowingly. Callers that send no stamp (the API, imports) are not
checked.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from techtransfer.core.errors import DomainError, Errors

FIELD = "loaded_at"  # the hidden input's name


def stamp(record: Any) -> str:
    """The version of `record` an edit form starts from."""
    return record.updated_at.isoformat()


def check_unchanged(record: Any, loaded_at: str | None) -> None:
    """Refuse an edit filled from another version of `record` (call with the row locked)."""
    if loaded_at and loaded_at != stamp(record):
        raise DomainError(Errors.EDITED_MEANWHILE, details={"current": stamp(record)})


def form_stamp(request: HttpRequest, record: Any) -> str | None:
    """The version an edit form works from: the one it was filled from when posted, else `record`'s
    (the edit form's hidden input, `web/_loaded_at.html`)."""
    return request.POST.get(FIELD) if request.method == "POST" else stamp(record)


def stamp_after(exc: DomainError, loaded_at: str | None) -> str | None:
    """The stamp to show the form again with after a refused edit: the current version when the
    record changed meanwhile (saving again then replaces the other changes knowingly)."""
    current = exc.details.get("current")
    return current if exc.error == Errors.EDITED_MEANWHILE and isinstance(current, str) else loaded_at
