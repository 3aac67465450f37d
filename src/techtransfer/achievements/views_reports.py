"""Funded-project report pages: programmes and their overdue projects for officials, reminders, and
the owner's page to file a report. Thin: fetch through `report_access`, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.achievements import reports as services
from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.models import Achievement, FundedProject, FundingProgramme
from techtransfer.achievements.report_access import (
    ProjectAction,
    can_on_project,
    get_programme_for_user,
    get_project_for_user,
    managed_department_ids,
    programmes_visible_to,
    projects_owned_for,
)
from techtransfer.achievements.report_forms import ProgrammeForm, ProjectForm, ReportForm
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error
from techtransfer.core.models import Organisation, User
from techtransfer.jobs.services import start_job

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _programme(request: HttpRequest, pk: int) -> FundingProgramme:
    try:
        return get_programme_for_user(_user(request), pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _project(request: HttpRequest, pk: int, action: ProjectAction = "view") -> FundedProject:
    try:
        return get_project_for_user(_user(request), pk, action=action)
    except DomainError as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(programmes_visible_to(_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = services.state_counts_by_programme([p.pk for p in page.object_list])
    rows = [(p, counts[p.pk], sum(counts[p.pk].values())) for p in page.object_list]
    may_create = bool(managed_department_ids(_user(request))) or _user(request).is_platform_admin
    return render(
        request, "achievements/report_programme_list.html", {"page": page, "rows": rows, "may_create": may_create}
    )


def _departments(user: User) -> list[tuple[int, str]]:
    qs = Organisation.objects.filter(type=Organisation.Type.GOVERNMENT, status=Organisation.Status.VERIFIED)
    if not user.is_platform_admin:
        qs = qs.filter(pk__in=managed_department_ids(user))
    return list(qs.values_list("pk", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    departments = _departments(_user(request))
    if not departments:
        raise Http404
    form = ProgrammeForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(
                actor=_user(request),
                department_id=form.cleaned_data["department"],
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                report_due_days=form.cleaned_data["report_due_days"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Programme created. Add the projects that must report."))
            return redirect("reports:programme_detail", pk=programme.pk)
    return render(request, "achievements/report_programme_form.html", {"form": form})


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = timezone.localdate()
    projects = programme.projects.select_related("owner")
    counts = services.state_counts(projects, today=today)
    state = request.GET.get("state", "")
    qs = services.with_report_state(projects, today=today)
    if state in services.ReportState.values:
        qs = qs.filter(services.state_q(state, today=today))
    page = Paginator(qs.order_by("report_due", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "page": page,
        "counts": counts,
        "total": sum(counts.values()),
        "state": state,
        "states": services.ReportState.choices,
        "today": today,
    }
    return render(request, "achievements/report_programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.create_project(
                actor=_user(request),
                programme_id=programme.pk,
                number=d["number"],
                title=d["title"],
                owner_id=d["owner"].pk,
                principal_investigator=d["principal_investigator"],
                end_date=d["end_date"],
                report_due=d["report_due"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Project %(number)s added.") % {"number": project.number})
            if "add_another" in request.POST:
                return redirect("reports:project_new", pk=programme.pk)
            return redirect("reports:programme_detail", pk=programme.pk)
    return render(request, "achievements/report_project_form.html", {"form": form, "programme": programme})


@login_required
@require_POST
def programme_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the reminder job for this programme's overdue projects and show its progress."""
    programme = _programme(request, pk)
    job = start_job(
        actor=_user(request),
        kind="reports.remind_overdue",
        params={"programme_id": programme.pk},
        organisation=programme.department,
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def my_projects(request: HttpRequest) -> HttpResponse:
    qs = services.with_report_state(projects_owned_for(_user(request))).order_by("report_due", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "achievements/report_my_projects.html", {"page": page})


def _owner_achievements(project: FundedProject) -> Any:
    """The records a report may name: the project owner's published ones (not its drafts)."""
    return Achievement.objects.filter(organisation_id=project.owner_id, status=AchievementStatus.PUBLISHED)


def _project_page(
    request: HttpRequest, project: FundedProject, *, form: ReportForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    may_file = can_on_project(user, project, "file")
    manages = can_on_project(user, project, "manage")
    context = {
        "project": project,
        "state": services.report_state(project),
        "reports": project.reports.select_related("achievement", "filed_by"),
        "reminders": project.reminders.all()[:20] if manages or may_file else [],
        "may_file": may_file,
        "manages": manages,
        "form": form or (ReportForm(achievements=_owner_achievements(project)) if may_file else None),
    }
    return render(request, "achievements/report_project_detail.html", context, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _project(request, pk))


@login_required
@require_POST
def project_file(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "file")
    form = ReportForm(request.POST, achievements=_owner_achievements(project))
    if form.is_valid():
        achievement = form.cleaned_data["achievement"]
        try:
            services.file_report(
                actor=_user(request),
                project_id=project.pk,
                summary=form.cleaned_data["summary"],
                achievement_id=achievement.pk if achievement else None,
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Report filed. Thank you."))
            return redirect("reports:project_detail", pk=project.pk)
    return _project_page(request, project, form=form, status=400)
