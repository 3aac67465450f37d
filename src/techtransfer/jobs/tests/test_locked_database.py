"""Progress writes that meet a locked SQLite file are skipped; a job's own final writes are retried."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.models import QuerySet

from techtransfer.jobs import runtime, services
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobContext, write_with_retry

pytestmark = pytest.mark.django_db

LOCKED = OperationalError("database is locked")


@register("test.progress", "Reports progress")
def _progress(ctx):
    for i in range(3):
        ctx.progress(i + 1, 3, f"{i + 1}/3")
    return {"steps": 3}


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch):
    monkeypatch.setattr(runtime, "RETRY_DELAYS", (0.0, 0.0, 0.0))


def _locked_when(matches, times):
    """Make QuerySet.update raise "database is locked" for the first `times` calls that `matches`."""
    real = QuerySet.update
    calls = {"refused": 0}

    def update(self, **kwargs):
        if self.model is Job and matches(kwargs) and calls["refused"] < times:
            calls["refused"] += 1
            raise OperationalError("database is locked")
        return real(self, **kwargs)

    return mock.patch.object(QuerySet, "update", update), calls


def test_a_progress_write_on_a_locked_database_is_skipped_not_fatal(platform_admin):
    job = Job.objects.create(kind="test.progress", title="p", created_by=platform_admin, status=JobStatus.RUNNING)
    ctx = JobContext(Job.objects.get(pk=job.pk))
    patch, calls = _locked_when(lambda kw: "percentage" in kw and "status" not in kw, times=1)
    with patch:
        ctx.progress(1, 2, "1/2")
    assert (calls["refused"], ctx.skipped_writes) == (1, 1)
    job.refresh_from_db()
    assert (job.percentage, job.message) == (0, "")  # nothing written...
    ctx.log("later")  # ...until the next write, which carries the same state
    job.refresh_from_db()
    assert (job.percentage, job.message, job.log.split("] ", 1)[1]) == (50, "1/2", "later")


def test_other_database_errors_still_stop_the_job(platform_admin):
    job = Job.objects.create(kind="test.progress", title="p", created_by=platform_admin, status=JobStatus.RUNNING)
    ctx = JobContext(job)
    with (
        mock.patch.object(QuerySet, "update", side_effect=OperationalError("no such table: jobs_job")),
        pytest.raises(OperationalError),
    ):
        ctx.log("x")


def test_the_final_writes_are_retried_while_the_database_is_locked(platform_admin, django_capture_on_commit_callbacks):
    refusals = {JobStatus.RUNNING: 1, JobStatus.SUCCEEDED: 3}  # the claim once, the success write three times

    def matches(kwargs):
        status = kwargs.get("status")
        if refusals.get(status, 0) > 0:
            refusals[status] -= 1
            return True
        return False

    patch, calls = _locked_when(matches, times=4)
    with patch, django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=platform_admin, kind="test.progress")
    job.refresh_from_db()
    assert calls["refused"] == 4
    assert (job.status, job.percentage, job.message, job.result) == (JobStatus.SUCCEEDED, 100, "3/3", {"steps": 3})
    assert job.log.splitlines()[-1].endswith("] 完成。")  # the owner chose no language: the platform's


def test_write_with_retry_gives_up_after_its_attempts():
    attempts = []

    def always_locked():
        attempts.append(1)
        raise LOCKED

    with pytest.raises(OperationalError):
        write_with_retry(always_locked, what="test")
    assert len(attempts) == len(runtime.RETRY_DELAYS) + 1
