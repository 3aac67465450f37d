"""Catalogue pages: the public list, a catalogue, the officials' editor and the downloads.

Thin views: parse with catalogue_forms, fetch through catalogue_access (forbidden looks like not
found), call one service from catalogues, render. The editor's entry actions answer htmx requests
with the entries table only and plain posts with a redirect.
"""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.achievements import catalogue_access as access
from techtransfer.achievements import catalogues as services
from techtransfer.achievements.catalogue_exports import CONTENT_TYPES, entry_rows, export_filename, export_for_download
from techtransfer.achievements.catalogue_forms import (
    AddEntryForm,
    AdmitForm,
    CatalogueFilterForm,
    CatalogueForm,
    EntryNoteForm,
    MoveEntryForm,
    TransitionForm,
)
from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.achievements.models import Achievement, Catalogue
from techtransfer.core import once
from techtransfer.core.done import done_now
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.forms import apply_domain_error
from techtransfer.core.ids import parse_id
from techtransfer.core.models import User

PAGE_SIZE = 20
ENTRY_PAGE_SIZE = 50
EDITOR_PAGE_SIZE = 100
PREVIEW_SIZE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _fetch(request: HttpRequest, pk: int, action: access.CatalogueAction = "view") -> Catalogue:
    try:
        return access.get_catalogue_for_user(_user(request), pk, action=action)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _error_text(exc: DomainError) -> str:
    details = [str(v) for vs in exc.details.values() if isinstance(vs, list) for v in vs]
    return " ".join([exc.message, *details])


def _state_refusal(catalogue: Catalogue) -> str:
    """Why an action was refused because the catalogue's state moved on (another tab, another editor)."""
    catalogue.refresh_from_db(fields=["status"])
    return _("This catalogue is now “%(status)s”, so this can no longer be done. Nothing was changed.") % {
        "status": catalogue.get_status_display()
    }


def _refused(request: HttpRequest, catalogue: Catalogue, exc: DomainError) -> HttpResponse:
    """Back to the editor with the refusal as a message: for refusals about a form that the editor no
    longer shows (a catalogue published meanwhile has no metadata or entry forms)."""
    if exc.code == Errors.INVALID_TRANSITION.code:
        messages.error(request, _state_refusal(catalogue))
    else:
        messages.error(request, _error_text(exc))
    return redirect("catalogues:edit", pk=catalogue.pk)


def _not_draft(catalogue: Catalogue) -> DomainError | None:
    if catalogue.status == Catalogue.Status.DRAFT:
        return None
    return DomainError(services.CatalogueErrors.NOT_DRAFT, details={"status": catalogue.status})


def _hidden_form_error(exc: DomainError) -> bool:
    """Refusals whose form the editor does not show in the catalogue's current state."""
    return exc.error in (services.CatalogueErrors.NOT_DRAFT, services.CatalogueErrors.NOT_RESTRICTED)


# --- reading -------------------------------------------------------------------------------------------


