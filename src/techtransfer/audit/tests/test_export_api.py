"""POST /api/v1/audit/exports: filters checked at the door; the result downloadable with a token."""

import pytest
from django.test import Client

from techtransfer.api import tokens
from techtransfer.audit import jobs as audit_jobs
from techtransfer.audit.models import AuditEvent
from techtransfer.audit.services import record_event
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.tasks import run_job

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/exports"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, body, language="en"):
    return client.post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


def test_unknown_and_invalid_filters_are_refused_each_by_name(platform_admin):
    c = Client()
    c.force_login(platform_admin)
    r = _post(c, {"filters": {"bogus": "x", "created_after": "notadate", "since": "notadate"}, "filter": {}})
    assert (r.status_code, r.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {
                "fields": {
                    "filters.since": [
                        "filters.since: “notadate” is not a date and time; write it as YYYY-MM-DD or "
                        "YYYY-MM-DDTHH:MM, e.g. 2026-03-01T09:30."
                    ],
                    "filters.bogus": ["Unknown field."],
                    "filters.created_after": ["Unknown field."],
                    "filter": ["Unknown field."],
                }
            },
        },
    )
    r = _post(c, {"filters": {"date_to": "2024-02-30", "organisation": "x"}})
    assert r.json()["details"]["fields"] == {
        "filters.date_to": ["filters.date_to: “2024-02-30” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01."],
        "filters.organisation": ["filters.organisation: “x” is not a whole number."],
    }
    assert _post(c, {"filters": "action=x"}).json()["details"]["fields"] == {"filters": ["Give an object ({…})."]}
    # A range that ends before it starts would export nothing.
    r = _post(c, {"filters": {"date_from": "2027-01-01", "date_to": "2026-01-01"}})
    assert (r.status_code, r.json()["details"]["fields"]) == (
        422,
        {"filters.date_to": ["To date: The end is before the start."]},
    )
    r = _post(c, {"filters": {"since": "2026-01-02T00:00:00+08:00", "until": "2026-01-01T00:00:00+08:00"}}, "zh-hans")
    assert r.json()["details"]["fields"] == {"filters.until": ["截止时间：结束时间早于开始时间。"]}
    # Mixed: a day to start, a moment to end (or the other way round), also the same day twice.
    for filters, field, label in (
        ({"date_from": "2026-12-01", "until": "2026-11-01T00:00:00+08:00"}, "filters.until", "Until"),
        ({"since": "2026-12-02T00:00:00+08:00", "date_to": "2026-12-01"}, "filters.date_to", "To date"),
        ({"date_from": "2026-12-01", "until": "2026-12-01T00:00:00+08:00"}, "filters.until", "Until"),
    ):
        r = _post(c, {"filters": filters})
        message = f"{label}: The end is before the start."
        assert (r.status_code, r.json()["details"]["fields"]) == (422, {field: [message]})
    assert not Job.objects.exists()
    # A range within one day is a range.
    same_day = {"date_from": "2026-12-01", "date_to": "2026-12-01", "until": "2026-12-01T12:00:00+08:00"}
    assert _post(c, {"filters": same_day}).status_code == 202


