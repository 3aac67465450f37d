"""Achievement pages: public list and detail, my records, create and edit, review actions."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.achievements import access, panels, selectors, services
from techtransfer.achievements.children import ChildrenForm, initial_text
from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.achievements.errors import AchievementErrors
from techtransfer.achievements.filters import AchievementFilterSet
from techtransfer.achievements.forms import AchievementForm
from techtransfer.achievements.models import Achievement, AchievementRevision, Contributor
from techtransfer.core import concurrency, once
from techtransfer.core.done import done_now
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.forms import MAX_COMMENT, apply_domain_error, style_fields, workflow_comment
from techtransfer.core.jurisdiction import government_regions
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import is_member
from techtransfer.core.selectors import region_filter_choices

S = AchievementStatus
REVIEW_PAGE_SIZE = 50
PAGE_SIZE = 20
PRIMARY_FILTERS = ("q", "plan_industry", "discipline", "stage", "region", "transfer_mode", "sort")
MORE_FILTERS = (
    "kind", "emerging_industry", "category", "sector", "trl_min", "trl_max", "price_min", "price_max", "ip_kind",
    "organisation_type", "year",
)  # fmt: skip


def _fetch(request: HttpRequest, pk: int, action: access.AchievementAction = "view") -> Achievement:
    try:
        return access.get_achievement_for_user(request.user, pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


@require_GET
def achievement_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("sort", "-published")
    fs = AchievementFilterSet(data, queryset=access.public_achievements())
    fs.form.fields["region"].widget = forms.Select(choices=region_filter_choices())
    style_fields(fs.form)
    page = Paginator(fs.qs if fs.is_valid() else fs.queryset.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": fs,
        "page": page,
        "primary_filters": PRIMARY_FILTERS,
        "more_filters": MORE_FILTERS,
        "more_open": any(request.GET.get(f) for f in MORE_FILTERS),
        # The list is the public registry; a government account's export also holds what it reviews.
        "exports_jurisdiction": bool(government_regions(request.user)),  # type: ignore[arg-type]
    }
    return render(request, "achievements/list.html", context)


def _actions(user: User, a: Achievement) -> list[tuple[str, str]]:
    """The workflow buttons this user may press on this record now."""
    if not user.is_authenticated:
        return []
    out: list[tuple[str, str]] = []
    labels = {t.action: str(t.label) for t in services.ACHIEVEMENT_WORKFLOW.transitions.values()}
    editor = access.can_on_achievement(user, a, "edit")
    manager = access.can_on_achievement(user, a, "manage")
    reviewer = access.can_on_achievement(user, a, "review")
    # Submitting is refused until the organisation is verified: the page says so instead (`submit_blocked`).
    if a.status in services.EDITABLE_STATES and editor and not services.awaits_verification(a):
        # "My organisation" is the author's; a platform admin submits for the record's organisation.
        mine = is_member(user, a.organisation_id)
        out.append(("submit", labels["submit"] if mine else _("Submit to its organisation for confirmation")))
    if a.status == S.PENDING_CONFIRMATION and manager:
        out += [("confirm", labels["confirm"]), ("decline", labels["decline"])]
    if reviewer and a.status == S.SUBMITTED:
        out += [("start_review", labels["start_review"]), ("return", labels["return"])]
    if reviewer and a.status == S.UNDER_REVIEW:
        # Approving below the last level passes the record on: the button says so.
        approve = labels["pass_on"] if services.passes_on(a) else _("Approve")
        out += [("approve", approve), ("return", labels["return"]), ("reject", labels["reject"])]
    if a.status == S.PUBLISHED and manager:
        out += [("renew", _("Confirm it is still current (renew for one year)")), ("withdraw", labels["withdraw"])]
    return out


def _submit_blocked(user: User, a: Achievement) -> str:
    """Why a record its editor would submit offers no Submit: its organisation is not verified yet.
    Told only to the organisation's members who could submit it ("your organisation"); a platform
    admin or a reviewer sees the state line alone."""
    if not (
        user.is_authenticated
        and a.status in services.EDITABLE_STATES
        and services.awaits_verification(a)
        and is_member(user, a.organisation_id)
        and access.can_on_achievement(user, a, "edit")
    ):
        return ""
    return str(AchievementErrors.ORG_NOT_VERIFIED.message)


@require_GET
def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _fetch(request, pk)
    user = request.user
    insider = access.is_insider(user, a)  # type: ignore[arg-type]
    pending = a.revisions.filter(status=AchievementRevision.Status.PENDING).first() if insider else None
    context: dict[str, Any] = {
        "a": a,
        "organisations": [c for c in a.contributors.all() if c.kind == Contributor.Kind.ORGANISATION],
        "people": [c for c in a.contributors.all() if c.kind == Contributor.Kind.PERSON],
        "ip_items": a.ip_items.all(),
        "actions": (actions := _actions(user, a)),  # type: ignore[arg-type]
        "comment_required": any(action in ("return", "reject") for action, _label in actions),
        "seen": _seen(a),  # sent back with an action: did the record move on meanwhile?
        "max_comment": MAX_COMMENT,
        "submit_blocked": _submit_blocked(user, a),  # type: ignore[arg-type]
        "can_edit": user.is_authenticated and access.can_on_achievement(user, a, "edit"),  # type: ignore[arg-type]
        "insider": insider,
        "holder": selectors.holder_department(a),
        "timeline": selectors.timeline(a) if insider else [],
        # A change waiting for review: seen by the organisation and the reviewers, decided by reviewers.
        "pending_revision": pending,
        "revision_changes": selectors.revision_changes(pending) if pending else [],
        "can_decide_revision": pending is not None and access.can_decide_revision(user, a),  # type: ignore[arg-type]
        "attachments": a.attachments.all(),
        "panels": panels.render_all(request, a),
        "can_attach": user.is_authenticated
        and a.status in services.EDITABLE_STATES
        and access.can_on_achievement(user, a, "edit"),  # type: ignore[arg-type]
    }
    return render(request, "achievements/detail.html", context)


def _org_choices(user: User) -> list[tuple[int, str]]:
    return [
        (m.organisation_id, m.organisation.name)
        for m in Membership.objects.filter(user=user, is_active=True).select_related("organisation")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def achievement_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    orgs = _org_choices(user)
    if not orgs:
        messages.error(request, _("Join or register an organisation first."))
        return redirect("web:workspace")
    form = AchievementForm(request.POST or None)
    children = ChildrenForm(request.POST or None)
    chosen = request.POST.get("organisation") or str(orgs[0][0])
    # Both checked (not `and`): the contributors' and IP items' errors are shown with the record's.
    if request.method == "POST" and all([form.is_valid(), children.is_valid()]):
        try:
            pk, made = once.create_once(
                user, request.POST, "achievements.achievement",
                lambda: services.create_achievement(
                    actor=user, organisation_id=int(chosen), data=form.values(),
                    contributors=children.contributors(), ip_items=children.cleaned_data["ip_items"],
                ),
            )  # fmt: skip
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError):
                apply_domain_error(form, exc)
            else:
                form.add_error(None, _("Choose one of your organisations."))
        else:
            once.tell(request, made, _("Draft saved. Submit it when it is complete."))
            return redirect("achievements:detail", pk=pk)
    context = {
        "form": form, "children": children, "orgs": orgs, "chosen": chosen, "creating": True,
    }  # fmt: skip
    return render(request, "achievements/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def achievement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    a = _fetch(request, pk, "edit")
    user: User = request.user  # type: ignore[assignment]
    published = a.status == S.PUBLISHED
    if not published and a.status not in services.EDITABLE_STATES:
        messages.error(request, _("This record cannot be edited in its current state."))
        return redirect("achievements:detail", pk=a.pk)
    initial_children = initial_text(a)
    loaded_at = concurrency.form_stamp(request, a)
    form = AchievementForm(request.POST or None, instance=a)
    children = ChildrenForm(request.POST or None, initial=initial_children)
    # Both checked (not `and`): the contributors' and IP items' errors are shown with the record's.
    if request.method == "POST" and all([form.is_valid(), children.is_valid()]):
        # The ModelForm changed `a` in memory; services work from the locked database row.
        try:
            if published:
                services.propose_revision(actor=user, achievement_id=a.pk, data=form.values())
                messages.success(
                    request,
                    _("Your changes were sent for review; the published version stays public until then.")
                    if a.secrecy == SecrecyLevel.PUBLIC
                    else _("Your changes were sent for review; the published version stays in force until then."),
                )
            else:
                services.update_achievement(
                    actor=user,
                    achievement_id=a.pk,
                    data=form.values(),
                    contributors=children.contributors(),
                    ip_items=children.cleaned_data["ip_items"],
                    loaded_at=loaded_at,
                )
                messages.success(request, _("Saved."))
        except DomainError as exc:
            apply_domain_error(form, exc)
            loaded_at = concurrency.stamp_after(exc, loaded_at)
        else:
            return redirect("achievements:detail", pk=a.pk)
    context = {
        "form": form, "children": children, "a": a, "published": published, "creating": False, "loaded_at": loaded_at,
    }  # fmt: skip
    return render(request, "achievements/form.html", context)


ACTIONS = {
    "submit": lambda user, pk, c: services.submit_achievement(actor=user, achievement_id=pk, comment=c),
    "confirm": lambda user, pk, c: services.confirm_achievement(actor=user, achievement_id=pk, comment=c),
    "decline": lambda user, pk, c: services.decline_achievement(actor=user, achievement_id=pk, comment=c),
    "start_review": lambda user, pk, c: services.start_review(actor=user, achievement_id=pk),
    "approve": lambda user, pk, c: services.approve_achievement(actor=user, achievement_id=pk, comment=c),
    "return": lambda user, pk, c: services.return_achievement(actor=user, achievement_id=pk, comment=c),
    "reject": lambda user, pk, c: services.reject_achievement(actor=user, achievement_id=pk, comment=c),
    "withdraw": lambda user, pk, c: services.withdraw_achievement(actor=user, achievement_id=pk, comment=c),
    "renew": lambda user, pk, c: services.renew_achievement(actor=user, achievement_id=pk),
}


def _where_now(a: Achievement) -> str:
    """What a step did, said by where the record is now: with a department (by name) or in a state."""
    holder = selectors.holder_department(a)
    if holder is not None:
        return _("Done: the record is now with %(holder)s (%(state)s).") % {
            "holder": holder.name,
            "state": a.get_status_display(),
        }
    return done_now(a)


def _seen(a: Achievement) -> str:
    """The step a page shows (status and holding region): the action form sends it back as `seen`."""
    return f"{a.status}:{a.holder_region_id or ''}"


def _moved_on(user: User, a: Achievement, exc: DomainError, seen: str) -> str | None:
    """What to say instead of `exc.refusal` when the record moved on since the page was shown (another
    reviewer, or another window, acted first): where it is now, rather than "you may not do this"."""
    if exc.error not in (Errors.NOT_FOUND, Errors.INVALID_TRANSITION) or not seen:
        return None
    a.refresh_from_db(fields=["status", "holder_region"])
    if seen == _seen(a):
        return None
    holder = selectors.holder_department(a)
    if holder is not None and not access.can_on_achievement(user, a, "review"):
        return _("This record has meanwhile moved on: it is now with %(holder)s, so you can no longer act on it.") % {
            "holder": holder.name
        }
    # Back with its organisation, published or closed: say what it is now.
    return DomainError(Errors.INVALID_TRANSITION, details={"state_label": a.get_status_display()}).message


@login_required
@require_POST
def achievement_action(request: HttpRequest, pk: int) -> HttpResponse:
    a = _fetch(request, pk)
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    comment, refusal = workflow_comment(request.POST)
    if not refusal:
        try:
            done = ACTIONS[action](user, a.pk, comment)
        except DomainError as exc:
            refusal = _moved_on(user, a, exc, request.POST.get("seen", "")) or exc.refusal_in_full
        else:
            messages.success(request, _where_now(done))
            return redirect("achievements:detail", pk=a.pk)
    if comment:
        # The page is shown again after a redirect: give back what was typed, so that it is not lost.
        refusal += " " + _("Your comment was not sent: %(comment)s") % {"comment": comment}
    messages.error(request, refusal)
    return redirect("achievements:detail", pk=a.pk)


@login_required
@require_POST
def revision_decide(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    a = _fetch(request, pk)
    try:
        services.decide_revision(
            actor=request.user,  # type: ignore[arg-type]
            revision_id=revision_id,
            approve=(approve := request.POST.get("decision") == "approve"),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.refusal_in_full)
    else:
        said = _("Changes approved: the published record shows them.") if approve else _("Changes rejected.")
        messages.success(request, said)
    return redirect("achievements:detail", pk=a.pk)


@login_required
@require_GET
def my_achievements(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = Paginator(selectors.mine(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "achievements/mine.html", {"page": page})


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Three lists, oldest first (first come, first served), each paged on its own (`queue_page`,
    `confirmations_page`, `revisions_page`) with its total in the heading: a cut at 200 hid the
    newest submissions from a department with more waiting."""
    user: User = request.user  # type: ignore[assignment]
    lists = {
        "queue": selectors.review_queue(user),
        "confirmations": selectors.waiting_for_confirmation(user),
        "revisions": selectors.pending_revisions(user),
    }
    context: dict[str, Any] = {}
    for name, qs in lists.items():
        param = f"{name}_page"
        page = Paginator(qs, REVIEW_PAGE_SIZE).get_page(request.GET.get(param))
        context[name] = page
        context[f"{name}_links"] = _page_links(request, page, param, anchor=name)
    return render(request, "achievements/review_queue.html", context)


def _page_links(request: HttpRequest, page: Any, param: str, *, anchor: str) -> dict[str, str]:
    """The previous and next pages' addresses of one of several paged lists of a page: only its own
    parameter changes, so the other lists stay where they are."""
    links = {}
    for key, number in (
        ("previous", page.previous_page_number() if page.has_previous() else None),
        ("next", page.next_page_number() if page.has_next() else None),
    ):
        if number is not None:
            query = request.GET.copy()
            query[param] = str(number)
            links[key] = f"?{query.urlencode()}#{anchor}"
    return links


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    a = _fetch(request, pk, "edit")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.add_attachment(actor=request.user, achievement_id=a.pk, file=upload)  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, exc.refusal)
        else:
            messages.success(request, _("File attached."))
    return redirect("achievements:detail", pk=a.pk)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    a = _fetch(request, pk, "edit")
    if not a.attachments.filter(pk=attachment_id).exists():
        raise Http404
    try:
        services.remove_attachment(actor=request.user, attachment_id=attachment_id)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.refusal)
    return redirect("achievements:detail", pk=a.pk)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Anyone who may see the record may download its attachments."""
    a = _fetch(request, pk)
    attachment = a.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.mime
    )
