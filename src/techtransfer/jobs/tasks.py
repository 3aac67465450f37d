"""The one task that runs every Job. It takes the job's id and is idempotent."""

from __future__ import annotations

import logging
import traceback

from django.utils import timezone
from django_tasks import task

from techtransfer.audit.services import record_event
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.registry import get_kind
from techtransfer.jobs.runtime import JobCancelled, JobContext

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: int) -> str:
    """Claim the job (queued → running, checked by row count) and run its kind's runner.

    A second delivery of the same task finds the job no longer queued and does nothing.
    """
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return "skipped"
    job = Job.objects.get(pk=job_id)
    _audit(job, "job.start", JobStatus.QUEUED, JobStatus.RUNNING)
    ctx = JobContext(job)
    try:
        kind = get_kind(job.kind)
        ctx.log(f"start {job.kind}")
        result = kind.runner(ctx)
    except JobCancelled:
        ctx.log("cancelled")
        return "cancelled"
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        ctx.log(f"failed: {exc}")
        ctx.log(traceback.format_exc(limit=5))
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:200]
        )
        _audit(job, "job.fail", JobStatus.RUNNING, JobStatus.FAILED, comment=str(exc)[:500])
        return "failed"
    ctx.job.percentage = 100
    ctx.log("done")
    finished = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED, percentage=100, result=result, finished_at=timezone.now()
    )
    if finished:
        _audit(job, "job.succeed", JobStatus.RUNNING, JobStatus.SUCCEEDED)
    return "succeeded"


def _audit(job: Job, action: str, before: str, after: str, comment: str = "") -> None:
    """Status changes made by the worker are audited like any other (the actor is the system)."""
    record_event(
        actor=None, action=action, obj=job, organisation=job.organisation, changes={"status": [before, after]},
        comment=comment,
    )  # fmt: skip
