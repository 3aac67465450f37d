"""Worker and queue health for /healthz and the workspace."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from techtransfer.jobs.models import WorkerHeartbeat

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
