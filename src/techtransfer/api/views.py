"""The web page for a person's own API tokens: list, create (the text shown once), revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from techtransfer.api import tokens
from techtransfer.api.models import PersonalAccessToken
from techtransfer.core.choices import TokenScope
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import StyledForm, ValueMessagesMixin
from techtransfer.core.models import User

SHOWN = 50  # the newest tokens listed


class TokenForm(ValueMessagesMixin, StyledForm):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the system that uses it.")
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text=_("A read token may only read; a write token may also change what you may change."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=3650,
        initial=90,
        required=False,
        help_text=_("1 to 3,650 days; left empty, the token stays valid until you revoke it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """One's tokens, newest first, and a form for a new one; a created token's text is shown on the
    page that answers the form, once (only its digest is stored)."""
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    created = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, created = tokens.create_token(
                user=user,
                name=form.cleaned_data["name"].strip(),
                scope=form.cleaned_data["scope"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
            form = TokenForm()
        else:
            status = 400
    rows = list(PersonalAccessToken.objects.filter(user=user)[:SHOWN])
    return render(request, "api/tokens.html", {"form": form, "tokens": rows, "created": created}, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = tokens.revoke_token(user=request.user, token_id=pk)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, gettext("Token “%(name)s” revoked: it no longer opens the API.") % {"name": token.name}
        )
    return redirect("api_tokens:list")
