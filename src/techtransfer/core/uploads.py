"""Upload checks shared by every form and endpoint that accepts files.

The type is decided from the file's content (magic bytes, via `filetype`), never from its name or
the browser's Content-Type; the extension must also agree with the content, so `report.pdf` that is
really a PNG is refused. Size is checked before the content is read.
"""

from __future__ import annotations

import re
from typing import IO

import filetype
from django.conf import settings

from techtransfer.core.errors import DomainError, Errors

# kind name -> (MIME type, accepted extensions)
KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"pdf"})),
    "png": ("image/png", frozenset({"png"})),
    "jpeg": ("image/jpeg", frozenset({"jpg", "jpeg"})),
    "webp": ("image/webp", frozenset({"webp"})),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"})),
}
DOCUMENTS_AND_IMAGES = frozenset({"pdf", "png", "jpeg", "webp"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def upload_name(name: str | None, *, limit: int = 200) -> str:
    """The name an uploaded file is kept and downloaded under: its last part after any / or \\ (Django's
    form parser does this, an uploaded file given to a service directly may not: "..\\x.png" made the
    storage refuse it as a path traversal), without control characters (line breaks), at most `limit`
    characters; "file" when nothing is left."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = _CONTROL.sub("", base).strip()
    return base[:limit] if base.strip(".") else "file"


def check_upload(
    *, name: str, size: int, head: bytes, allowed: frozenset[str] = DOCUMENTS_AND_IMAGES, max_bytes: int | None = None
) -> str:
    """Return the detected MIME type, or raise DomainError(UPLOAD_SIZE | UPLOAD_TYPE).

    `head` is the first bytes of the file (at least 262, as `filetype` reads).
    """
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    if size <= 0 or size > limit:
        raise DomainError(Errors.UPLOAD_SIZE, details={"size": size, "max_bytes": limit})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    guess = filetype.guess(head)
    # xlsx is a zip container; filetype reports it as xlsx when it can see the OOXML parts, else zip.
    mime = guess.mime if guess is not None else ""
    for kind in allowed:
        kind_mime, extensions = KINDS[kind]
        if extension in extensions and (mime == kind_mime or (kind == "xlsx" and mime == "application/zip")):
            return kind_mime
    raise DomainError(Errors.UPLOAD_TYPE, details={"name": name, "detected": mime or "unknown"})


def check_uploaded_file(f: IO[bytes], *, name: str, size: int, allowed: frozenset[str] = DOCUMENTS_AND_IMAGES) -> str:
    """`check_upload` for a file object (Django UploadedFile); the read position is restored."""
    position = f.tell()
    head = f.read(2048)
    f.seek(position)
    return check_upload(name=name, size=size, head=head, allowed=allowed)
