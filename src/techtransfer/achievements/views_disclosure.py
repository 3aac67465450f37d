"""Invention disclosure pages: list, form, detail with the transfer office's assessment, decision,
visibility and "create registry record" actions. Thin: fetch through `disclosure_access`, call one
service from `disclosures`, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.achievements import disclosures as services
from techtransfer.achievements import selectors
from techtransfer.achievements.disclosure_access import (
    DisclosureAction,
    disclosures_visible_to,
    get_disclosure_for_user,
    read_level,
)
from techtransfer.achievements.disclosure_forms import DecisionForm, DisclosureForm, ReturnForm, VisibilityForm
from techtransfer.achievements.models import Disclosure, DisclosureStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.forms import apply_domain_error
from techtransfer.core.models import Membership, User

PAGE_SIZE = 20
TEMPLATE_DETAIL = "achievements/disclosure_detail.html"


def _fetch(request: HttpRequest, pk: int, action: DisclosureAction = "view") -> Disclosure:
    try:
        return get_disclosure_for_user(request.user, pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
def disclosure_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = disclosures_visible_to(user).select_related("organisation__region")
    status = request.GET.get("status", "")
    if status in DisclosureStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("mine") and user.is_authenticated:
        qs = qs.filter(discloser=user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, read_level(user, d)) for d in page.object_list]
    may_disclose = user.is_authenticated and bool(_disclosing_organisations(user))
    return render(
        request,
        "achievements/disclosure_list.html",
        {
            "page": page,
            "rows": rows,
            "statuses": DisclosureStatus.choices,
            "status": status,
            "may_disclose": may_disclose,
        },
    )


def _disclosing_organisations(user: User) -> list[tuple[int, str]]:
    return [
        (m.organisation_id, m.organisation.name)
        for m in Membership.objects.filter(
            user=user, is_active=True, organisation__type__in=list(services.DISCLOSING_TYPES)
        ).select_related("organisation")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = _disclosing_organisations(user)
    if not organisations:
        raise Http404(_("Only members of a university, research institute or hospital disclose inventions."))
    form = DisclosureForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.create_disclosure(
                actor=user,
                organisation_id=form.cleaned_data["org"],
                data=form.values(),
                inventors=form.cleaned_data["inventors"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Draft saved. Submit it to the transfer office when it is complete."))
            return redirect("disclosures:detail", pk=d.pk)
    return render(request, "achievements/disclosure_form.html", {"form": form, "disclosure": None})


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "edit")
    form = DisclosureForm(request.POST or None, instance=d)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_disclosure(
                actor=_user(request), disclosure_id=d.pk, data=form.values(), inventors=form.cleaned_data["inventors"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Saved."))
            return redirect("disclosures:detail", pk=d.pk)
    return render(request, "achievements/disclosure_form.html", {"form": form, "disclosure": d})


def _detail(request: HttpRequest, d: Disclosure, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    level = read_level(user, d)
    office = level == "internal"
    context = {
        "d": d,
        "level": level,
        "office": office,
        "may_edit": services.is_discloser(user, d) and d.status in services.EDITABLE_STATES,
        "may_submit": services.is_discloser(user, d) and services.DISCLOSURE_WORKFLOW.can(d.status, "submit"),
        "may_start": office and services.DISCLOSURE_WORKFLOW.can(d.status, "start_assessment"),
        "may_return": office and services.DISCLOSURE_WORKFLOW.can(d.status, "return"),
        "may_decide": office and services.DISCLOSURE_WORKFLOW.can(d.status, "decide"),
        "may_convert": office and d.status == DisclosureStatus.DECIDED and d.achievement_id is None,
        "return_form": forms.get("return_form") or ReturnForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "visibility_form": forms.get("visibility_form")
        or VisibilityForm(
            initial={"visibility": d.visibility, "public_summary": d.public_summary},
            allowed=services.allowed_visibilities(d),
            note=_visibility_note(d),
        ),
        "may_set_visibility": office and len(services.allowed_visibilities(d)) > 1,
        # The workflow's history (return comments, edits of the shares) is the discloser's and the office's.
        "timeline": selectors.disclosure_timeline(d) if office or services.is_discloser(user, d) else [],
    }
    return render(request, TEMPLATE_DETAIL, context, status=status)


def _visibility_note(d: Disclosure) -> str:
    return str(services.DisclosureErrors.PATENT_NOT_FILED.message) if services.patent_blocks_public(d) else ""


@require_GET
def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _fetch(request, pk))


def _state_refusal(d: Disclosure) -> str:
    """Why an action on `d` was refused because its state moved on (another tab, another person), as
    it stands now: said on the disclosure's page instead of an empty error page."""
    d.refresh_from_db(fields=["status", "decision"])
    if d.status == DisclosureStatus.DECIDED:
        return _("This disclosure has already been decided: “%(decision)s”. Nothing was changed.") % {
            "decision": d.get_decision_display()
        }
    return _("This disclosure is now “%(status)s”, so this can no longer be done. Nothing was changed.") % {
        "status": d.get_status_display()
    }


