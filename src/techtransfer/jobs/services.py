"""Starting and cancelling jobs."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from techtransfer.audit.services import record_event
from techtransfer.core.errors import DomainError, Errors
from techtransfer.jobs.models import FINISHED_STATUSES, Job, JobStatus
from techtransfer.jobs.registry import get_kind


def _enqueue(job_id: int) -> None:
    from techtransfer.jobs.tasks import run_job

    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


@transaction.atomic
def start_job(*, actor: Any, kind: str, params: dict[str, Any] | None = None, organisation: Any = None) -> Job:
    """Create a Job of a registered kind and enqueue it after commit. Writes `job.create`."""
    job_kind = get_kind(kind)
    job = Job.objects.create(
        kind=kind,
        title=str(job_kind.title),
        params=params or {},
        created_by=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
    )
    record_event(actor=actor, action="job.create", obj=job, organisation=organisation, changes={"kind": kind})
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


@transaction.atomic
def cancel_job(*, actor: Any, job_id: int) -> Job:
    """Cancel a queued or running job; a running runner stops at its next `check_cancelled()`."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise DomainError(Errors.NOT_FOUND)
    if job.status in FINISHED_STATUSES:
        raise DomainError(Errors.JOB_NOT_CANCELLABLE)
    before = job.status
    job.status = JobStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    record_event(actor=actor, action="job.cancel", obj=job, changes={"status": [before, job.status]})
    return job
