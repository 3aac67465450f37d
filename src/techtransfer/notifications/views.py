"""The inbox and the preferences page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.notifications import services
from techtransfer.notifications.models import Notification, Preference
from techtransfer.notifications.registry import KINDS


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user)  # type: ignore[misc]
    unread = bool(request.GET.get("unread"))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    # The page links keep `unread` (`{% querystring %}`); switching between All and Unread starts at page 1.
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        services.mark_read(actor=user, notification_id=pk)
    except DomainError as exc:
        raise Http404 from exc
    n = Notification.objects.get(pk=pk, user=user)
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_read(actor=request.user)  # type: ignore[arg-type]
    return redirect("notifications:inbox")


class PreferenceForm(forms.Form):
    def __init__(self, *args: object, prefs: dict[str, Preference], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind, label in KINDS.items():
            p = prefs.get(kind)
            self.fields[f"{kind}__in_app"] = forms.BooleanField(
                label=f"{label} — " + _("in my inbox"), required=False, initial=p.in_app if p else True
            )
            self.fields[f"{kind}__email"] = forms.BooleanField(
                label=f"{label} — " + _("by e-mail"), required=False, initial=p.email if p else True
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    prefs = {p.kind: p for p in Preference.objects.filter(user=user)}
    form = PreferenceForm(request.POST or None, prefs=prefs)
    if request.method == "POST" and form.is_valid():
        choices = {k: (form.cleaned_data[f"{k}__in_app"], form.cleaned_data[f"{k}__email"]) for k in KINDS}
        services.set_preferences(actor=user, choices=choices)
        messages.success(request, _("Preferences saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