def _refused(request: HttpRequest, d: Disclosure, exc: DomainError | None = None) -> HttpResponse:
    """Back to the disclosure's page with the refusal as a message."""
    if exc is None or exc.code == Errors.INVALID_TRANSITION.code:
        messages.error(request, _state_refusal(d))
    else:
        messages.error(request, exc.refusal)
    return redirect("disclosures:detail", pk=d.pk)


def _act(request: HttpRequest, d: Disclosure, fn: Any, done: str, **kwargs: Any) -> HttpResponse:
    try:
        fn(actor=_user(request), disclosure_id=d.pk, **kwargs)
    except DomainError as exc:
        return _refused(request, d, exc)
    messages.success(request, done)
    return redirect("disclosures:detail", pk=d.pk)


@login_required
@require_POST
def disclosure_submit(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "view_full")
    return _act(request, d, services.submit_disclosure, _("Submitted to the transfer office."))


@login_required
@require_POST
def disclosure_start(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "assess")
    return _act(request, d, services.start_assessment, _("Assessment started."))


@login_required
@require_POST
def disclosure_return(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "assess")
    if not services.DISCLOSURE_WORKFLOW.can(d.status, "return"):  # the form is not on the page any more
        return _refused(request, d)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _detail(request, d, status=400, return_form=form)
    return _act(
        request, d, services.return_disclosure, _("Returned to the discloser."), comment=form.cleaned_data["comment"]
    )


@login_required
@require_POST
def disclosure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "assess")
    if not services.DISCLOSURE_WORKFLOW.can(d.status, "decide"):  # decided in another tab, returned meanwhile
        return _refused(request, d)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_disclosure(
                actor=_user(request),
                disclosure_id=d.pk,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                assessment_notes=form.cleaned_data["assessment_notes"],
            )
        except DomainError as exc:
            if exc.code == Errors.INVALID_TRANSITION.code:  # decided between the page's check and the lock
                return _refused(request, d, exc)
            apply_domain_error(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("disclosures:detail", pk=d.pk)
    return _detail(request, d, status=400, decision_form=form)


@login_required
@require_POST
def disclosure_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "assess")
    if len(services.allowed_visibilities(d)) < 2:  # returned meanwhile: the form is not on the page
        return _refused(request, d)
    form = VisibilityForm(request.POST, allowed=services.allowed_visibilities(d), note=_visibility_note(d))
    if form.is_valid():
        try:
            services.set_visibility(
                actor=_user(request),
                disclosure_id=d.pk,
                visibility=form.cleaned_data["visibility"],
                public_summary=form.cleaned_data["public_summary"],
            )
        except DomainError as exc:
            refusals = (services.DisclosureErrors.VISIBILITY_NOT_ALLOWED, services.DisclosureErrors.PATENT_NOT_FILED)
            if exc.error in refusals:  # its state changed meanwhile, or full publication before filing
                return _refused(request, d, exc)
            apply_domain_error(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Visibility saved."))
            return redirect("disclosures:detail", pk=d.pk)
    return _detail(request, d, status=400, visibility_form=form)


@login_required
@require_POST
def disclosure_convert(request: HttpRequest, pk: int) -> HttpResponse:
    d = _fetch(request, pk, "assess")
    try:
        a = services.convert_to_achievement(actor=_user(request), disclosure_id=d.pk)
    except DomainError as exc:
        messages.error(request, exc.refusal)
    else:
        messages.success(
            request,
            _("Registry record draft #%(pk)d “%(name)s” created. Complete it and submit it for registration.")
            % {"pk": a.pk, "name": a.name},
        )
    return redirect("disclosures:detail", pk=d.pk)
