"""htmx requests whose session has ended, and requests that met a locked database.

A view behind `login_required` answers a redirect to the login page. htmx follows it and swaps the
whole login page into the fragment's place (inside an entry form, where it took the focus and the
typing). For an htmx request the redirect becomes a short notice with a link that opens the login
page in a new tab, so what the form holds can still be copied from the page (it cannot be sent: its
CSRF token belonged to the old session).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from techtransfer.core.errors import BUSY_RETRY_AFTER, Errors
from techtransfer.jobs.runtime import is_locked


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


class ContentSecurityPolicyMiddleware:
    """Sends `settings.CONTENT_SECURITY_POLICY` with every response that has none of its own (Django 5.2
    has no CSP support; 6.0 brings it). Placed right after SecurityMiddleware, so that static files
    served by WhiteNoise carry it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class BusyDatabaseMiddleware:
    """A request that meets SQLite's "database is locked" (another writer held the lock past the
    20-second busy timeout, ADR 0003) is answered 503 with `Retry-After` and a message in the
    reader's language that nothing was saved and the request may be sent again, instead of the bare
    500 page. Every service writes in one transaction, and that transaction is the one refused
    (IMMEDIATE transactions take the lock at BEGIN), so nothing of it was saved. The API answers the
    same in its own error shape (`api.api.on_unexpected`, code `busy`); this covers what reaches
    Django. Any other error is left to Django.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_locked(exception):
            return None
        message = str(Errors.BUSY.message)
        if request.path.startswith("/api/"):
            from techtransfer.api.api import error_response

            response = error_response(request, 503, Errors.BUSY.code, message)
        else:
            from techtransfer.web.views import error_page

            in_place = _("The platform is busy and nothing was saved. Send it again in a moment.")
            response = error_page(request, 503, _("The platform is busy"), message, str(in_place))
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response


class MethodNotAllowedPageMiddleware:
    """A page address asked with a method it does not take (a GET of a form's action, typed or from
    history) gets a page in the site's layout and language instead of Django's empty 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        if request.method not in ("GET", "POST"):
            return response
        from techtransfer.web.views import method_not_allowed

        return method_not_allowed(request, response.get("Allow", ""))
