"""Job pages: a list of mine, a detail page whose progress bar htmx refreshes until the job ends."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from techtransfer.core.errors import DomainError
from techtransfer.jobs import services
from techtransfer.jobs.access import get_job_for_user, jobs_visible_to
from techtransfer.jobs.models import Job
from techtransfer.jobs.selectors import open_result


def _fetch(request: HttpRequest, pk: int) -> Job:
    try:
        return get_job_for_user(request.user, pk)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_visible_to(request.user), 20).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "jobs/list.html", {"page": page})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _fetch(request, pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _fetch(request, pk)
    try:
        services.cancel_job(actor=request.user, job_id=job.pk)
    except DomainError as exc:
        messages.error(request, exc.refusal)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _fetch(request, pk)
    try:
        handle, filename = open_result(job)
    except DomainError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=filename)
