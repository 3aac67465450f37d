"""Organisation pages: registration, directory, profile with members, invitations, verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core import access, selectors, services
from techtransfer.core.choices import Role
from techtransfer.core.done import done_now
from techtransfer.core.errors import DomainError
from techtransfer.core.filters import OrganisationFilterSet
from techtransfer.core.forms import (
    AcceptWithAccountForm,
    InvitationForm,
    MemberRoleForm,
    OrganisationProfileForm,
    OrganisationRegistrationForm,
    ReviewForm,
    apply_domain_error,
)
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.workflow import Workflow

PAGE_SIZE = 20


def _fetch(request: HttpRequest, pk: int, action: access.OrgAction = "view") -> Organisation:
    try:
        return access.get_organisation_for_user(request.user, pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org, user = services.register_organisation(
                name=d["name"],
                name_en=d["name_en"],
                type=d["type"],
                uscc_code=d["uscc"],
                region_code=d["region"].code,
                address=d["address"],
                website=d["website"],
                description=d["description"],
                contact_phone=d["contact_phone"],
                admin_username=d["admin_username"],
                admin_email=d["admin_email"],
                admin_password=d["password1"],
                admin_display_name=d["admin_display_name"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("%(org)s is registered. A government reviewer of your region will verify it.") % {"org": org.name},
            )
            return redirect("core:organisation", pk=org.pk)
    # After a refused submit, offer the cities and counties of what was chosen, with their names.
    province, city = request.POST.get("province", ""), request.POST.get("city", "")
    context = {
        "form": form,
        "cities": selectors.children_of(province) if parse_id(province) is not None else [],
        "counties": selectors.children_of(city) if parse_id(city) is not None else [],
    }
    return render(request, "core/register.html", context)


@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """htmx: the <option>s of the children of `parent` (a province or a city)."""
    parent = request.GET.get("province") or request.GET.get("parent") or ""
    if request.GET.get("city"):
        parent = request.GET["city"]
    regions = selectors.children_of(parent) if parse_id(parent) is not None else []
    return render(request, "core/_region_options.html", {"regions": regions})


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    fs = OrganisationFilterSet(request.GET or None, queryset=access.organisations_visible_to(request.user))  # type: ignore[arg-type]
    page = Paginator(fs.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/directory.html", {"filter": fs, "page": page})


def _organisation_page(
    request: HttpRequest, org: Organisation, *, invite_form: InvitationForm | None = None
) -> HttpResponse:
    user = request.user
    can_manage = access.can_on_organisation(user, org, "manage")  # type: ignore[arg-type]
    can_review = user.is_authenticated and access.can_on_organisation(user, org, "review")  # type: ignore[arg-type]
    sees_members = access.can_on_organisation(user, org, "view_members")  # type: ignore[arg-type]
    members = list(access.members_of(user, org)) if sees_members else None  # type: ignore[arg-type]
    # The only active admin cannot be demoted or removed (`LAST_ADMIN`): the page says so instead of offering it.
    admins = [m.pk for m in members or [] if m.is_active and m.role == Role.ORG_ADMIN]
    workflow: Workflow[Organisation] = services.ORGANISATION_VERIFICATION
    context = {
        "org": org,
        "members": members,
        "can_manage": can_manage,
        "can_review": can_review,
        "last_admin_pk": admins[0] if len(admins) == 1 else None,
        "review_actions": workflow.allowed_actions(org.status) if can_review else [],
        # The type chosen at registration against what the credit code says, for the reviewer only.
        "code_conflict": selectors.REGISTRANT_KIND_LABELS[kind]
        if can_review and (kind := selectors.type_code_conflict(org.type, org.uscc))
        else None,
        "invite_form": (invite_form or InvitationForm(organisation=org)) if can_manage else None,
        "invitations": org.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        if can_manage
        else None,
        "review_form": ReviewForm(),
        "role_form": MemberRoleForm(organisation=org),
    }
    return render(request, "core/organisation.html", context)


@require_GET
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    return _organisation_page(request, _fetch(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def edit_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    org = _fetch(request, pk, "manage")
    form = OrganisationProfileForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        services.update_organisation(actor=request.user, organisation_id=org.pk, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Saved."))
        return redirect("core:organisation", pk=org.pk)
    return render(request, "core/organisation_edit.html", {"org": org, "form": form})


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    org = _fetch(request, pk, "review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("core:organisation", pk=org.pk)
    actor: User = request.user  # type: ignore[assignment]
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    try:
        if action == "verify":
            org = services.verify_organisation(actor=actor, organisation_id=org.pk, comment=comment)
        elif action == "suspend":
            org = services.suspend_organisation(actor=actor, organisation_id=org.pk, reason=comment)
        else:
            org = services.reinstate_organisation(actor=actor, organisation_id=org.pk, comment=comment)
    except DomainError as exc:
        messages.error(
            request,
            exc.message + " " + " ".join(str(v) for vs in exc.details.values() if isinstance(vs, list) for v in vs),
        )
    else:
        messages.success(request, done_now(org))
    return redirect("core:organisation", pk=org.pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    org = _fetch(request, pk, "manage")
    form = InvitationForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            _inv, raw = services.invite_member(
                actor=request.user,  # type: ignore[arg-type]
                organisation_id=org.pk,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            link = request.build_absolute_uri(f"/invitations/{raw}/")
            messages.success(request, _("Invitation sent. The link can be used once: %(link)s") % {"link": link})
            return redirect("core:organisation", pk=org.pk)
    # A refusal shows the page again with what was typed and the message under its field (a
    # redirect emptied the form).
    return _organisation_page(request, org, invite_form=form)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    org = _fetch(request, pk, "manage")
    try:
        services.revoke_invitation(actor=request.user, invitation_id=invitation_id)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("core:organisation", pk=org.pk)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    org = _fetch(request, pk, "manage")
    form = MemberRoleForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            services.change_member_role(actor=request.user, membership_id=membership_id, role=form.cleaned_data["role"])  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Role changed."))
    return redirect("core:organisation", pk=org.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    org = _fetch(request, pk, "manage")
    if not Membership.objects.filter(pk=membership_id, organisation=org).exists():
        raise Http404
    try:
        services.deactivate_member(actor=request.user, membership_id=membership_id)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Member removed."))
    return redirect("core:organisation", pk=org.pk)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    inv = services.find_invitation(token)
    if inv is None:
        # 410 Gone for a link that worked once (used, withdrawn, expired: it will not work again),
        # 404 for one that never did; both pages say why and offer to log in.
        state = services.invitation_state(token)
        status = 404 if state == services.InvitationState.UNKNOWN else 410
        return render(request, "core/invitation_invalid.html", {"state": state}, status=status)
    form = AcceptWithAccountForm(request.POST or None, email=inv.email)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.accept_invitation(raw_token=token, user=request.user)  # type: ignore[arg-type]
            elif form.is_valid():
                user, _m = services.register_user_and_accept(
                    raw_token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    display_name=form.cleaned_data["display_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(request, "core/invitation.html", {"inv": inv, "form": form})
        except DomainError as exc:
            apply_domain_error(form, exc)
            return render(request, "core/invitation.html", {"inv": inv, "form": form})
        messages.success(request, _("Welcome to %(org)s.") % {"org": inv.organisation.name})
        return redirect("core:organisation", pk=inv.organisation_id)
    return render(request, "core/invitation.html", {"inv": inv, "form": form})
