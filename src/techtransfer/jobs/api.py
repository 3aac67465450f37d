"""API for watching and cancelling jobs, downloading their results, and starting the audit export."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from techtransfer.audit.access import may_browse_audit
from techtransfer.audit.api import AuditExportFilters
from techtransfer.audit.filters import clean_filters
from techtransfer.audit.jobs import start_export
from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.core.errors import DomainError, Errors
from techtransfer.jobs import services
from techtransfer.jobs.access import get_job_for_user, jobs_visible_to
from techtransfer.jobs.models import Job
from techtransfer.jobs.selectors import open_result

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    percentage: int
    message: str
    log: str
    result: dict[str, Any]
    result_url: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_title(obj: Job) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_message(obj: Job) -> str:
        return obj.shown_message

    @staticmethod
    def resolve_log(obj: Job) -> str:
        return obj.shown_log

    @staticmethod
    def resolve_result_url(obj: Job) -> str | None:
        # The API's own address: it takes a token as well as the session (the page's
        # /jobs/<id>/download/ takes the session only).
        return f"/api/v1/jobs/{obj.pk}/download" if obj.result_file else None


class AuditExportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    filters: AuditExportFilters = AuditExportFilters()


@router.get("/jobs", response=list[JobOut])
@paginate(PageNumberPagination)
def list_jobs(request: HttpRequest) -> QuerySet[Job]:
    return jobs_visible_to(require_user(request))


@router.get("/jobs/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: int) -> Job:
    return get_job_for_user(require_user(request), job_id)


@router.get(
    "/jobs/{job_id}/download",
    summary="Download a job's result file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The result file (an attachment; the audit export is CSV)",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_job_result(request: HttpRequest, job_id: int) -> FileResponse:
    """The file of the job's `result_url`, for whoever may see the job (its starter, platform admins);
    not_found while the job has no result file."""
    handle, filename = open_result(get_job_for_user(require_user(request), job_id))
    return FileResponse(handle, as_attachment=True, filename=filename)


@router.post("/jobs/{job_id}/cancel", response=JobOut)
def cancel_job(request: HttpRequest, job_id: int) -> Job:
    user = require_user(request)
    get_job_for_user(user, job_id)
    return services.cancel_job(actor=user, job_id=job_id)


@router.post("/audit/exports", response={202: JobOut}, tags=["audit"])
def start_audit_export(request: HttpRequest, payload: AuditExportIn) -> tuple[int, Job]:
    """Start a CSV export of the events the caller may see. Unknown keys, unknown filters and values
    a filter cannot read are refused (422, each under its name: `filters.since`). The file's columns
    are named as the event's fields and hold raw values (`changes` as JSON, field keys and codes as
    stored), with a last column, the changes as the audit log page reads them, headed and written in
    the request's language (Accept-Language)."""
    user = require_user(request)
    if not may_browse_audit(user):
        raise DomainError(Errors.PERMISSION_DENIED)
    params = clean_filters(payload.filters.as_params(), prefix="filters.")
    return 202, start_export(actor=user, filters=params, language=get_language())
