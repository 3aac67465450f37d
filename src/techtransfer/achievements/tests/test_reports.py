"""Funded-project reports: derived state at exact date edges, reminders once a day, permissions, the
command, the job and the pages.

Personas: the province official runs a programme of 江西省科学技术厅; a city official (南昌市科学技术局)
belongs to another department; the applicant enterprise in 南昌县 owns the projects (its admin and
member file reports); the outsider's university owns none.
"""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from techtransfer.achievements import reports as services
from techtransfer.achievements.models import FundedProject, ProjectReport, ReportReminder
from techtransfer.achievements.report_access import get_programme_for_user, get_project_for_user
from techtransfer.achievements.services import create_achievement
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.tests.factories import MembershipFactory, UserFactory
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.services import start_job
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

END = datetime.date(2025, 3, 31)
DUE = datetime.date(2025, 6, 29)  # END + 90 days
ST = services.ReportState


@pytest.fixture
def city_official(gov_orgs):
    user = UserFactory(username="city_official")
    MembershipFactory(user=user, organisation=gov_orgs["city"], role=Role.GOV_OFFICIAL)
    return user


@pytest.fixture
def owner(applicant_org, applicant_admin, applicant_member):
    applicant_org.contact_email = "office@applicant.example.org"
    applicant_org.save(update_fields=["contact_email"])
    return applicant_org


@pytest.fixture
def programme(province_official, gov_orgs):
    return services.create_programme(
        actor=province_official, department_id=gov_orgs["province"].pk, name="省重点研发计划", year=2024
    )


@pytest.fixture
def project(programme, province_official, owner):
    return services.create_project(
        actor=province_official,
        programme_id=programme.pk,
        number="20241BBE001",
        title="低温锂电池",
        owner_id=owner.pk,
        principal_investigator="张三",
        end_date=END,
    )


def _state(project, today):
    return services.report_state(project, today=today)


# --- derived state ----------------------------------------------------------------------------------------


def test_report_is_due_90_days_after_the_end_by_default(project, programme):
    assert (project.end_date, project.report_due) == (END, DUE)
    assert programme.report_due_days == 90
    assert AuditEvent.objects.filter(action="fundedproject.create", object_id=str(project.pk)).count() == 1


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - datetime.timedelta(days=1), ST.PENDING),
        (DUE, ST.PENDING),
        (DUE + datetime.timedelta(days=1), ST.OVERDUE),
        (DUE + datetime.timedelta(days=400), ST.OVERDUE),
    ],
)
def test_overdue_starts_the_day_after_the_due_date(project, today, expected):
    assert _state(project, today) == expected
    annotated = services.with_report_state(FundedProject.objects.all(), today=today).get()
    assert annotated.state == expected
    counts = services.state_counts(FundedProject.objects.all(), today=today)
    assert counts == {ST.PENDING: int(expected == ST.PENDING), ST.FILED: 0, ST.OVERDUE: int(expected == ST.OVERDUE)}


def test_a_filed_report_ends_overdue_even_late(project, applicant_member):
    late = DUE + datetime.timedelta(days=30)
    assert _state(project, late) == ST.OVERDUE
    services.file_report(actor=applicant_member, project_id=project.pk, summary="形成专利两项")
    assert _state(project, late) == ST.FILED
    assert services.state_counts(FundedProject.objects.all(), today=late) == {ST.PENDING: 0, ST.FILED: 1, ST.OVERDUE: 0}


def test_an_explicit_due_date_wins_and_cannot_precede_the_end(programme, province_official, owner):
    p = services.create_project(
        actor=province_official, programme_id=programme.pk, number="X-2", title="t", owner_id=owner.pk,
        principal_investigator="李四", end_date=END, report_due=END,
    )  # fmt: skip
    assert p.report_due == END
    with pytest.raises(DomainError) as exc:
        services.create_project(
            actor=province_official, programme_id=programme.pk, number="X-3", title="t", owner_id=owner.pk,
            principal_investigator="李四", end_date=END, report_due=END - datetime.timedelta(days=1),
        )  # fmt: skip
    assert list(exc.value.details) == ["report_due"]


