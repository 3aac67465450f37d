"""Bulk import and export pages: template downloads, the upload form, export jobs.

The work itself runs as jobs (see `jobs.py`); these views check the input and the permission,
start the job and redirect to its page (/jobs/<id>/), which shows progress and the report.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.achievements import io
from techtransfer.achievements.forms_io import ImportForm, importable_organisations
from techtransfer.achievements.jobs import start_export, start_import
from techtransfer.core.errors import DomainError
from techtransfer.core.ids import parse_id
from techtransfer.core.models import User

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": io.XLSX_MIME}


@login_required
@require_GET
def template_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(io.template_file(fmt), content_type=CONTENT_TYPES[fmt])  # type: ignore[arg-type]
    response["Content-Disposition"] = content_disposition_header(True, f"成果导入模板-template.{fmt}") or "attachment"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_achievements(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    organisations = importable_organisations(user)
    requested = (request.POST if request.method == "POST" else request.GET).get("organisation", "")
    # Forbidden looks like not found: naming an organisation one may not import into is a 404.
    if requested and not ((org_id := parse_id(requested)) is not None and organisations.filter(pk=org_id).exists()):
        raise Http404
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = start_import(
                    actor=user,
                    organisation=form.cleaned_data["organisation"],
                    upload=upload,
                    name=upload.name,
                    fmt=form.format,
                    mode=form.cleaned_data["mode"],
                    language=get_language(),
                )
            except DomainError as exc:
                raise Http404 from exc
            return redirect("jobs:detail", pk=job.pk)
    else:
        form = ImportForm(organisations=organisations, initial={"organisation": requested or None})
    return render(
        request,
        "achievements/import.html",
        {"form": form, "has_organisations": organisations.exists(), "max_rows": f"{io.MAX_ROWS:,}"},
    )


@login_required
@require_POST
def export_achievements(request: HttpRequest) -> HttpResponse:
    """Start an export job. Filters come as query parameters (those of the list page) or form fields."""
    params = {**request.GET.dict(), **request.POST.dict()}
    fmt = params.get("format", "csv")
    if fmt not in CONTENT_TYPES:
        raise Http404
    filters = {k: str(params[k]) for k in io.EXPORT_FILTERS if params.get(k)}
    try:
        job = start_export(actor=request.user, fmt=fmt, filters=filters, language=get_language())  # type: ignore[arg-type]
    except DomainError as exc:
        # Said, not a bare 404: the list (with the filters of the request) and why nothing was exported,
        # each filter it did not take (its message names it: `core.filters.FilterForm`).
        messages.error(request, exc.message)
        for wrong in exc.details.get("fields", {}).values():
            for message in wrong:
                messages.error(request, message)
        query = request.GET.urlencode()
        return redirect(reverse("achievements:list") + (f"?{query}" if query else ""))
    return redirect("jobs:detail", pk=job.pk)
