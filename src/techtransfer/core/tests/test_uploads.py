import io

import pytest

from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.uploads import check_upload, check_uploaded_file

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b" " * 300
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 300


def test_content_and_extension_must_agree():
    assert check_upload(name="报告.PDF", size=len(PDF), head=PDF) == "application/pdf"
    assert check_upload(name="logo.png", size=len(PNG), head=PNG) == "image/png"
    with pytest.raises(DomainError) as exc:
        check_upload(name="report.pdf", size=len(PNG), head=PNG)
    assert exc.value.error == Errors.UPLOAD_TYPE
    assert exc.value.details == {"name": "report.pdf", "detected": "image/png"}
    with pytest.raises(DomainError) as exc:
        check_upload(name="script.pdf", size=20, head=b"#!/bin/sh\nrm -rf /\n")
    assert exc.value.details["detected"] == "unknown"


def test_kinds_outside_the_allowed_set_are_refused():
    with pytest.raises(DomainError) as exc:
        check_upload(name="logo.png", size=len(PNG), head=PNG, allowed=frozenset({"pdf"}))
    assert exc.value.error == Errors.UPLOAD_TYPE


def test_size_limits(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(DomainError) as exc:
        check_upload(name="a.pdf", size=1001, head=PDF)
    assert exc.value.error == Errors.UPLOAD_SIZE
    assert exc.value.details == {"size": 1001, "max_bytes": 1000}
    with pytest.raises(DomainError):
        check_upload(name="a.pdf", size=0, head=b"")


def test_file_objects_keep_their_position():
    f = io.BytesIO(PDF)
    assert check_uploaded_file(f, name="a.pdf", size=len(PDF)) == "application/pdf"
    assert f.tell() == 0