def test_a_valid_export_through_the_api_is_downloadable_with_a_read_token(
    platform_admin, outsider, applicant_org, django_capture_on_commit_callbacks
):
    for i in range(3):
        record_event(actor=platform_admin, action=f"test.export{i}", obj=applicant_org, organisation=applicant_org)
    _, write_raw = tokens.create_token(user=platform_admin, name="w", scope="write")
    api = Client()
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            URL,
            {"filters": {"action": "test.export", "date_from": "2020-01-01", "since": "2020-01-01T08:00:00+08:00"}},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
            **bearer(write_raw),
        )
    assert r.status_code == 202
    job = Job.objects.get(pk=r.json()["id"])
    assert job.params == {
        "action": "test.export", "since": "2020-01-01T08:00:00+08:00", "date_from": "2020-01-01",
        "language": "en",  # the request's: the file's last column (the changes in words) reads in it
    }  # fmt: skip
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"rows": 3})
    _, read_raw = tokens.create_token(user=platform_admin, name="r", scope="read")
    body = api.get(f"/api/v1/jobs/{job.pk}", **bearer(read_raw)).json()
    assert body["result_url"] == f"/api/v1/jobs/{job.pk}/download"
    download = api.get(body["result_url"], **bearer(read_raw))
    assert (download.status_code, download["Content-Type"]) == (200, "text/csv")
    assert download["Content-Disposition"].startswith('attachment; filename="audit-')
    lines = b"".join(download.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0].endswith(",ip,what changed")
    assert [line.split(",")[3] for line in lines[1:]] == ["test.export0", "test.export1", "test.export2"]
    head = api.head(body["result_url"], **bearer(read_raw))
    assert (head.status_code, b"".join(head.streaming_content)) == (200, b"")
    assert head["Content-Length"] == download["Content-Length"]
    # The page's own address still serves the browser session.
    page = Client()
    page.force_login(platform_admin)
    assert page.get(f"/jobs/{job.pk}/download/").status_code == 200
    # Someone else's token, or no result yet, answers not_found.
    _, other_raw = tokens.create_token(user=outsider, name="r", scope="read")
    assert api.get(body["result_url"], **bearer(other_raw)).json()["code"] == "not_found"
    pending = Job.objects.create(kind="audit.export_csv", title="t", created_by=platform_admin)
    assert api.get(f"/api/v1/jobs/{pending.pk}/download", **bearer(read_raw)).status_code == 404
    assert api.get(body["result_url"]).status_code == 401


def test_the_page_does_not_start_an_export_with_an_invalid_filter(platform_admin):
    c = Client()
    c.force_login(platform_admin)
    r = c.post("/audit/export/", {"action": "x", "date_from": "notadate", "page": "2"})
    assert (r.status_code, r["Location"]) == (302, "/audit/?action=x&date_from=notadate")
    assert not Job.objects.exists()


def test_an_export_saved_with_invalid_filters_fails_with_a_plain_message(platform_admin):
    job = Job.objects.create(
        kind="audit.export_csv", title="t", created_by=platform_admin, params={"created_after": "notadate"}
    )
    assert run_job.call(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.message, job.result_file.name) == (
        JobStatus.FAILED,
        "导出的筛选条件无效。",  # stored in its owner's language (none chosen: the platform's)
        "",
    )


def test_the_export_reads_in_chunks_and_leaves_out_later_events(platform_admin, applicant_org, monkeypatch):
    """Each chunk is read to its end before progress is written (an open cursor across a write is
    what SQLite refused with "database is locked"); events written meanwhile are not exported."""
    monkeypatch.setattr(audit_jobs, "CHUNK", 2)
    for i in range(5):
        record_event(actor=platform_admin, action=f"test.chunk{i}", obj=applicant_org, organisation=applicant_org)
    job = Job.objects.create(
        kind="audit.export_csv", title="t", created_by=platform_admin, params={"action": "test.chunk"}
    )
    progress = []
    real = audit_jobs.JobContext.progress

    def progress_and_write(ctx, done, total, message=""):
        progress.append((done, total))
        record_event(actor=None, action="test.chunk.meanwhile", obj=applicant_org, organisation=applicant_org)
        real(ctx, done, total, message)

    monkeypatch.setattr(audit_jobs.JobContext, "progress", progress_and_write)
    assert run_job.call(job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.result == {"rows": 5}
    assert progress == [(2, 5), (4, 5), (5, 5), (5, 5)]
    lines = job.result_file.open("rb").read().decode("utf-8-sig").strip().splitlines()
    job.result_file.close()
    assert [line.split(",")[3] for line in lines[1:]] == [f"test.chunk{i}" for i in range(5)]
    assert AuditEvent.objects.filter(action="test.chunk.meanwhile").count() == 4
