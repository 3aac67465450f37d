"""The one task that runs every Job. It takes the job's id and is idempotent."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from techtransfer.audit.services import record_event
from techtransfer.core.errors import DomainError
from techtransfer.core.languages import render
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.registry import get_kind
from techtransfer.jobs.runtime import JobCancelled, JobContext, JobFailed, write_with_retry

logger = logging.getLogger(__name__)


def user_message(exc: BaseException) -> str:
    """The failure message a job's owner may see: a JobFailed's or DomainError's own, else "" (shown
    as `FAILED_MESSAGE` in the reader's language: the exception's text may hold paths or SQL)."""
    if isinstance(exc, JobFailed):
        return render(exc.message)
    if isinstance(exc, DomainError):
        return exc.message
    return ""


@task()
def run_job(job_id: int) -> str:
    """Claim the job (queued → running, checked by row count) and run its kind's runner.

    A second delivery of the same task finds the job no longer queued and does nothing. The claim and
    the final status write are retried while SQLite is locked (`write_with_retry`); progress writes
    are advisory and skipped instead (`JobContext`).
    """
    claimed = write_with_retry(
        lambda: Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        ),
        what=f"job {job_id} claim",
    )
    if claimed != 1:
        return "skipped"
    job = Job.objects.select_related("created_by").get(pk=job_id)
    # The runner's progress messages and failure message are stored text: `message` and `log` in the
    # language of the job's owner, not in the worker's; `texts` in every language, for whoever reads
    # the job's page (JobContext).
    with translation.override(owner_language(job)):
        return _run(job)


def owner_language(job: Job) -> str:
    """The language a job writes its messages in: its owner's last chosen one, else the platform's."""
    return job.created_by.reading_language if job.created_by is not None else settings.LANGUAGE_CODE


def _run(job: Job) -> str:
    job_id = job.pk
    _audit(job, "job.start", JobStatus.QUEUED, JobStatus.RUNNING)
    ctx = JobContext(job)
    try:
        kind = get_kind(job.kind)
        ctx.log(lambda: gettext("Started: %(title)s") % {"title": kind.title})
        result = kind.runner(ctx)
    except JobCancelled:
        ctx.log(lambda: gettext("Cancelled."))
        return "cancelled"
    except Exception as exc:
        _fail(ctx, exc)
        return "failed"
    ctx.job.percentage = 100
    ctx.log(lambda: gettext("Finished."))
    try:
        finished = write_with_retry(
            lambda: Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.SUCCEEDED,
                percentage=100,
                result=result,
                log=ctx.log_text,
                texts=ctx.texts,
                finished_at=timezone.now(),
            ),
            what=f"job {job_id} success",
        )
    except Exception as exc:  # still locked after the retries, or a result that cannot be stored
        _fail(ctx, exc)
        return "failed"
    if finished:
        _audit(job, "job.succeed", JobStatus.RUNNING, JobStatus.SUCCEEDED)
    return "succeeded"


def _fail(ctx: JobContext, exc: Exception) -> None:
    """Mark the job failed with a message its owner may read; the traceback goes to the server log
    and `error_detail` (platform admins), never to `log` or `message`, which the API returns."""
    job = ctx.job
    logger.error("job %s (%s) failed", job.pk, job.kind, exc_info=exc)
    message = user_message(exc)
    detail = "".join(traceback.format_exception(exc))[-100_000:]
    # In each language: a JobFailed's lazy message and a DomainError's are rendered in the active one.
    ctx.log(
        lambda: (
            gettext("Failed: %(message)s") % {"message": user_message(exc)}
            if message
            else gettext("Failed (the details are in the server log).")
        )
    )
    ctx.set_message(lambda: user_message(exc))
    write_with_retry(
        lambda: Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=message[:200],
            log=ctx.log_text,
            texts=ctx.texts,
            error_detail=detail,
        ),
        what=f"job {job.pk} failure",
    )
    # The audit trail is read by organisation admins too: the message, or only the exception's class.
    _audit(job, "job.fail", JobStatus.RUNNING, JobStatus.FAILED, comment=(message or type(exc).__name__)[:500])


def _audit(job: Job, action: str, before: str, after: str, comment: str = "") -> None:
    """Status changes made by the worker are audited like any other (the actor is the system)."""

    def write() -> Any:
        with transaction.atomic():  # one event, and the search outbox rows its listeners write
            return record_event(
                actor=None, action=action, obj=job, organisation=job.organisation,
                changes={"status": [before, after]}, comment=comment,
            )  # fmt: skip

    write_with_retry(write, what=f"job {job.pk} {action}")