def test_project_numbers_are_unique_per_programme(project, programme, province_official, owner, gov_orgs):
    with pytest.raises(DomainError) as exc:
        services.create_project(
            actor=province_official, programme_id=programme.pk, number=" 20241BBE001 ", title="重复",
            owner_id=owner.pk, principal_investigator="李四", end_date=END,
        )  # fmt: skip
    assert exc.value.error == services.ReportErrors.PROJECT_NUMBER_TAKEN
    # Typed on a Chinese keyboard (full-width) or with spaces, it is the same number (it was a second project).
    for typed in ("２０２４１ＢＢＥ００１", "20241 BBE 001"):
        with pytest.raises(DomainError) as exc:
            services.create_project(
                actor=province_official, programme_id=programme.pk, number=typed, title="重复",
                owner_id=owner.pk, principal_investigator="李四", end_date=END,
            )  # fmt: skip
        assert exc.value.error == services.ReportErrors.PROJECT_NUMBER_TAKEN
    other = services.create_programme(
        actor=province_official, department_id=gov_orgs["province"].pk, name="另一计划", year=2024
    )
    services.create_project(
        actor=province_official, programme_id=other.pk, number="２０２４１ＢＢＥ００１", title="同号不同计划",
        owner_id=owner.pk, principal_investigator="李四", end_date=END,
    )  # fmt: skip
    assert FundedProject.objects.filter(number="20241BBE001").count() == 2


# --- reminders ------------------------------------------------------------------------------------------------


