"""Need pages: public list and detail, my needs, create and edit, the review queue and actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core import concurrency, once
from techtransfer.core.choices import ReviewStatus
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error, style_fields, workflow_comment
from techtransfer.core.jurisdiction import nearest_reviewing_departments
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import is_member
from techtransfer.needs import access, selectors, services
from techtransfer.needs.errors import NeedErrors
from techtransfer.needs.filters import NeedFilterSet
from techtransfer.needs.forms import CommentForm, NeedForm
from techtransfer.needs.models import Challenge, Need

S = ReviewStatus
PAGE_SIZE = 20

# What the reviewer is told after each review action (the organisation hears of all but
# `start_review` by a notice).
ACTION_DONE = {
    "start_review": gettext_lazy("Review started. Publish the need, or return or reject it with a reason."),
    "publish": gettext_lazy("Published: the need is on the public list of needs."),
    "return": gettext_lazy("Returned to the organisation with your comment."),
    "reject": gettext_lazy("Rejected. The organisation is told your reason."),
}


@login_required
@require_GET
def my_needs(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    org_ids = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
    qs = access.needs_visible_to(user).filter(organisation_id__in=org_ids).order_by("-updated_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "needs/mine.html", {"page": page, "title": _("My organisation's needs")})


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    qs = access.review_queue(request.user).order_by("updated_at", "pk")  # type: ignore[arg-type]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "needs/mine.html", {"page": page, "title": _("Needs to review")})


def _fetch(request: HttpRequest, pk: int, action: access.NeedAction = "view") -> Need:
    try:
        return access.get_need_for_user(request.user, pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


@require_GET
def need_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("sort", "-published")
    fs = NeedFilterSet(data, queryset=access.public_needs().select_related("challenge"))
    style_fields(fs.form)
    page = Paginator(fs.qs if fs.is_valid() else fs.queryset.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "needs/list.html", {"filter": fs, "page": page})


def _actions(user: User, need: Need) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    labels = {t.action: str(t.label) for t in services.NEED_WORKFLOW.transitions.values()}
    out: list[tuple[str, str]] = []
    editor = services.can_edit_need(user, need)
    reviewer = services.can_decide_need(user, need)
    # Submitting is refused until the organisation is verified: the page says so instead (`submit_blocked`).
    if editor and need.status in services.EDITABLE_STATES and not services.awaits_verification(need):
        out.append(("submit", labels["submit"]))
    if reviewer and need.status == S.SUBMITTED:
        out += [("start_review", labels["start_review"]), ("return", labels["return"])]
    if reviewer and need.status == S.UNDER_REVIEW:
        out += [("publish", labels["publish"]), ("return", labels["return"]), ("reject", labels["reject"])]
    if editor and need.status == S.PUBLISHED:
        out.append(("withdraw", labels["withdraw"]))
    return out


def _submit_blocked(user: User, need: Need) -> str:
    """Why a need its editor would submit offers no Submit: its organisation is not verified yet.
    Told only to the organisation's members who could submit it ("your organisation"); a platform
    admin sees the status line alone."""
    if not (
        need.status in services.EDITABLE_STATES
        and services.awaits_verification(need)
        and is_member(user, need.organisation_id)
        and services.can_edit_need(user, need)
    ):
        return ""
    return str(NeedErrors.ORG_NOT_VERIFIED.message)


def _detail_context(request: HttpRequest, need: Need, *, comment_form: CommentForm | None = None) -> dict[str, Any]:
    """The need page: `comment_form` is a refused action's comment box, shown again as typed with the
    reason at it."""
    user: User = request.user  # type: ignore[assignment]
    challenge = Challenge.objects.filter(need=need).first()
    editor = services.can_edit_need(user, need)
    can_edit = editor and need.status in services.EDITABLE_STATES
    context: dict[str, Any] = {
        "need": need,
        "full_text": access.may_read_full_text(user, need),
        "actions": _actions(user, need),
        # The editor of a draft is told why there is no Submit, rather than offered one that refuses.
        "submit_blocked": _submit_blocked(user, need),
        "can_edit": can_edit,
        "can_run_challenge": need.status == S.PUBLISHED and challenge is None and editor,
        "challenge": challenge,
        "comment_form": comment_form or CommentForm(),
        # A member of the seeking organisation is not offered to contact it (an inquiry needs two).
        "own_organisation": is_member(user, need.organisation_id),
        # Its history, for those who work on it: the organisation's editors and its reviewers.
        "timeline": selectors.timeline(need) if editor or services.can_review_need(user, need) else [],
    }
    return context


@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _fetch(request, pk)
    return render(request, "needs/detail.html", _detail_context(request, need))


def _org_choices(user: User) -> list[tuple[int, str]]:
    return [
        (m.organisation_id, m.organisation.name)
        for m in Membership.objects.filter(user=user, is_active=True).select_related("organisation")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    orgs = _org_choices(user)
    if not orgs:
        messages.error(request, _("Join or register an organisation first."))
        return redirect("web:workspace")
    form = NeedForm(request.POST or None)
    chosen = request.POST.get("organisation") or str(orgs[0][0])
    if request.method == "POST" and form.is_valid():
        try:
            pk, made = once.create_once(
                user, request.POST, "needs.need",
                lambda: services.create_need(actor=user, organisation_id=int(chosen), data=form.values()),
            )  # fmt: skip
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError):
                apply_domain_error(form, exc)
            else:
                form.add_error(None, _("Choose one of your organisations."))
        else:
            once.tell(request, made, _("Draft saved. Submit it for review when it is complete."))
            return redirect("needs:detail", pk)
    context = {"form": form, "orgs": orgs, "chosen": chosen, "need": None}
    return render(request, "needs/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _fetch(request, pk, "edit")
    if need.status not in services.EDITABLE_STATES:  # said before anything is typed, not after saving
        messages.error(request, str(NeedErrors.NOT_EDITABLE.message))
        return redirect("needs:detail", need.pk)
    initial = {
        "title": need.title, "summary": need.summary, "description": need.description, "indicators": need.indicators,
        "industry": need.industry, "region": need.region_id, "budget_min": need.budget_min,
        "budget_max": need.budget_max, "cooperation_modes": need.cooperation_modes, "deadline": need.deadline,
        "confidentiality": need.confidentiality, "required_trl": need.required_trl,
    }  # fmt: skip
    form = NeedForm(request.POST or None, initial=initial)
    loaded_at = concurrency.form_stamp(request, need)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_need(actor=request.user, need_id=need.pk, data=form.values(), loaded_at=loaded_at)  # type: ignore[arg-type]
        except DomainError as exc:
            apply_domain_error(form, exc)
            loaded_at = concurrency.stamp_after(exc, loaded_at)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("needs:detail", need.pk)
    return render(request, "needs/form.html", {"form": form, "need": need, "loaded_at": loaded_at})


@login_required
@require_POST
def need_action(request: HttpRequest, pk: int) -> HttpResponse:
    need = _fetch(request, pk)
    action = request.POST.get("action", "")
    comment, too_long = workflow_comment(request.POST)
    user: User = request.user  # type: ignore[assignment]
    if too_long:
        # Refused, not cut short: the page again with the comment box as typed, to be shortened.
        messages.error(request, too_long)
        form = CommentForm(initial={"comment": comment})
        return render(request, "needs/detail.html", _detail_context(request, need, comment_form=form))
    try:
        if action == "submit":
            services.submit_need(actor=user, need_id=need.pk, comment=comment)
        elif action == "withdraw":
            services.withdraw_need(actor=user, need_id=need.pk, comment=comment)
        else:
            services.review_need(actor=user, need_id=need.pk, action=action, comment=comment)
    except DomainError as exc:
        if "comment" in exc.details:
            # A return or rejection without a reason: the page again, the comment box as typed and the
            # reason at it (it was a message above the page after a redirect, the box emptied).
            form = CommentForm(request.POST)
            form.is_valid()
            apply_domain_error(form, exc)
            messages.error(request, exc.message)  # "Some fields are not valid.": the box says which and why
            return render(request, "needs/detail.html", _detail_context(request, need, comment_form=form))
        messages.error(request, exc.refusal_in_full)
    else:
        done = _submitted_to(need) if action == "submit" else str(ACTION_DONE.get(action, _("Done.")))
        messages.success(request, done)
    return redirect("needs:detail", need.pk)


def _submitted_to(need: Need) -> str:
    """Whom a submitted need waits for: the nearest department with reviewers (`notices.need_submitted`
    tells the same people)."""
    org = need.organisation
    departments = nearest_reviewing_departments(org.region_id, [org.pk])
    if not departments:
        return _("Submitted for review.")
    return _("Submitted for review to %(department)s.") % {"department": ", ".join(departments)}
