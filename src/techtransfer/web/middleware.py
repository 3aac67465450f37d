"""htmx requests whose session has ended.

A view behind `login_required` answers a redirect to the login page. htmx follows it and swaps the
whole login page into the fragment's place (inside an entry form, where it took the focus and the
typing). For an htmx request the redirect becomes a short notice with a link that opens the login
page in a new tab, so what the form holds can still be copied from the page (it cannot be sent: its
CSRF token belonged to the old session).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse


class HtmxLoginNoticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 302 or not request.headers.get("HX-Request"):
            return response
        if urlsplit(response.get("Location", "")).path != reverse("login"):
            return response
        page = request.headers.get("HX-Current-URL", "")
        notice = render_to_string("web/_session_ended.html", {"next": urlsplit(page).path or "/"}, request=request)
        return HttpResponse(notice)
