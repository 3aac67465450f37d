"""Home, workspace and health."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from techtransfer.achievements import selectors as achievement_selectors
from techtransfer.audit.access import may_browse_audit
from techtransfer.contracts import selectors as contract_selectors
from techtransfer.core import selectors as core_selectors
from techtransfer.core import services as core_services
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.jurisdiction import government_regions
from techtransfer.core.models import Organisation, User
from techtransfer.jobs.access import jobs_visible_to
from techtransfer.jobs.selectors import worker_status
from techtransfer.needs import access as need_access
from techtransfer.search.outbox import lag as search_lag
from techtransfer.search.semantic.deep import process_stats as rerank_stats
from techtransfer.web.forms import LoginForm
from techtransfer.web.stats import turnover_series


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        Organisation.objects.filter(status=OrganisationStatus.VERIFIED)
        .values_list("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    by_type = [{"name": str(label), "value": counts.get(value, 0)} for value, label in OrganisationType.choices]
    return render(
        request,
        "web/home.html",
        {"series": turnover_series(), "by_type": by_type, "verified_total": sum(counts.values())},
    )


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "memberships": core_selectors.memberships_for(user),  # type: ignore[arg-type]
        "pending": core_selectors.pending_verifications(user)[:50],  # type: ignore[arg-type]
        "jobs": jobs_visible_to(user)[:5],  # type: ignore[arg-type]
        "may_audit": may_browse_audit(user),  # type: ignore[arg-type]
        "waiting": _waiting(user),  # type: ignore[arg-type]
    }
    return render(request, "web/workspace.html", context)


def _waiting(user: User) -> dict[str, int]:
    """How many records wait for this user, shown beside each queue's link: achievements to review
    (and revisions) or to confirm, needs to review, contracts to register. Counts run only for the
    roles that have such queues."""
    counts = {"achievements": 0, "needs": 0, "contracts": 0}
    if government_regions(user, frozenset({str(Role.GOV_REVIEWER)})):
        counts["achievements"] = (
            achievement_selectors.review_queue(user).count() + achievement_selectors.pending_revisions(user).count()
        )
        counts["needs"] = need_access.review_queue(user).count()
        counts["contracts"] = contract_selectors.registration_queue(user).count()
    counts["achievements"] += achievement_selectors.waiting_for_confirmation(user).count()
    return counts


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Pages carry their icon inline; clients that ask for /favicon.ico anyway (bookmarks, feed
    readers) are sent to the same icon as a file."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, worker, search-index lag (unapplied outbox rows) and this process's second search
    stage; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # report, never raise: this is what monitors read
        return JsonResponse({"status": "error", "database": {"status": "error", "error": str(exc)[:200]}}, status=503)
    worker = worker_status()
    index = search_lag()
    # The index behind by more than a worker may be (a worker busy elsewhere, or killed with its rows
    # claimed): search answers with stale records, so monitors should know.
    index_ok = float(index["oldest_seconds"]) <= settings.WORKER_STALE_SECONDS  # type: ignore[arg-type]
    index["status"] = "ok" if index_ok else "lagging"
    overall = "ok" if worker["status"] == "ok" and index_ok else "degraded"
    return JsonResponse(
        {
            "status": overall,
            "database": db,
            "worker": worker,
            "search_index": index,
            "rerank_process": rerank_stats(),
        }
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the site's layout and the visitor's language (Django's own page is bare English)."""
    return _error(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or the record is not published or not visible to you."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 in the site's layout and the visitor's language."""
    explanation = _(
        "You do not have permission to do this. If you think you should, ask your organisation's administrator."
    )
    return _error(request, 403, _("Not allowed"), explanation)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 in the site's layout and language (Django's page is a bare "Bad Request (400)"): mostly a
    form sent with more than the platform accepts (UPLOAD_MAX_BYTES)."""
    explanation = _(
        "The request could not be read, for example because it sent more than the platform accepts. Nothing"
        " was saved. Go back, shorten the text or the file and send it again."
    )
    in_place = _(
        "The request could not be read, for example because it sent more than the platform accepts. Nothing"
        " was saved. Shorten the text or the file and send it again."
    )
    return _error(request, 400, _("The request could not be read"), explanation, in_place)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """405 in the site's layout and language for an address that takes only what its page's button
    sends (Django answers it with an empty page)."""
    explanation = _("This address takes only what the button on its page sends. Go back to that page and use it.")
    in_place = _("This address takes only what the button on its page sends. Reload this page and use its buttons.")
    response = _error(request, 405, _("Use the button on the page"), explanation, in_place)
    response["Allow"] = allowed
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a stale or missing CSRF token (the session changed in another tab, or the page
    was open across a sign-out): Django's page is bare English and says nothing of what to do."""
    explanation = _(
        "The form could not be sent: the page was opened before your session changed (you signed out or in,"
        " perhaps in another tab). Nothing was saved. Go back, copy what you typed, reload the page and send"
        " it again."
    )
    in_place = _(
        "The form could not be sent: the page was opened before your session changed (you signed out or in,"
        " perhaps in another tab). Nothing was saved. Copy what you typed, reload this page and send it again."
    )
    return _error(request, 403, _("The form could not be sent"), explanation, in_place)


def _error(
    request: HttpRequest, status: int, heading: str, explanation: str, in_place: str | None = None
) -> HttpResponse:
    return error_page(request, status, heading, explanation, in_place)


# Where an htmx request's error notice goes: the page-level alert region of web/base.html.
HTMX_ALERT_TARGET = "#htmx-alert"


def error_page(
    request: HttpRequest, status: int, heading: str, explanation: str, in_place: str | None = None
) -> HttpResponse:
    """An error page in the site's layout and the reader's language; for an htmx request (a search
    suggestion, a form sent in place, a poll) only a short alert, aimed at the page's alert region,
    worded by `in_place` when given (the person is still on the page: no "go back").

    htmx swaps nothing of a 4xx/5xx answer by default, so the person saw no reaction at all; a whole
    page swapped into a fragment's place would put a layout inside the layout. The headers name the
    region and the swap; web/static/web/site.js lets htmx swap an error answer that names the region.
    """
    context = {"status": status, "heading": heading, "explanation": explanation}
    if not request.headers.get("HX-Request"):
        return render(request, "web/error.html", context, status=status)
    if in_place is not None:
        context["explanation"] = in_place
    response = render(request, "web/_error_alert.html", context, status=status)
    response["HX-Retarget"] = HTMX_ALERT_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers a signed-in person's choice, so that what the
    platform later writes to them (notifications, e-mails) is in that language."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        core_services.set_language(actor=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    return response


class LoginView(auth_views.LoginView):
    """Signing in brings back the language the person last chose (`User.language`), the one their
    notifications are written in."""

    template_name = "web/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        language = getattr(user, "language", "")
        if not language:
            # Never chosen: the one this sign-in is read in (the browser's, say English) is theirs,
            # so notices and e-mails come in it rather than in the platform's default.
            core_services.set_language(actor=user, language=get_language() or "")
        else:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )  # fmt: skip
        return response
