"""The vendored libraries are served gzip-compressed to browsers that accept it (phones on slow
networks), from pre-compressed twins kept in step with the files (scripts/compress_static.py)."""

import gzip
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
ASSETS = sorted(p for p in VENDOR.rglob("*") if p.suffix in (".js", ".css"))


def test_every_vendored_script_and_stylesheet_has_an_up_to_date_gzip_twin():
    assert [p.relative_to(VENDOR).as_posix() for p in ASSETS] == [
        "bootstrap/bootstrap.bundle.min.js",
        "bootstrap/bootstrap.min.css",
        "echarts/echarts.min.js",
        "htmx/htmx.min.js",
    ]
    for path in ASSETS:
        twin = path.with_name(path.name + ".gz")
        assert twin.is_file(), f"run scripts/compress_static.py: {twin.name} is missing"
        assert gzip.decompress(twin.read_bytes()) == path.read_bytes(), (
            f"run scripts/compress_static.py: {twin.name} is stale"
        )


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/static/vendor/bootstrap/bootstrap.min.css", "text/css"),
        ("/static/vendor/echarts/echarts.min.js", "text/javascript"),
    ],
)
def test_static_files_are_sent_compressed_only_to_who_accepts_gzip(client, url, content_type):
    path = VENDOR / url.removeprefix("/static/vendor/")
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert b"".join(plain.streaming_content) == path.read_bytes()
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip" and packed["Content-Type"].startswith(content_type)
    assert packed["Vary"] == "Accept-Encoding"
    body = b"".join(packed.streaming_content)
    assert len(body) < len(path.read_bytes()) / 3
    assert gzip.decompress(body) == path.read_bytes()


def test_favicon_ico_leads_to_the_pages_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/web/favicon") and response["Location"].endswith(".svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert b"".join(icon.streaming_content).startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.django_db
def test_pages_carry_the_same_icon_inline(client):
    page = client.get("/").content.decode()
    href = re.search(r'<link rel="icon" href="data:image/svg\+xml,([^"]*)"', page)
    assert href is not None
    icon = Path(__file__).resolve().parents[1] / "static" / "web" / "favicon.svg"
    assert unquote(href.group(1)) == icon.read_text(encoding="utf-8").strip()
