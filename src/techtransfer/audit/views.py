"""The audit log page: filter, paginate, export (as a background job)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from techtransfer.audit.access import events_visible_to, may_browse_audit
from techtransfer.audit.filters import AuditEventFilterSet, filter_errors
from techtransfer.audit.jobs import start_export
from techtransfer.audit.templatetags.audit_tags import name_related


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not may_browse_audit(request.user):  # type: ignore[arg-type]
        raise Http404
    fs = AuditEventFilterSet(request.GET or None, queryset=events_visible_to(request.user))  # type: ignore[arg-type]
    page = Paginator(fs.qs, 50).get_page(request.GET.get("page"))
    name_related(page.object_list)
    return render(request, "audit/log.html", {"filter": fs, "page": page})


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    if not may_browse_audit(request.user):  # type: ignore[arg-type]
        raise Http404
    params = {k: str(v) for k, v in request.POST.items() if k in AuditEventFilterSet.base_filters and v}
    if filter_errors(params):  # the log page, filtered the same way, shows what is wrong
        return redirect(f"{reverse('audit:log')}?{urlencode(params)}")
    job = start_export(actor=request.user, filters=params, language=get_language())  # type: ignore[arg-type]
    return redirect("jobs:detail", pk=job.pk)
