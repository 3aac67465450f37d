"""The audit CSV export keeps `changes` as raw JSON for machines and adds, last, the changes as the log
page reads them, headed and written in the language the export was started in (not the worker's, nor
the one the person chose last): recorded in the job's parameters when it starts. The records the
changes name are loaded once a chunk, not once a row."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from techtransfer.audit import jobs as audit_jobs
from techtransfer.audit.access import events_visible_to
from techtransfer.audit.services import record_event
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.services import start_job
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def _events(platform_admin, applicant_org):
    """A verification (a choice, a person by a foreign key) and an interest (an organisation by a key)."""
    platform_admin.display_name = "平台管理员"
    platform_admin.save(update_fields=["display_name"])
    record_event(
        actor=platform_admin, action="organisation.verify", obj=applicant_org, organisation=applicant_org,
        changes={"status": ["registered", "verified"], "verified_by": [None, platform_admin.pk]},
        comment="材料齐全",
    )  # fmt: skip
    listing = ListingFactory(organisation=applicant_org)
    record_event(
        actor=None, action="listing.interest", obj=listing,
        changes={"organisation": applicant_org.pk, "message": "想了解许可条件", "new": True},
    )  # fmt: skip


def _export(user, language: str, captured) -> list[list[str]]:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    with captured(execute=True):
        client.post("/audit/export/", {"action": "organisation.verify"})
        client.post("/audit/export/", {"action": "listing.interest"})
    rows = []
    for job in Job.objects.filter(kind="audit.export_csv").order_by("pk"):
        assert job.status == JobStatus.SUCCEEDED
        assert job.params["language"] == language
        content = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(content)))
        rows += table if not rows else table[1:]
    return rows


def test_the_export_reads_the_changes_in_the_language_it_was_started_in(
    platform_admin, applicant_org, django_capture_on_commit_callbacks
):
    _events(platform_admin, applicant_org)
    platform_admin.language = "en"  # the language chosen last; the page the export is started from wins
    platform_admin.save(update_fields=["language"])
    header, verify, interest = _export(platform_admin, "zh-hans", django_capture_on_commit_callbacks)
    assert header == [*audit_jobs.COLUMNS, "变更内容"]
    assert verify[header.index("changes")] == json.dumps(
        {"status": ["registered", "verified"], "verified_by": [None, platform_admin.pk]}
    )  # raw, as before
    assert verify[header.index("comment")] == "材料齐全"
    assert verify[-1] == "状态：已注册 → 已核验\n核验人：— → 平台管理员"
    # A line a change, in the key order of PostgreSQL's jsonb (or as written).
    assert sorted(interest[-1].split("\n")) == sorted(
        [f"机构：{applicant_org.name}", "留言：想了解许可条件", "首次表达意向：是"]
    )


def test_an_export_started_on_an_english_page_reads_in_english(
    platform_admin, applicant_org, django_capture_on_commit_callbacks
):
    _events(platform_admin, applicant_org)
    header, verify, interest = _export(platform_admin, "en", django_capture_on_commit_callbacks)
    assert header == [*audit_jobs.COLUMNS, "what changed"]
    assert verify[-1] == "status: Registered → Verified\nverified by: — → 平台管理员"
    assert sorted(interest[-1].split("\n")) == [
        "first interest: yes", "message: 想了解许可条件", f"organisation: {applicant_org.name}"
    ]  # fmt: skip


def test_an_export_started_before_the_language_was_recorded_reads_in_its_owners(
    platform_admin, applicant_org, django_capture_on_commit_callbacks
):
    _events(platform_admin, applicant_org)
    platform_admin.language = "en"
    platform_admin.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(actor=platform_admin, kind="audit.export_csv", params={"action": "organisation.verify"})
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"rows": 1})
    client = Client()
    client.force_login(platform_admin)
    content = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    header, verify = list(csv.reader(io.StringIO(content)))
    assert (header[-1], verify[-1]) == ("what changed", "status: Registered → Verified\nverified by: — → 平台管理员")


def test_the_names_are_loaded_once_a_chunk_a_model(
    platform_admin, applicant_org, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(15):  # 30 events naming people (verified by) and organisations (interest)
        _events(platform_admin, applicant_org)
    rows = list(events_visible_to(platform_admin).order_by("created_at", "pk"))
    writer = csv.writer(io.StringIO())
    with django_assert_num_queries(2):  # the people, the organisations: not one a row
        audit_jobs._write(writer, rows)
    # Through the job, in chunks of 10: two such queries a chunk.
    monkeypatch.setattr(audit_jobs, "CHUNK", 10)
    client = Client(headers={"accept-language": "en"})
    client.force_login(platform_admin)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        client.post("/audit/export/", {"object_type": ""})
    job = Job.objects.get(kind="audit.export_csv")
    assert job.result == {"rows": 32}  # the 30, and the job's own creation and start
    names = [q["sql"] for q in queries if " IN (" in q["sql"] and ('FROM "core_user"' in q["sql"] or
             'FROM "core_organisation"' in q["sql"])]  # fmt: skip
    assert len(names) == 6  # 3 chunks of the 30 × 2 models; the last chunk (the job's events) names nobody


def test_the_api_says_its_changes_are_raw_field_keys(client):
    """The API keeps the stored keys and values (a machine interface); its schema says so."""
    spec = client.get("/api/v1/openapi.json").json()
    changes = spec["components"]["schemas"]["AuditEventOut"]["properties"]["changes"]
    assert changes["description"].startswith("What changed, as stored: keys are the object's field names")
    export = spec["paths"]["/api/v1/audit/exports"]["post"]["description"]
    assert "the changes as the audit log page reads them" in export
