import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError, Errors
from techtransfer.jobs import services
from techtransfer.jobs.models import Job, JobStatus, WorkerHeartbeat
from techtransfer.jobs.registry import register
from techtransfer.jobs.tasks import run_job

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


@register("test.count", "Count to ten")
def _count(ctx):
    CALLS.append(ctx.job.pk)
    for i in range(10):
        ctx.progress(i + 1, 10, f"{i + 1}/10")
    ctx.log("counted")
    return {"counted": 10}


@register("test.fail", "Always fails")
def _fail(ctx):
    raise RuntimeError("boom")


def test_job_runs_once_even_if_delivered_twice(platform_admin, django_capture_on_commit_callbacks):
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=platform_admin, kind="test.count")
    job.refresh_from_db()
    assert (job.status, job.percentage, job.result) == (JobStatus.SUCCEEDED, 100, {"counted": 10})
    assert "counted" in job.log
    assert job.task_id != ""
    assert run_job.call(job.pk) == "skipped"
    assert [job.pk] == CALLS
    assert list(
        AuditEvent.objects.filter(object_id=str(job.pk), object_type="jobs.job")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "job.create",
        "job.start",
        "job.succeed",
    ]


def test_a_failing_runner_marks_the_job_failed_with_its_log(platform_admin, django_capture_on_commit_callbacks):
    platform_admin.language = "en"  # the log is written in the owner's language
    platform_admin.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=platform_admin, kind="test.fail")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == ""  # shown as the plain FAILED_MESSAGE: the exception's text stays on the server
    assert job.log.splitlines()[-1].endswith("] Failed (the details are in the server log).")
    assert "boom" not in job.log
    assert job.error_detail.startswith("Traceback (most recent call last):")
    assert job.error_detail.endswith("RuntimeError: boom\n")
    assert AuditEvent.objects.get(action="job.fail").comment == "RuntimeError"


def test_cancel_and_cancel_again(platform_admin):
    job = services.start_job(actor=platform_admin, kind="test.count")
    services.cancel_job(actor=platform_admin, job_id=job.pk)
    assert run_job.call(job.pk) == "skipped"
    with pytest.raises(DomainError) as exc:
        services.cancel_job(actor=platform_admin, job_id=job.pk)
    assert exc.value.error == Errors.JOB_NOT_CANCELLABLE


def test_progress_partial_for_htmx_polls_until_done(platform_admin):
    job = Job.objects.create(
        kind="test.count", title="Count", created_by=platform_admin, status=JobStatus.RUNNING, percentage=40
    )
    c = Client()
    c.force_login(platform_admin)
    partial = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'aria-valuenow="40"' in partial
    assert "<html" not in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, percentage=100)
    done = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'aria-valuenow="100"' in done


def test_healthz_reports_database_and_worker(client):
    body = client.get("/healthz").json()
    assert body["database"]["status"] == "ok"
    assert body["worker"] == {"status": "down", "workers": 0, "queued_tasks": 0, "oldest_queued_seconds": 0.0}
    assert body["status"] == "degraded"
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now, last_seen=now)
    body = client.get("/healthz").json()
    assert (body["status"], body["worker"]["status"], body["worker"]["workers"]) == ("ok", "ok", 1)


def test_healthz_reports_a_lagging_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now, last_seen=now)
    result = run_job.enqueue(0)
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=now - datetime.timedelta(seconds=600))
    worker = client.get("/healthz").json()["worker"]
    assert (worker["status"], worker["queued_tasks"]) == ("lagging", 1)
    assert worker["oldest_queued_seconds"] >= 600
