import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from techtransfer.audit.models import AuditEvent
from techtransfer.audit.services import record_event
from techtransfer.contracts import services as contracts
from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import FULL_CHECKLIST, submitted
from techtransfer.core import services
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.tests.factories import OrganisationFactory
from techtransfer.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def test_events_carry_request_id_and_ip(applicant_org, county_reviewer):
    c = Client(REMOTE_ADDR="10.1.2.3")
    c.force_login(county_reviewer)
    response = c.post(f"/organisations/{applicant_org.pk}/review/", {"action": "verify"}, HTTP_X_REQUEST_ID="req-42")
    assert response["X-Request-ID"] == "req-42"
    event = AuditEvent.objects.get(action="organisation.verify")
    assert (event.request_id, event.ip, event.actor, event.organisation) == (
        "req-42",
        "10.1.2.3",
        county_reviewer,
        applicant_org,
    )


def test_events_cannot_be_changed_or_deleted(applicant_org):
    event = record_event(actor=None, action="test.create", obj=applicant_org)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_database_refuses_updates_even_in_raw_sql(applicant_org):
    event = record_event(actor=None, action="test.create", obj=applicant_org)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.create"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_deletes(applicant_org):
    event = record_event(actor=None, action="test.create", obj=applicant_org)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_who_sees_which_events(
    applicant_org,
    applicant_admin,
    applicant_member,
    county_reviewer,
    ganzhou_reviewer,
    province_official,
    platform_admin,
):
    far = OrganisationFactory(region_id="360702")
    services.update_organisation(actor=applicant_admin, organisation_id=applicant_org.pk, data={"address": "南昌县"})
    record_event(actor=None, action="test.far", obj=far, organisation=far)

    def seen(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c, c.get("/api/v1/audit/events?page_size=100")

    _, r = seen(None)
    assert r.status_code == 401
    _, r = seen(applicant_member)
    assert r.status_code == 403
    for user, expected in [
        (applicant_admin, {"organisation.update"}),
        (county_reviewer, {"organisation.update"}),
        (ganzhou_reviewer, {"test.far"}),
        (province_official, {"organisation.update", "test.far"}),
        (platform_admin, {"organisation.update", "test.far"}),
    ]:
        c, r = seen(user)
        assert r.status_code == 200, user
        assert {e["action"] for e in r.json()["items"]} == expected, user
        page = c.get("/audit/")
        assert page.status_code == 200
    member = Client()
    member.force_login(applicant_member)
    assert member.get("/audit/").status_code == 404


def test_filters_on_page_and_api(applicant_org, applicant_admin, platform_admin):
    services.update_organisation(actor=applicant_admin, organisation_id=applicant_org.pk, data={"address": "1"})
    record_event(actor=None, action="test.other", obj=applicant_org)
    c = Client()
    c.force_login(platform_admin)
    items = c.get("/api/v1/audit/events?action=organisation.").json()["items"]
    assert [e["action"] for e in items] == ["organisation.update"]
    assert items[0]["changes"] == {"address": ["", "1"]}
    assert items[0]["actor"] == "applicant_admin"
    html = c.get("/audit/?actor=applicant_admin").content.decode()
    assert "organisation.update" in html and "test.other" not in html


def test_audit_page_query_budget(platform_admin, applicant_org, django_assert_max_num_queries):
    for i in range(30):
        record_event(actor=platform_admin, action=f"test.{i}", obj=applicant_org, organisation=applicant_org)
    c = Client()
    c.force_login(platform_admin)
    with django_assert_max_num_queries(8):
        assert c.get("/audit/").status_code == 200


def test_export_runs_as_a_job_and_produces_csv(platform_admin, applicant_org, django_capture_on_commit_callbacks):
    for i in range(3):
        record_event(actor=platform_admin, action=f"test.export{i}", obj=applicant_org, organisation=applicant_org)
    c = Client()
    c.force_login(platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/audit/export/", {"action": "test.export"})
    job = Job.objects.get(kind="audit.export_csv")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.percentage, job.result) == (JobStatus.SUCCEEDED, 100, {"rows": 3})
    download = c.get(f"/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0].startswith("time,actor,organisation,action")
    assert [line.split(",")[3] for line in lines[1:]] == ["test.export0", "test.export1", "test.export2"]


def test_someone_else_cannot_see_or_download_the_export(
    platform_admin, outsider, applicant_org, django_capture_on_commit_callbacks
):
    c = Client()
    c.force_login(platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/audit/export/", {})
    job = Job.objects.get()
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_django_admin_changes_are_audited_without_secrets(platform_admin, applicant_org):
    platform_admin.is_superuser = True
    platform_admin.save()
    c = Client()
    c.force_login(platform_admin)
    response = c.post(
        "/admin/core/user/add/",
        {
            "username": "added",
            "password1": "Another-passw0rd-1",
            "password2": "Another-passw0rd-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.admin_create")
    assert event.actor == platform_admin
    assert "Another-passw0rd-1" not in str(event.changes)
    assert event.changes["password1"] == ["***", "***"]


def test_the_log_page_reads_changes_and_filter_errors_in_words(platform_admin, applicant_org):
    """Field labels instead of names, choice labels instead of codes, "before → after", no Python
    (None, True, [...]); a filter error names the filter by its label."""
    record_event(
        actor=platform_admin, action="organisation.verify", obj=applicant_org, organisation=applicant_org,
        changes={"status": ["registered", "verified"], "verified_by": [None, platform_admin.pk], "extra": True},
    )  # fmt: skip
    c = Client()
    c.force_login(platform_admin)
    page = c.get("/audit/", {"action": "organisation.verify"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>status</strong>: Registered → Verified</div>" in page
    assert f"<strong>verified by</strong>: — → {platform_admin}</div>" in page  # the person, not an id
    assert "<strong>extra</strong>: yes</div>" in page
    assert "None" not in page and "[&#x27;registered&#x27;" not in page
    wrong = c.get("/audit/", {"date_from": "2027-01-01", "date_to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "To date: The end is before the start." in wrong.content.decode()


def test_the_log_names_related_records_and_checklist_conditions(
    platform_admin,
    applicant_org,
    applicant_admin,
    gov_orgs,
    county_reviewer,
    settings,
    tmp_path,
    django_assert_max_num_queries,
):  # type: ignore[no-untyped-def]
    """A decision showed 'decided by: None → 7' and 'checklist: signed: yes, …' (keys in English)."""
    settings.MEDIA_ROOT = tmp_path
    applicant_org.status = OrganisationStatus.VERIFIED
    applicant_org.save(update_fields=["status"])
    county_reviewer.display_name = "王审核"
    county_reviewer.save(update_fields=["display_name"])
    c = submitted(applicant_org, applicant_admin)
    contracts.register_contract(actor=county_reviewer, contract_id=c.pk, checklist=FULL_CHECKLIST)
    client = Client(headers={"accept-language": "en"})
    client.force_login(platform_admin)
    with django_assert_max_num_queries(9):
        page = client.get("/audit/?action=contract.register").content.decode()
    assert "<strong>decided by</strong>: — → 王审核</div>" in page
    # In local time (Asia/Shanghai), as the event's own time: it read 2026-12-08T02:11:01.347305+00:00.
    registered_at = timezone.localtime(Contract.objects.get(pk=c.pk).registered_at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"<strong>registered at</strong>: — → {registered_at}</div>" in page
    assert (
        "<strong>recognition checklist</strong>: — → The contract is signed and sealed by all parties: yes, "
        "The subject is technology"
    ) in page


def test_government_reads_the_events_of_the_records_it_may_open_only(
    applicant_org,
    applicant_admin,
    applicant_member,
    county_reviewer,
    province_official,
    platform_admin,
    settings,
    tmp_path,
):
    """QA: a city official read a private disclosure's technical solution, draft titles and a draft
    contract's amounts in the audit log, though each record itself answered 404. Government reads an
    organisation's events in its jurisdiction only of the records it may open (`audit.scopes`); a
    type no app declared is closed to it; the organisation's admins and platform admins read all."""
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.models import Disclosure
    from techtransfer.achievements.tests.factories import AchievementFactory
    from techtransfer.contracts.tests.factories import draft
    from techtransfer.needs.tests.factories import verify

    settings.MEDIA_ROOT = tmp_path
    verify(applicant_org)
    for status, action in ((AchievementStatus.DRAFT, "test.draft"), (AchievementStatus.SUBMITTED, "test.submitted")):
        a = AchievementFactory(organisation=applicant_org, status=status, holder_region_id="360121")
        record_event(actor=applicant_member, action=action, obj=a, organisation=applicant_org, changes={"name": a.name})
    for visibility, action in (("private", "test.private_disclosure"), ("government", "test.government_disclosure")):
        d = Disclosure.objects.create(
            organisation=applicant_org, discloser=applicant_member, title="发明", technical_field="材料",
            problem="问题", solution="秘密方案", visibility=visibility,
        )  # fmt: skip
        record_event(actor=applicant_member, action=action, obj=d, organisation=applicant_org)
    record_event(actor=applicant_admin, action="test.contract_draft", obj=draft(applicant_org, applicant_admin),
                 organisation=applicant_org)  # fmt: skip
    record_event(actor=applicant_admin, action="test.contract_submitted", obj=submitted(applicant_org, applicant_admin),
                 organisation=applicant_org)  # fmt: skip
    record_event(actor=None, action="test.undeclared", obj=applicant_admin, organisation=applicant_org)
    services.update_organisation(actor=applicant_admin, organisation_id=applicant_org.pk, data={"address": "南昌县"})

    def actions(user):
        c = Client()
        c.force_login(user)
        return {e["action"] for e in c.get("/api/v1/audit/events?page_size=100").json()["items"]} - {
            "contract.create", "contract.attach", "contract.submit",
        }  # fmt: skip

    government = {
        "organisation.update", "test.submitted", "test.government_disclosure", "test.contract_submitted",
    }  # fmt: skip
    everything = government | {"test.draft", "test.private_disclosure", "test.contract_draft", "test.undeclared"}
    assert actions(county_reviewer) == government
    assert actions(province_official) == government
    assert actions(applicant_admin) == everything
    assert actions(platform_admin) == everything


def test_the_api_reads_a_time_at_any_utc_offset_as_its_instant(applicant_org, platform_admin):
    """`since` at -20:58 failed on PostgreSQL (offsets up to ±15:59) with a 500, and one before year 1
    in UTC on every database (found by fuzzing the API with schemathesis)."""
    record_event(actor=None, action="organisation.test", obj=applicant_org)
    c = Client()
    c.force_login(platform_admin)
    far = datetime.timezone(-datetime.timedelta(hours=20, minutes=58))
    before = (timezone.now() - datetime.timedelta(hours=1)).astimezone(far).replace(microsecond=0)
    after = before + datetime.timedelta(hours=2)
    r = c.get("/api/v1/audit/events", {"since": before.isoformat(), "until": after.isoformat()})
    assert (r.status_code, [e["action"] for e in r.json()["items"]]) == (200, ["organisation.test"])
    assert c.get("/api/v1/audit/events", {"until": before.isoformat()}).json()["count"] == 0
    r = c.get("/api/v1/audit/events", {"since": "0001-01-01T00:00:00+05:00"}, HTTP_ACCEPT_LANGUAGE="en")
    message = (
        "since: “0001-01-01T00:00:00+05:00” is not a date and time; write it as YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM, e.g. 2026-03-01T09:30."
    )
    assert (r.status_code, r.json()["details"]) == (422, {"fields": {"since": [message]}})


def test_the_page_reads_a_time_at_any_utc_offset_as_its_instant(applicant_org, platform_admin):
    """The page's `since`/`until` (a hand-edited link) at -20:58 failed on PostgreSQL with a 500, and
    one before year 1 in UTC on every database, as the API's did (`core.instants`)."""
    record_event(actor=None, action="organisation.test", obj=applicant_org)
    c = Client(headers={"accept-language": "en"})
    c.force_login(platform_admin)
    far = datetime.timezone(-datetime.timedelta(hours=20, minutes=58))
    before = (timezone.now() - datetime.timedelta(hours=1)).astimezone(far).replace(microsecond=0)
    page = c.get("/audit/", {"since": before.isoformat(), "until": (before + datetime.timedelta(hours=2)).isoformat()})
    assert page.status_code == 200 and "organisation.test" in page.content.decode()
    assert "organisation.test" not in c.get("/audit/", {"until": before.isoformat()}).content.decode()
    early = c.get("/audit/", {"since": "0001-01-01T00:00:00+05:00"})
    assert early.status_code == 200
    assert (
        "From: “0001-01-01T00:00:00+05:00” is not a date and time; write it as YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM, e.g. 2026-03-01T09:30."
    ) in early.content.decode()


def test_the_log_names_a_region_as_region_selects_do(applicant_org, platform_admin):
    """A region change read 青山湖区 → 章贡区 on English pages too; it reads as the region selects do."""
    record_event(actor=None, action="organisation.update", obj=applicant_org, changes={"region": ["360111", "360702"]})
    for language, expected in (
        ("en", "<strong>region</strong>: 青山湖区 (Qingshanhu District) → 章贡区 (Zhanggong District)</div>"),
        ("zh-hans", "<strong>行政区划</strong>：青山湖区 → 章贡区</div>"),
    ):
        client = Client(headers={"accept-language": language})
        client.force_login(platform_admin)
        assert expected in client.get("/audit/?action=organisation.update").content.decode()
