"""Worker and queue health for /healthz and the workspace; a job's result file."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from techtransfer.core.errors import DomainError, Errors
from techtransfer.jobs.models import Job, WorkerHeartbeat

HEARTBEAT_STALE = datetime.timedelta(seconds=30)


def worker_status() -> dict[str, Any]:
    """`ok` when a worker beat recently and no waiting task is older than WORKER_STALE_SECONDS."""
    now = timezone.now()
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=now - HEARTBEAT_STALE).count()
    ready = DBTaskResult.objects.ready()
    waiting = ready.count()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    oldest_age = (now - oldest).total_seconds() if oldest else 0.0
    if alive == 0:
        status = "down"
    elif oldest_age > settings.WORKER_STALE_SECONDS:
        status = "lagging"
    else:
        status = "ok"
    return {"status": status, "workers": alive, "queued_tasks": waiting, "oldest_queued_seconds": round(oldest_age, 1)}


def open_result(job: Job) -> tuple[File[bytes], str]:
    """The job's result file, opened for reading, and the name to download it under; not_found when
    the job has none (yet), or its file is gone from storage. Fetch `job` through `jobs.access`."""
    if not job.result_file:
        raise DomainError(Errors.NOT_FOUND)
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as exc:
        raise DomainError(Errors.NOT_FOUND) from exc
    return handle, job.result_file.name.rsplit("/", 1)[-1]
