"""`{% site_icon_uri %}`: the site icon (static/web/favicon.svg, also what /favicon.ico leads to) as
a data: URI, so pages carry it inline and no page costs a request for it."""

import functools
from pathlib import Path
from urllib.parse import quote

from django import template

register = template.Library()

ICON = Path(__file__).resolve().parents[1] / "static" / "web" / "favicon.svg"


@register.simple_tag
@functools.cache
def site_icon_uri() -> str:
    return "data:image/svg+xml," + quote(ICON.read_text(encoding="utf-8").strip(), safe=" /=:'")