@require_GET
def catalogue_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = access.published_catalogues_visible_to(user)
    year, kind = request.GET.get("year", ""), request.GET.get("kind", "")
    if (year_number := parse_id(year)) is not None:
        qs = qs.filter(year=year_number)
    if kind in Catalogue.Kind.values:
        qs = qs.filter(kind=kind)
    # Counted as readers see them (`catalogue_entries`): an entry whose achievement became internal or
    # was withdrawn is left out (the list said 6 where the page and the exports had 5).
    shown = Q(
        entries__achievement__status=AchievementStatus.PUBLISHED, entries__achievement__secrecy=SecrecyLevel.PUBLIC
    )
    qs = qs.annotate(entry_count=Count("entries", filter=shown)).order_by("-year", "-published_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = access.editable_departments(user)
    own = (
        access.catalogues_visible_to(user)
        .filter(owner__in=departments)
        .exclude(status=Catalogue.Status.PUBLISHED)
        .order_by("-updated_at")[:50]
        if user.is_authenticated
        else []
    )
    context = {
        "page": page,
        "kinds": Catalogue.Kind.choices,
        "year": year,
        "kind": kind,
        "filtered": year_number is not None or kind in Catalogue.Kind.values,
        "own": own,
        "can_create": user.is_authenticated and departments.exists(),
    }
    return render(request, "achievements/catalogue_list.html", context)


@require_GET
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = _fetch(request, pk)
    page = Paginator(access.catalogue_entries(catalogue), ENTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "catalogue": catalogue,
        "page": page,
        "rows": entry_rows(page.object_list, start=page.start_index()),
        "can_edit": access.may_edit_catalogue(_user(request), catalogue),
        "is_published": catalogue.status == Catalogue.Status.PUBLISHED,
        "formats": list(CONTENT_TYPES),
    }
    return render(request, "achievements/catalogue_detail.html", context)


@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    """The catalogue as XLSX, DOCX or PDF, generated on request (up to MAX_ENTRIES entries)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    catalogue = _fetch(request, pk)
    data = export_for_download(catalogue, fmt)
    response = FileResponse(_chunks(data), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(export_filename(catalogue, fmt), f"catalogue-{pk}.{fmt}")
    response["Content-Length"] = str(len(data))
    return response


def _chunks(data: bytes, size: int = 64 * 1024) -> Any:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment with an ASCII fallback name and the real (Chinese) name per RFC 5987/6266."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- the editor ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    departments = access.editable_departments(user)
    if not departments.exists():
        raise Http404
    form = CatalogueForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            owner = form.cleaned_data["owner"].pk
            pk, made = once.create_once(
                user, request.POST, "achievements.catalogue",
                lambda: services.create_catalogue(actor=user, owner_id=owner, data=form.values()),
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            once.tell(request, made, _("Catalogue created. Add achievements to it."))
            return redirect("catalogues:edit", pk=pk)
    return render(request, "achievements/catalogue_form.html", {"form": form})


def _editor_context(request: HttpRequest, catalogue: Catalogue, **forms: Any) -> dict[str, Any]:
    filter_form = forms.get("filter_form") or CatalogueFilterForm(request.GET or None)
    preview: dict[str, Any] | None = None
    if "filter_form" not in forms and filter_form.has_filters():
        ids = services.matching_ids(filter_form.criteria(), exclude_catalogue=catalogue)
        shown = {a.pk: a for a in Achievement.objects.select_related("organisation").filter(pk__in=ids[:PREVIEW_SIZE])}
        preview = {"count": len(ids), "items": [shown[i] for i in ids[:PREVIEW_SIZE] if i in shown]}
    page = Paginator(access.catalogue_entries(catalogue, include_stale=True), EDITOR_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "catalogue": catalogue,
        "is_draft": catalogue.status == Catalogue.Status.DRAFT,
        "meta_form": forms.get("meta_form")
        or CatalogueForm(initial={k: getattr(catalogue, k) for k in services.METADATA_FIELDS}),
        "filter_form": filter_form,
        "preview": preview,
        "add_form": forms.get("add_form") or AddEntryForm(),
        "admit_form": forms.get("admit_form") or AdmitForm(),
        "page": page,
        "stale_ids": {e.pk for e in page if not access.is_public(e)},
        "actions": services.CATALOGUE_WORKFLOW.allowed_actions(catalogue.status),
        "grants": catalogue.access_grants.select_related("organisation") if catalogue.is_restricted else None,
        "max_entries": services.MAX_ENTRIES,
        "formats": list(CONTENT_TYPES),
    }


def _render_editor(request: HttpRequest, catalogue: Catalogue, **forms: Any) -> HttpResponse:
    return render(request, "achievements/catalogue_edit.html", _editor_context(request, catalogue, **forms))


@login_required
@require_GET
def catalogue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_editor(request, _fetch(request, pk, "edit"))


@login_required
@require_POST
def catalogue_update(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    if (refusal := _not_draft(catalogue)) is not None:
        return _refused(request, catalogue, refusal)
    form = CatalogueForm(request.POST)
    if form.is_valid():
        try:
            services.update_catalogue(actor=_user(request), catalogue_id=catalogue.pk, data=form.values())
        except DomainError as exc:
            if _hidden_form_error(exc):
                return _refused(request, catalogue, exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalogues:edit", pk=catalogue.pk)
    return _render_editor(request, catalogue, meta_form=form)


@login_required
@require_POST
def add_matching(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    if (refusal := _not_draft(catalogue)) is not None:
        return _refused(request, catalogue, refusal)
    form = CatalogueFilterForm(request.POST)
    if form.is_valid() and not form.criteria().as_json():
        form.add_error(None, _("Choose at least one filter."))
    if form.is_valid():
        try:
            added = services.add_entries_from_filters(
                actor=_user(request), catalogue_id=catalogue.pk, criteria=form.criteria()
            )
        except DomainError as exc:
            if _hidden_form_error(exc):
                return _refused(request, catalogue, exc)
            apply_domain_error(form, exc)
        else:
            if added:
                messages.success(request, _("%(n)s achievements added.") % {"n": added})
            else:
                messages.info(request, _("No further published achievements match these filters."))
            return redirect("catalogues:edit", pk=catalogue.pk)
    return _render_editor(request, catalogue, filter_form=form)


@login_required
@require_POST
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    if (refusal := _not_draft(catalogue)) is not None:
        return _refused(request, catalogue, refusal)
    form = AddEntryForm(request.POST)
    if form.is_valid():
        try:
            services.add_entry(
                actor=_user(request),
                catalogue_id=catalogue.pk,
                achievement_id=form.cleaned_data["registration_number"].pk,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            if _hidden_form_error(exc):
                return _refused(request, catalogue, exc)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Achievement added."))
            return redirect("catalogues:edit", pk=catalogue.pk)
    return _render_editor(request, catalogue, add_form=form)


def _after_entry_change(request: HttpRequest, catalogue: Catalogue) -> HttpResponse:
    """htmx: the refreshed entries table; otherwise back to the editor's page."""
    page = request.GET.get("page", "")
    if getattr(request, "htmx", False):
        return render(request, "achievements/_catalogue_entries.html", _editor_context(request, catalogue))
    url = reverse("catalogues:edit", kwargs={"pk": catalogue.pk})
    return redirect(f"{url}?page={page}#entries" if page.isdigit() else f"{url}#entries")


def _entry_of(catalogue: Catalogue, entry_id: int) -> int:
    if not catalogue.entries.filter(pk=entry_id).exists():
        raise Http404
    return entry_id


@login_required
@require_POST
def entry_note(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    form = EntryNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        try:
            services.set_entry_note(
                actor=_user(request), entry_id=_entry_of(catalogue, entry_id), note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, _error_text(exc))
    return _after_entry_change(request, catalogue)


@login_required
@require_POST
def entry_move(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    entry = catalogue.entries.filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    form = MoveEntryForm(request.POST, labelled=True)  # its refusal is said alone, above the page
    if form.is_valid():
        d = form.cleaned_data
        target = d["position"] or (entry.position - 1 if d["direction"] == "up" else entry.position + 1)
        try:
            services.move_entry(actor=_user(request), entry_id=entry.pk, position=target)
        except DomainError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return _after_entry_change(request, catalogue)


@login_required
@require_POST
def entry_remove(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    try:
        services.remove_entry(actor=_user(request), entry_id=_entry_of(catalogue, entry_id))
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return _after_entry_change(request, catalogue)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("catalogues:edit", pk=catalogue.pk)
    try:
        catalogue = services.apply_transition(
            actor=_user(request),
            catalogue_id=catalogue.pk,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        return _refused(request, catalogue, exc)
    messages.success(request, done_now(catalogue))
    if form.cleaned_data["action"] == "publish":
        return redirect("catalogues:detail", pk=catalogue.pk)
    return redirect("catalogues:edit", pk=catalogue.pk)


@login_required
@require_POST
def admit(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    if not catalogue.is_restricted:  # the editor shows no admission form
        return _refused(request, catalogue, DomainError(services.CatalogueErrors.NOT_RESTRICTED))
    form = AdmitForm(request.POST)
    if form.is_valid():
        try:
            services.admit_organisation(
                actor=_user(request), catalogue_id=catalogue.pk, organisation_id=form.cleaned_data["uscc"].pk
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, _("%(org)s may now see this catalogue.") % {"org": form.cleaned_data["uscc"].name}
            )
            return redirect("catalogues:edit", pk=catalogue.pk)
    return _render_editor(request, catalogue, admit_form=form)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int, org_id: int) -> HttpResponse:
    catalogue = _fetch(request, pk, "edit")
    try:
        services.revoke_organisation(actor=_user(request), catalogue_id=catalogue.pk, organisation_id=org_id)
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Access withdrawn."))
    return redirect("catalogues:edit", pk=catalogue.pk)