def test_reminder_mails_admins_and_contact_once_a_day(
    project, programme, province_official, applicant_admin, django_capture_on_commit_callbacks
):
    overdue_day = DUE + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.send_reminders(actor=province_official, programme_id=programme.pk, today=overdue_day)
    assert result.as_dict() == {"sent": 1, "already_today": 0, "no_recipients": 0}
    # The admin through the notifications (inbox and e-mail, as they chose), the contact address by e-mail.
    assert [m.to for m in mail.outbox] == [["applicant_admin@example.org"], ["office@applicant.example.org"]]
    for message in mail.outbox:
        assert "20241BBE001" in message.subject
        assert f"/reports/projects/{project.pk}/" in message.body and "2025-06-29" in message.body
    notice = Notification.objects.get()
    assert (notice.user, notice.kind, notice.url) == (
        applicant_admin,
        "achievements.report_overdue",
        f"/reports/projects/{project.pk}/",
    )
    with translation.override("en"):
        assert (notice.shown_title, notice.shown_body) == (
            "Overdue achievement report: 20241BBE001",
            f"The achievement report of project 20241BBE001 “{project.title}” ({programme.name}) was due on "
            "2025-06-29 and has not been filed.",
        )

    with django_capture_on_commit_callbacks(execute=True):
        again = services.send_reminders(actor=province_official, programme_id=programme.pk, today=overdue_day)
    assert again.as_dict() == {"sent": 0, "already_today": 1, "no_recipients": 0}
    assert (len(mail.outbox), Notification.objects.count()) == (2, 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(
            actor=province_official, programme_id=programme.pk, today=overdue_day + datetime.timedelta(days=1)
        )
    assert (len(mail.outbox), Notification.objects.count()) == (4, 2)
    assert list(ReportReminder.objects.order_by("sent_on").values_list("sent_on", "sent_by")) == [
        (overdue_day, province_official.pk),
        (overdue_day + datetime.timedelta(days=1), province_official.pk),
    ]
    assert AuditEvent.objects.filter(action="fundedproject.remind", object_id=str(project.pk)).count() == 2


def test_no_reminder_for_pending_or_filed_projects(
    project, programme, province_official, applicant_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        on_due_day = services.send_reminders(actor=province_official, programme_id=programme.pk, today=DUE)
    assert on_due_day.as_dict() == {"sent": 0, "already_today": 0, "no_recipients": 0}
    services.file_report(actor=applicant_member, project_id=project.pk, summary="已汇交")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(
            actor=province_official, programme_id=programme.pk, today=DUE + datetime.timedelta(days=5)
        )
    assert mail.outbox == []
    assert not ReportReminder.objects.exists()


def test_owner_without_any_address_is_counted_not_recorded(
    project, programme, province_official, owner, django_capture_on_commit_callbacks
):
    owner.contact_email = ""
    owner.save(update_fields=["contact_email"])
    owner.memberships.update(role=Role.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.send_reminders(
            actor=province_official, programme_id=programme.pk, today=DUE + datetime.timedelta(days=1)
        )
    assert result.as_dict() == {"sent": 0, "already_today": 0, "no_recipients": 1}
    assert mail.outbox == [] and not ReportReminder.objects.exists()


def test_command_reminds_across_programmes(project, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_overdue_reports", date=(DUE + datetime.timedelta(days=1)).isoformat())
    assert "reminders sent: 1" in capsys.readouterr().out
    assert len(mail.outbox) == 2  # the admin and the contact address
    assert ReportReminder.objects.get().sent_by is None


def test_job_reminds_with_the_starters_permissions(
    project, programme, province_official, city_official, django_capture_on_commit_callbacks
):
    params = {"programme_id": programme.pk, "date": (DUE + datetime.timedelta(days=2)).isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(actor=province_official, kind="reports.remind_overdue", params=params)
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"sent": 1, "already_today": 0, "no_recipients": 0})
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        refused = start_job(actor=city_official, kind="reports.remind_overdue", params=params)
    refused.refresh_from_db()
    assert refused.status == JobStatus.FAILED
    assert len(mail.outbox) == 2


# --- permissions ------------------------------------------------------------------------------------------------


def test_official_of_another_department_cannot_see_or_act(project, programme, city_official, province_reviewer, owner):
    for user in (city_official, province_reviewer):
        with pytest.raises(DomainError) as exc:
            get_programme_for_user(user, programme.pk)
        assert exc.value.error == Errors.NOT_FOUND
        with pytest.raises(DomainError):
            get_project_for_user(user, project.pk)
        with pytest.raises(DomainError) as exc:
            services.send_reminders(actor=user, programme_id=programme.pk, today=DUE + datetime.timedelta(days=1))
        assert exc.value.error == Errors.NOT_FOUND
        with pytest.raises(DomainError) as exc:
            services.create_project(
                actor=user, programme_id=programme.pk, number="N", title="t", owner_id=owner.pk,
                principal_investigator="p", end_date=END,
            )  # fmt: skip
        assert exc.value.error == Errors.NOT_FOUND
        c = Client()
        c.force_login(user)
        assert c.get(f"/reports/programmes/{programme.pk}/").status_code == 404
        assert c.get(f"/reports/projects/{project.pk}/").status_code == 404
        assert c.post(f"/reports/programmes/{programme.pk}/remind/").status_code == 404
        assert "省重点研发计划" not in c.get("/reports/programmes/").content.decode()
    assert not ReportReminder.objects.exists() and not Job.objects.exists()


def test_only_officials_of_a_verified_department_create_programmes(
    city_official, province_reviewer, gov_orgs, applicant_admin, applicant_org
):
    with pytest.raises(DomainError) as exc:
        services.create_programme(actor=city_official, department_id=gov_orgs["province"].pk, name="越权", year=2024)
    assert exc.value.error == Errors.NOT_FOUND
    with pytest.raises(DomainError) as exc:
        services.create_programme(
            actor=province_reviewer, department_id=gov_orgs["province"].pk, name="审核员", year=2024
        )
    assert exc.value.error == Errors.NOT_FOUND
    with pytest.raises(DomainError) as exc:
        services.create_programme(actor=applicant_admin, department_id=applicant_org.pk, name="企业计划", year=2024)
    assert exc.value.error == services.ReportErrors.NOT_A_DEPARTMENT


def test_member_of_another_organisation_cannot_file(project, outsider, city_official):
    for user in (outsider, city_official):
        with pytest.raises(DomainError) as exc:
            services.file_report(actor=user, project_id=project.pk, summary="冒名汇交")
        assert exc.value.error == Errors.NOT_FOUND
        c = Client()
        c.force_login(user)
        assert c.post(f"/reports/projects/{project.pk}/file/", {"summary": "冒名汇交"}).status_code == 404
    assert not ProjectReport.objects.exists()


def test_the_official_sees_but_does_not_file(project, province_official):
    with pytest.raises(DomainError):
        services.file_report(actor=province_official, project_id=project.pk, summary="代填")
    c = Client()
    c.force_login(province_official)
    page = c.get(f"/reports/projects/{project.pk}/").content.decode()
    assert 'id="report-form"' not in page


def test_filing_links_only_the_owners_own_achievements(project, applicant_member, outsider, other_org):
    mine = create_achievement(
        actor=applicant_member, organisation_id=project.owner_id, data={"name": "我的成果", "abstract": "摘要"}
    )
    theirs = create_achievement(
        actor=outsider, organisation_id=other_org.pk, data={"name": "别人的成果", "abstract": "摘要"}
    )
    with pytest.raises(DomainError) as exc:
        services.file_report(actor=applicant_member, project_id=project.pk, summary="汇交", achievement_id=theirs.pk)
    assert list(exc.value.details) == ["achievement"]
    with pytest.raises(DomainError) as exc:
        services.file_report(actor=applicant_member, project_id=project.pk, summary="   ")
    assert list(exc.value.details) == ["summary"]
    assert not ProjectReport.objects.exists()
    report = services.file_report(actor=applicant_member, project_id=project.pk, summary="汇交", achievement_id=mine.pk)
    assert (report.achievement_id, report.filed_by_id, report.summary) == (mine.pk, applicant_member.pk, "汇交")
    assert AuditEvent.objects.filter(action="projectreport.create", object_id=str(report.pk)).count() == 1


# --- pages ----------------------------------------------------------------------------------------------------


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_official_pages_create_programme_and_project(province_official, gov_orgs, owner):
    c = _client(province_official)
    response = c.post(
        "/reports/programmes/new/",
        {"department": gov_orgs["province"].pk, "name": "页面计划", "year": 2025, "report_due_days": 60},
    )
    programme_id = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    bad = c.post(
        f"/reports/programmes/{programme_id}/projects/new/",
        {
            "number": "P-1",
            "title": "页面项目",
            "owner": "91360100000000000X",
            "principal_investigator": "王五",
            "end_date": "2025-01-31",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200
    assert "No organisation with this unified social credit code is registered." in bad.content.decode()
    assert 'value="页面项目"' in bad.content.decode()
    ok = c.post(
        f"/reports/programmes/{programme_id}/projects/new/",
        {
            "number": "P-1",
            "title": "页面项目",
            "owner": owner.uscc.lower(),
            "principal_investigator": "王五",
            "end_date": "2025-01-31",
        },
    )
    assert ok.status_code == 302
    p = FundedProject.objects.get(number="P-1")
    assert (p.owner_id, p.report_due) == (owner.pk, datetime.date(2025, 4, 1))


def test_programme_page_filters_overdue_and_the_button_starts_the_job(
    programme, province_official, owner, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    today = datetime.date.today()
    for i in range(30):
        end = today - datetime.timedelta(days=120 if i % 3 == 0 else 10)
        services.create_project(
            actor=province_official, programme_id=programme.pk, number=f"N{i:02d}", title=f"项目{i}",
            owner_id=owner.pk, principal_investigator="张三", end_date=end,
        )  # fmt: skip
    c = _client(province_official)
    with django_assert_max_num_queries(12):
        page = c.get(f"/reports/programmes/{programme.pk}/?state=overdue").content.decode()
    assert 'id="count-overdue">10<' in page and 'id="count-pending">20<' in page and 'id="count-all">30<' in page
    assert "N00" in page and "N01" not in page
    with django_assert_max_num_queries(10):
        listing = c.get("/reports/programmes/").content.decode()
    assert '<span class="badge text-bg-danger">10</span>' in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/reports/programmes/{programme.pk}/remind/")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.result == {"sent": 10, "already_today": 0, "no_recipients": 0}
    assert len(mail.outbox) == 20  # each project: the admin and the contact address


def test_owner_files_a_report_from_the_project_page(project, applicant_member):
    c = _client(applicant_member)
    assert "20241BBE001" in c.get("/reports/projects/").content.decode()
    page = c.get(f"/reports/projects/{project.pk}/").content.decode()
    assert 'id="report-form"' in page
    empty = c.post(f"/reports/projects/{project.pk}/file/", {"summary": ""})
    assert empty.status_code == 400 and not ProjectReport.objects.exists()
    done = c.post(f"/reports/projects/{project.pk}/file/", {"summary": "形成新产品一项"})
    assert done.status_code == 302
    assert ProjectReport.objects.get().summary == "形成新产品一项"


# --- the report form's registry record -----------------------------------------------------------------


def test_the_report_form_offers_only_published_records_the_newest_first(
    project, owner, applicant_member, monkeypatch, django_assert_max_num_queries
):
    from techtransfer.achievements import report_forms
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory

    monkeypatch.setattr(report_forms, "SHOWN_RECORDS", 2)
    old, middle, new = (
        AchievementFactory(
            organisation=owner, status=AchievementStatus.PUBLISHED, registration_number=f"36020261000{i}"
        )
        for i in (1, 2, 3)
    )
    AchievementFactory(organisation=owner, name="草稿不应出现")
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(applicant_member)
    with django_assert_max_num_queries(20):
        page = c.get(f"/reports/projects/{project.pk}/")
    choices = [(str(v), label) for v, label in page.context["form"].fields["achievement"].widget.choices]
    assert choices == [("", "— none —"), (str(new.pk), new.name), (str(middle.pk), middle.name)]
    assert "草稿不应出现" not in page.content.decode()
    # An older record is named by its registration number; a draft or an unknown number is refused.
    done = c.post(
        f"/reports/projects/{project.pk}/file/", {"summary": "形成新产品一项", "registration_number": "360202610001"}
    )
    assert done.status_code == 302
    assert ProjectReport.objects.get().achievement_id == old.pk
    wrong = c.post(f"/reports/projects/{project.pk}/file/", {"summary": "再报", "registration_number": "360202619999"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors == {
        "registration_number": ["None of your organisation's published records has this number."]
    }
    both = c.post(
        f"/reports/projects/{project.pk}/file/",
        {"summary": "再报", "achievement": new.pk, "registration_number": "360202610001"},
    )
    assert both.context["form"].errors == {"registration_number": ["Choose a record or give a number, not both."]}
    assert ProjectReport.objects.count() == 1


@pytest.mark.parametrize(
    "typed", ["３６０２０２６１０００１", "3602 0261 0001", " ３６０２\u3000０２６１\u3000０００１ "]
)
def test_the_report_names_a_record_by_its_number_as_typed(project, owner, applicant_member, typed):
    """The catalogue editor read ３６０２… (a Chinese input method) and grouped numbers; this form took
    only ASCII and at most 12 characters, and answered that no record has the number."""
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory

    record = AchievementFactory(
        organisation=owner, status=AchievementStatus.PUBLISHED, registration_number="360202610001"
    )
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(applicant_member)
    done = c.post(f"/reports/projects/{project.pk}/file/", {"summary": "形成新产品一项", "registration_number": typed})
    assert done.status_code == 302
    assert ProjectReport.objects.get().achievement_id == record.pk


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("36020261000", "登记号为 12 位数字，当前填写了 11 个字符。"),
        ("3602 0261 0001 1", "登记号为 12 位数字，当前填写了 13 个字符。"),
    ],
)
def test_the_report_form_tells_a_wrong_number_its_length(project, owner, applicant_member, typed, expected):
    from techtransfer.achievements.choices import AchievementStatus
    from techtransfer.achievements.tests.factories import AchievementFactory

    AchievementFactory(organisation=owner, status=AchievementStatus.PUBLISHED, registration_number="360202610001")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(applicant_member)
    wrong = c.post(f"/reports/projects/{project.pk}/file/", {"summary": "形成新产品一项", "registration_number": typed})
    assert wrong.status_code == 400
    with translation.override("zh-hans"):
        assert wrong.context["form"].errors == {"registration_number": [expected]}
    assert ProjectReport.objects.count() == 0
