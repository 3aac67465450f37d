"""API for watching and cancelling jobs, and for starting the audit export."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from techtransfer.audit.access import may_browse_audit
from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.core.errors import DomainError, Errors
from techtransfer.jobs import services
from techtransfer.jobs.access import get_job_for_user, jobs_visible_to
from techtransfer.jobs.models import Job

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
    def resolve_result_url(obj: Job) -> str | None:
        return f"/jobs/{obj.pk}/download/" if obj.result_file else None


class AuditExportIn(Schema):
    filters: dict[str, str] = {}


@router.get("/jobs", response=list[JobOut])
@paginate(PageNumberPagination)
def list_jobs(request: HttpRequest) -> QuerySet[Job]:
    return jobs_visible_to(require_user(request))


@router.get("/jobs/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: int) -> Job:
    return get_job_for_user(require_user(request), job_id)


@router.post("/jobs/{job_id}/cancel", response=JobOut)
def cancel_job(request: HttpRequest, job_id: int) -> Job:
    user = require_user(request)
    get_job_for_user(user, job_id)
    return services.cancel_job(actor=user, job_id=job_id)


@router.post("/audit/exports", response={202: JobOut}, tags=["audit"])
def start_audit_export(request: HttpRequest, payload: AuditExportIn) -> tuple[int, Job]:
    user = require_user(request)
    if not may_browse_audit(user):
        raise DomainError(Errors.PERMISSION_DENIED)
    return 202, services.start_job(actor=user, kind="audit.export_csv", params=payload.filters)
