"""/search/index/: the state of the search index for platform admins, and a button that starts the
`search.reindex` job (rebuild from the database, progress on the job page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from techtransfer.jobs.models import Job
from techtransfer.jobs.services import start_job
from techtransfer.search.backends import get_backend
from techtransfer.search.outbox import lag

RECENT_JOBS = 5


@login_required
@require_http_methods(["GET", "POST"])
def index_status(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_platform_admin", False):
        raise Http404
    if request.method == "POST":
        job = start_job(actor=request.user, kind="search.reindex")
        messages.success(request, _("The search index is being rebuilt; searches keep answering meanwhile."))
        return redirect("jobs:detail", pk=job.pk)
    context = {
        "documents": get_backend().count(),
        "lag": lag(),
        "jobs": Job.objects.filter(kind="search.reindex").order_by("-created_at")[:RECENT_JOBS],
    }
    return render(request, "search/index_status.html", context)
