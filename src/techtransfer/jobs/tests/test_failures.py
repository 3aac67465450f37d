"""A failed job shows its owner a plain message; the traceback is for the server log and platform admins."""

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.api import tokens
from techtransfer.jobs import services
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobFailed

pytestmark = pytest.mark.django_db

PLAIN_EN = "The job failed because of an error on our side. It was logged; please try again later."


@pytest.fixture
def english(settings):  # type: ignore[no-untyped-def]
    """Jobs write in their owner's language; owners who chose none read the platform's."""
    settings.LANGUAGE_CODE = "en"


@register("test.crash", "Crashes")
def _crash(ctx):
    open("/nonexistent/secret/path.csv")  # noqa: SIM115  (the error names a server path)


@register("test.refuse", "Refuses")
def _refuse(ctx):
    raise JobFailed("The file has no rows.")


def _run(actor, kind, capture):
    with capture(execute=True):
        job = services.start_job(actor=actor, kind=kind)
    job.refresh_from_db()
    return job


@pytest.mark.usefixtures("english")
def test_the_api_gives_a_plain_message_and_no_traceback(applicant_admin, django_capture_on_commit_callbacks, caplog):
    job = _run(applicant_admin, "test.crash", django_capture_on_commit_callbacks)
    _, raw = tokens.create_token(user=applicant_admin, name="r", scope="read")
    body = Client().get(f"/api/v1/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["status"], body["message"]) == ("failed", PLAIN_EN)
    assert [line.split("] ", 1)[1] for line in body["log"].splitlines()] == [
        "Started: Crashes",
        "Failed (the details are in the server log).",
    ]
    assert "error_detail" not in body
    zh = Client().get(f"/api/v1/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "/nonexistent" not in zh.content.decode() and "Traceback" not in zh.content.decode()
    # The server log and the job's error_detail keep the whole story.
    assert "FileNotFoundError" in job.error_detail and "/nonexistent/secret/path.csv" in job.error_detail
    assert any(r.name == "techtransfer.jobs.tasks" and r.exc_info for r in caplog.records)


def test_the_job_page_shows_the_traceback_to_platform_admins_only(
    applicant_admin, platform_admin, django_capture_on_commit_callbacks
):
    job = _run(applicant_admin, "test.crash", django_capture_on_commit_callbacks)
    owner = Client()
    owner.force_login(applicant_admin)
    page = owner.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert PLAIN_EN in page
    assert "job-error-detail" not in page and "/nonexistent" not in page and "Traceback" not in page
    admin = Client()
    admin.force_login(platform_admin)
    page = admin.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="job-error-detail"' in page and "/nonexistent/secret/path.csv" in page


@pytest.mark.usefixtures("english")
def test_a_failure_the_runner_explains_is_shown_as_it_is(applicant_admin, django_capture_on_commit_callbacks):
    job = _run(applicant_admin, "test.refuse", django_capture_on_commit_callbacks)
    assert (job.status, job.message) == (JobStatus.FAILED, "The file has no rows.")
    assert job.log.splitlines()[-1].endswith("] Failed: The file has no rows.")
    c = Client()
    c.force_login(applicant_admin)
    assert c.get(f"/api/v1/jobs/{job.pk}").json()["message"] == "The file has no rows."


def test_jobs_that_failed_before_keep_their_traceback_for_admins_only(applicant_admin):
    """Migration 0003 moves what older failures logged (exception text, traceback) out of `log`."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("techtransfer.jobs.migrations.0003_job_error_detail")
    old_log = (
        "[10:00:00] start audit.export_csv\n[10:00:01] failed: no such file '/srv/x'\n"
        '[10:00:01] Traceback (most recent call last):\n  File "/srv/app/jobs/tasks.py", line 3'
    )
    failed = Job.objects.create(
        kind="k", title="t", created_by=applicant_admin, status=JobStatus.FAILED, log=old_log, message="no such file"
    )
    fine = Job.objects.create(kind="k", title="t", status=JobStatus.SUCCEEDED, log="[10:00:00] done")
    migration.move_tracebacks(apps, None)
    failed.refresh_from_db()
    assert failed.log == "[10:00:00] start audit.export_csv\n[10:00:01] failed (the details are in the server log)"
    assert failed.error_detail == old_log.split("\n", 1)[1]
    with translation.override("en"):
        assert (failed.message, failed.shown_message) == ("", PLAIN_EN)
    fine.refresh_from_db()
    assert (fine.log, fine.error_detail) == ("[10:00:00] done", "")


@register("test.refuse_translated", "Refuses")
def _refuse_translated(ctx):
    from techtransfer.core.errors import Errors

    raise JobFailed(Errors.NOT_FOUND.message)  # lazy: written in the language active in the worker


@pytest.mark.parametrize(
    ("owner_language", "worker_language", "stored"),
    [
        ("zh-hans", "en", "对象不存在或您无权查看。"),
        ("en", "zh-hans", "The object does not exist or you may not see it."),
        ("", "en", "对象不存在或您无权查看。"),  # no language chosen yet: the platform's (zh-hans)
    ],
)
def test_a_job_writes_its_message_in_its_owners_language(
    applicant_admin, django_capture_on_commit_callbacks, owner_language, worker_language, stored
):
    applicant_admin.language = owner_language
    applicant_admin.save(update_fields=["language"])
    with translation.override(worker_language):
        job = _run(applicant_admin, "test.refuse_translated", django_capture_on_commit_callbacks)
    assert (job.status, job.message) == (JobStatus.FAILED, stored)
    failed = "失败：" if stored.startswith("对象") else "Failed: "  # the log line too
    assert job.log.splitlines()[-1].split("] ", 1)[1] == f"{failed}{stored}"


def test_a_job_title_is_shown_in_the_readers_language():
    job = Job(kind="search.reindex", title="Rebuild the search index")  # started by an English reader
    with translation.override("zh-hans"):
        assert job.shown_title == "重建检索索引"
    job.kind = "gone.kind"  # a kind no longer registered keeps the stored title
    assert job.shown_title == "Rebuild the search index"
