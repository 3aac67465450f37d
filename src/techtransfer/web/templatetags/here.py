"""The address of the current page, for links that come back to it (log in, change the language)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

register = template.Library()


@register.filter
def here(request: HttpRequest) -> str:
    """`request.get_full_path()` rebuilt from the parsed query: a query string sent as raw UTF-8
    bytes (curl, some crawlers; browsers percent-encode) reaches Django as Latin-1 text, and
    get_full_path would turn 稀土 into ç¨\\x80…, so the link would come back to another question.

    A page that answers a POST (a form shown again with its errors) cannot be asked for again: its
    address takes POST only (changing the language there gave an empty 405 page). Coming back goes
    to the page the form was on (the referring page of this site), else the home page."""
    if request.method not in ("GET", "HEAD"):
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        if referer.netloc == request.get_host() and referer.path.startswith("/"):
            return referer.path + (f"?{referer.query}" if referer.query else "")
        return "/"
    query = request.GET.urlencode()
    return escape_uri_path(request.path) + (f"?{query}" if query else "")
