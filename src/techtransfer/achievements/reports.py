"""Funded-project achievement reports (成果汇交): programmes, projects, reports and reminders.

A government department's officials create a funding programme and the projects that must report;
each project's report is due a number of days after it ends. Members of a project's owner
organisation file reports (optionally naming one of their registry records). Officials see which
projects are overdue and remind their owners by e-mail, at most once a day per project; the
`remind_overdue_reports` command and the `reports.remind_overdue` job do the same for every programme.

A project's state is never stored: filed once a report exists, overdue from the day after its due
date, pending before that (`with_report_state`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import notices
from techtransfer.achievements.models import (
    Achievement,
    FundedProject,
    FundingProgramme,
    ProjectReport,
    ReportReminder,
)
from techtransfer.achievements.report_access import manages_programme
from techtransfer.audit.services import record_event, snapshot
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.ids import typed_number
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import is_member

logger = logging.getLogger(__name__)


class ReportState(models.TextChoices):
    PENDING = "pending", _("Pending")
    FILED = "filed", _("Filed")
    OVERDUE = "overdue", _("Overdue")


class ReportErrors:
    NOT_A_DEPARTMENT = ErrorCode(
        "programme_department", _("Only a verified government science department owns funding programmes."), 400
    )
    PROJECT_NUMBER_TAKEN = ErrorCode(
        "project_number_taken", _("This programme already has a project with this number."), 409
    )
    OWNER_UNKNOWN = ErrorCode(
        "project_owner_unknown", _("The owner organisation is not registered on the platform."), 400
    )


# --- derived state ---------------------------------------------------------------------------------------


def state_q(state: str, *, today: datetime.date) -> Q:
    """The filter selecting projects in `state` on `today`: the one definition of the derived state.

    Filed once a report exists; otherwise a report due on day D is pending all of D and overdue from D + 1.
    """
    has_report = Q(Exists(ProjectReport.objects.filter(project=OuterRef("pk"))))
    if state == ReportState.FILED:
        return has_report
    if state == ReportState.OVERDUE:
        return ~has_report & Q(report_due__lt=today)
    if state == ReportState.PENDING:
        return ~has_report & Q(report_due__gte=today)
    raise ValueError(f"unknown report state {state!r}")


def with_report_state(qs: QuerySet[FundedProject], *, today: datetime.date | None = None) -> QuerySet[FundedProject]:
    """Annotate `state` (pending / filed / overdue on `today`) and `last_reminded` (a date or None)."""
    today = today or timezone.localdate()
    return qs.annotate(
        state=Case(
            When(state_q(ReportState.FILED, today=today), then=Value(ReportState.FILED.value)),
            When(state_q(ReportState.OVERDUE, today=today), then=Value(ReportState.OVERDUE.value)),
            default=Value(ReportState.PENDING.value),
            output_field=models.CharField(),
        ),
        last_reminded=Subquery(
            ReportReminder.objects.filter(project=OuterRef("pk")).order_by("-sent_on").values("sent_on")[:1]
        ),
    )


def state_counts(qs: QuerySet[FundedProject], *, today: datetime.date | None = None) -> dict[str, int]:
    """{state: number of projects} for every state (one query)."""
    today = today or timezone.localdate()
    return qs.aggregate(**{str(s): models.Count("pk", filter=state_q(s, today=today)) for s in ReportState.values})


def state_counts_by_programme(
    programme_ids: list[int], *, today: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """{programme id: {state: number of projects}} for the given programmes (one query)."""
    today = today or timezone.localdate()
    rows = (
        FundedProject.objects.filter(programme_id__in=programme_ids)
        .order_by()
        .values("programme_id")
        .annotate(**{str(s): models.Count("pk", filter=state_q(s, today=today)) for s in ReportState.values})
    )
    empty = {str(s): 0 for s in ReportState.values}
    result = {pk: dict(empty) for pk in programme_ids}
    for row in rows:
        result[row["programme_id"]] = {str(s): row[str(s)] for s in ReportState.values}
    return result


def report_state(project: FundedProject, *, today: datetime.date | None = None) -> str:
    """The state of one project on `today`."""
    today = today or timezone.localdate()
    for s in (ReportState.FILED, ReportState.OVERDUE):
        if FundedProject.objects.filter(state_q(s, today=today), pk=project.pk).exists():
            return str(s)
    return str(ReportState.PENDING)


# --- programmes and projects -----------------------------------------------------------------------------


def _managed_programme(actor: User, programme_id: int, *, lock: bool = False) -> FundingProgramme:
    qs = FundingProgramme.objects.select_related("department")
    if lock:
        qs = qs.select_for_update()
    programme = qs.filter(pk=programme_id).first()
    if programme is None or not manages_programme(actor, programme):
        raise DomainError(Errors.NOT_FOUND)
    return programme


@transaction.atomic
def create_programme(
    *, actor: User, department_id: int, name: str, year: int, report_due_days: int = 90
) -> FundingProgramme:
    """An official or admin of a verified government department creates one of its programmes.

    Writes `fundingprogramme.create`.
    """
    department = Organisation.objects.filter(pk=department_id).first()
    if department is None:
        raise DomainError(Errors.NOT_FOUND)
    allowed = (
        actor.is_platform_admin
        or Membership.objects.filter(
            user=actor, organisation=department, is_active=True, role__in=[Role.GOV_OFFICIAL, Role.ORG_ADMIN]
        ).exists()
    )
    if not allowed:
        raise DomainError(Errors.NOT_FOUND)
    if department.type != OrganisationType.GOVERNMENT or department.status != OrganisationStatus.VERIFIED:
        raise DomainError(ReportErrors.NOT_A_DEPARTMENT)
    if not name.strip():
        raise DomainError(Errors.VALIDATION, details={"name": [gettext("This field is required.")]})
    programme = FundingProgramme.objects.create(
        name=name.strip(), department=department, year=year, report_due_days=report_due_days, created_by=actor
    )
    record_event(
        actor=actor,
        action="fundingprogramme.create",
        obj=programme,
        organisation=department,
        changes=snapshot(programme, ["name", "year", "report_due_days"]),
    )
    return programme


def create_project(
    *,
    actor: User,
    programme_id: int,
    number: str,
    title: str,
    owner_id: int,
    principal_investigator: str,
    end_date: datetime.date,
    report_due: datetime.date | None = None,
) -> FundedProject:
    """An official of the programme's department adds a project that must report.

    The report is due `report_due`, or `programme.report_due_days` after `end_date`. The number is
    stored as `typed_number` reads it (full-width characters ASCII, no spaces) and is unique within
    the programme (the database constraint decides under concurrency). Writes
    `fundedproject.create`.
    """
    number = typed_number(number)  # ２０２４１ＢＢＥ００１ is 20241BBE001: one project, not two
    if report_due is not None and report_due < end_date:
        raise DomainError(
            Errors.VALIDATION, details={"report_due": [gettext("The report cannot be due before the project ends.")]}
        )
    try:
        with transaction.atomic():
            programme = _managed_programme(actor, programme_id)
            owner = Organisation.objects.filter(pk=owner_id).first()
            if owner is None:
                raise DomainError(ReportErrors.OWNER_UNKNOWN)
            project = FundedProject.objects.create(
                programme=programme,
                number=number,
                title=title.strip(),
                owner=owner,
                principal_investigator=principal_investigator.strip(),
                end_date=end_date,
                report_due=report_due or end_date + datetime.timedelta(days=programme.report_due_days),
            )
            record_event(
                actor=actor,
                action="fundedproject.create",
                obj=project,
                organisation=programme.department,
                changes=snapshot(project, ["programme", "number", "owner", "end_date", "report_due"]),
            )
    except IntegrityError as exc:
        raise DomainError(ReportErrors.PROJECT_NUMBER_TAKEN, details={"field": "number"}) from exc
    return project


# --- reports ---------------------------------------------------------------------------------------------


@transaction.atomic
def file_report(*, actor: User, project_id: int, summary: str, achievement_id: int | None = None) -> ProjectReport:
    """A member of the project's owner organisation files a report; the record named must be the owner's.

    A project may receive several reports (one per result); the first makes it filed. Writes
    `projectreport.create`.
    """
    project = (
        FundedProject.objects.select_for_update(of=("self",)).select_related("programme").filter(pk=project_id).first()
    )
    if project is None or not is_member(actor, project.owner_id):
        raise DomainError(Errors.NOT_FOUND)
    summary = summary.strip()
    if not summary:
        raise DomainError(Errors.VALIDATION, details={"summary": [gettext("Summarise the results of the project.")]})
    if len(summary) > 4000:
        raise DomainError(Errors.VALIDATION, details={"summary": [gettext("At most 4,000 characters.")]})
    achievement = None
    if achievement_id is not None:
        achievement = Achievement.objects.filter(pk=achievement_id, organisation_id=project.owner_id).first()
        if achievement is None:
            raise DomainError(
                Errors.VALIDATION,
                details={"achievement": [gettext("Choose one of your organisation's registry records.")]},
            )
    report = ProjectReport.objects.create(project=project, achievement=achievement, summary=summary, filed_by=actor)
    record_event(
        actor=actor,
        action="projectreport.create",
        obj=report,
        organisation=project.owner,
        changes={"project": project.pk, "achievement": achievement_id},
    )
    return report


# --- reminders -------------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    sent: int = 0
    already_today: int = 0
    no_recipients: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "already_today": self.already_today, "no_recipients": self.no_recipients}


@dataclass(frozen=True)
class Addressees:
    """Whom an overdue-report reminder goes to (`addressees`)."""

    recipients: list[str]  # every address reminded, as the reminder records them
    admin_ids: list[int]  # the active admins, told through the notifications (inbox, e-mail as chosen)
    contact_alone: list[str]  # the contact address when no active admin has it: mailed directly


def addressees(owner: Organisation) -> Addressees:
    """The e-mail addresses of the owner's active admins and its contact address, without duplicates;
    the admins told through the notifications; the contact address no active admin has. One query."""
    rows = list(
        Membership.objects.filter(organisation=owner, is_active=True, role=Role.ORG_ADMIN).values_list(
            "user_id", "user__email", "user__is_active"
        )
    )
    recipients: list[str] = []
    for e in [*(email for _id, email, _on in rows), owner.contact_email]:
        e = (e or "").strip()
        if e and e.lower() not in (r.lower() for r in recipients):
            recipients.append(e)
    contact = (owner.contact_email or "").strip()
    active = {user_id: (email or "").strip().lower() for user_id, email, on in rows if on}
    alone = [contact] if contact and contact.lower() not in active.values() else []
    return Addressees(recipients, list(active), alone)


def _mail(project: FundedProject, recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Overdue achievement report: %(number)s") % {"number": project.number}
        body = gettext(
            "The achievement report of project %(number)s “%(title)s” (%(programme)s) was due on %(due)s "
            "and has not been filed. Please file it on the platform: %(link)s"
        ) % {
            "number": project.number,
            "title": project.title,
            "programme": project.programme.name,
            "due": project.report_due.isoformat(),
            "link": settings.SITE_URL + reverse("reports:project_detail", args=[project.pk]),
        }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # a failed mail must not stop the other reminders; the log says which
        logger.exception("reminder mail for project %s failed", project.pk)


def remind_project(*, actor: User | None, project: FundedProject, today: datetime.date) -> str:
    """Record and send one reminder; returns "sent", "already_today" or "no_recipients".

    The owner's active admins are told in their inbox and by e-mail, as each chose
    (`notices.report_overdue`); the organisation's contact address, when no admin has it, gets the
    e-mail (after commit). The unique (project, day) row decides: a second reminder on the same day
    finds it and does nothing. Writes `fundedproject.remind` with the addresses reminded.
    """
    to = addressees(project.owner)
    recipients = to.recipients
    if not recipients and not to.admin_ids:
        return "no_recipients"
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(
                project=project, sent_on=today, sent_by=actor, recipients=recipients
            )
            record_event(
                actor=actor,
                action="fundedproject.remind",
                obj=project,
                organisation=project.programme.department,
                changes={"sent_on": today.isoformat(), "recipients": recipients, "reminder": reminder.pk},
            )
            notices.report_overdue(project, admins=to.admin_ids)
            if to.contact_alone:
                transaction.on_commit(lambda: _mail(project, to.contact_alone))
    except IntegrityError:
        return "already_today"
    return "sent"


def send_reminders(
    *,
    actor: User | None,
    programme_id: int | None = None,
    today: datetime.date | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> ReminderResult:
    """Remind the owners of every overdue project of one programme (or of all, for the system).

    `actor` None is the system (command or scheduled job) and must be used with care; a person must
    manage the programme they name. Each project is its own transaction, so one failure does not undo
    the reminders already recorded.
    """
    if actor is not None and programme_id is None and not actor.is_platform_admin:
        raise DomainError(Errors.NOT_FOUND)
    if actor is not None and programme_id is not None:
        _managed_programme(actor, programme_id)
    today = today or timezone.localdate()
    qs = FundedProject.objects.select_related("programme", "programme__department", "owner")
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    projects = list(qs.filter(state_q(ReportState.OVERDUE, today=today)).order_by("pk"))
    result = ReminderResult()
    for n, project in enumerate(projects, start=1):
        outcome = remind_project(actor=actor, project=project, today=today)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if progress is not None:
            progress(n, len(projects))
    return result
