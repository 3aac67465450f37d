"""Matchmaking pages: my inquiries, start one, the thread with status, meeting and broker, broker numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.achievements.selectors import achievement_for_matchmaking
from techtransfer.core import once
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.matchmaking import access, selectors, services
from techtransfer.matchmaking.forms import (
    BrokerForm,
    ContractCorrectionForm,
    ContractNumberForm,
    InquiryForm,
    MeetingForm,
    MessageForm,
    RatingForm,
    StatusForm,
)
from techtransfer.matchmaking.models import Inquiry
from techtransfer.needs.selectors import need_for_matchmaking


def _fetch(request: HttpRequest, pk: int) -> Inquiry:
    try:
        return access.get_inquiry_for_user(request.user, pk)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


@login_required
@require_GET
def inquiry_list(request: HttpRequest) -> HttpResponse:
    qs = access.inquiries_visible_to(request.user)  # type: ignore[arg-type]
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "matchmaking/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_start(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    orgs = [(m.organisation_id, m.organisation.name)
            for m in Membership.objects.filter(user=user, is_active=True).select_related("organisation")]  # fmt: skip
    if not orgs:
        messages.error(request, _("Join or register an organisation first."))
        return redirect("web:workspace")
    target = {k: parse_id(request.GET.get(k) or request.POST.get(k)) for k in ("need", "achievement", "organisation")}
    form = InquiryForm(request.POST or None)
    chosen = request.POST.get("from") or str(orgs[0][0])
    if request.method == "POST" and form.is_valid():
        # Sent twice (a double-click, Back and send again): one inquiry, opened again (ADR 0026).
        try:
            pk, made = once.create_once(
                user, request.POST, "matchmaking.inquiry",
                lambda: services.start_inquiry(
                    actor=user, organisation_id=parse_id(chosen) or 0, subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"], need_id=target["need"],
                    achievement_id=target["achievement"], recipient_id=target["organisation"],
                ),
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            once.tell(request, made, _("Inquiry sent."))
            return redirect("matchmaking:detail", pk)
    context = {"form": form, "orgs": orgs, "chosen": chosen, "target": target, "about": _about(user, target)}
    return render(request, "matchmaking/start.html", context)


def _about(user: User, target: dict[str, int | None]) -> dict[str, str] | None:
    """What the inquiry is about and who receives it, named on the form (the ids travel in hidden
    fields); None when nothing visible was asked for."""
    try:
        if target["need"]:
            need = need_for_matchmaking(user, target["need"])
            return {"kind": _("Need"), "title": need.title, "recipient": need.organisation.name}
        if target["achievement"]:
            achievement = achievement_for_matchmaking(user, target["achievement"])
            return {"kind": _("Achievement"), "title": achievement.name, "recipient": achievement.organisation.name}
    except DomainError:
        return None
    if target["organisation"]:
        org = Organisation.objects.filter(pk=target["organisation"]).first()
        if org is not None:
            return {"kind": _("Organisation"), "title": org.name, "recipient": org.name}
    return None


def _context(request: HttpRequest, inquiry: Inquiry, **forms: Any) -> dict[str, Any]:
    return {
        "inquiry": inquiry,
        "thread": inquiry.messages.select_related("author"),
        "message_form": forms.get("message_form") or MessageForm(),
        "status_form": forms.get("status_form") or StatusForm(allowed=services.next_statuses(inquiry.status)),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        # The number of a contract signed without one, recorded once (`services.may_record_contract_reference`).
        "contract_form": (forms.get("contract_form") or ContractNumberForm())
        if services.may_record_contract_reference(request.user, inquiry)  # type: ignore[arg-type]
        else None,
        # A platform admin's correction of a recorded number (`services.may_correct_contract_reference`).
        "correct_form": (forms.get("correct_form") or ContractCorrectionForm())
        if services.may_correct_contract_reference(request.user, inquiry)  # type: ignore[arg-type]
        else None,
        # Offered only to those who may assign now (`services.may_assign_broker`), not to the broker.
        "broker_form": (forms.get("broker_form") or BrokerForm())
        if services.may_assign_broker(request.user, inquiry)  # type: ignore[arg-type]
        else None,
        **_rating(request, inquiry, forms.get("rating_form")),
    }


def _rating(request: HttpRequest, inquiry: Inquiry, form: RatingForm | None) -> dict[str, Any]:
    """The broker rating box: offered to a member of either side once the inquiry is finished, filled
    with that side's earlier rating; every side's rating is listed to the participants."""
    user: User = request.user  # type: ignore[assignment]
    side = services.rating_side(user, inquiry)
    ratings = list(inquiry.broker_ratings.select_related("organisation").order_by("pk"))
    mine = next((r for r in ratings if side is not None and r.organisation_id == side.pk), None)
    if form is None and side is not None:
        form = RatingForm(initial={"score": mine.score, "comment": mine.comment} if mine else None)
    return {"rating_form": form if side is not None else None, "rating_side": side, "ratings": ratings}


@login_required
@require_GET
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _fetch(request, pk)
    return render(request, "matchmaking/detail.html", _context(request, inquiry))


@login_required
@require_POST
def inquiry_post(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """One endpoint per form on the thread page: message, status, contract number (and its correction),
    meeting, broker, rating."""
    inquiry = _fetch(request, pk)
    user: User = request.user  # type: ignore[assignment]
    form: Any
    call: Callable[[dict[str, Any]], object]
    if what == "message":
        form = MessageForm(request.POST)
        call = lambda d: services.post_message(actor=user, inquiry_id=pk, body=d["body"])  # noqa: E731
    elif what == "status":
        form = StatusForm(request.POST, allowed=services.next_statuses(inquiry.status))
        call = lambda d: services.change_status(  # noqa: E731
            actor=user,
            inquiry_id=pk,
            status=d["status"],
            reason=d["reason"],
            contract_reference=d.get("contract_reference", ""),
        )
    elif what == "contract":
        form = ContractNumberForm(request.POST)
        call = lambda d: services.record_contract_reference(  # noqa: E731
            actor=user, inquiry_id=pk, contract_reference=d["contract_reference"]
        )
    elif what == "correct":
        form = ContractCorrectionForm(request.POST)
        call = lambda d: services.correct_contract_reference(  # noqa: E731
            actor=user, inquiry_id=pk, contract_reference=d["contract_reference"], reason=d["reason"]
        )
    elif what == "meeting":
        form = MeetingForm(request.POST)
        call = lambda d: services.schedule_meeting(actor=user, inquiry_id=pk, at=d["at"], note=d["note"])  # noqa: E731
    elif what == "broker":
        form = BrokerForm(request.POST)
        call = lambda d: services.assign_broker(actor=user, inquiry_id=pk, username=d["username"])  # noqa: E731
    elif what == "rating":
        form = RatingForm(request.POST)
        call = lambda d: services.rate_broker(  # noqa: E731
            actor=user, inquiry_id=pk, score=d["score"], comment=d["comment"]
        )
    else:
        raise Http404
    if form.is_valid():
        try:
            done = call(form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _said_done(what, done))
            return redirect("matchmaking:detail", pk)
    ctx = _context(request, inquiry, **{f"{what}_form": form})
    if ctx.get(f"{what}_form") is not form:
        # The page offers no such form to this person now (a rating before the end, an assignment by
        # someone who may not assign): the refusal is said above the page instead of lost with it.
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            for error in errors:  # alone, away from its field: named by the field's label
                messages.error(
                    request, _("%(field)s: %(message)s") % {"field": label, "message": error} if label else error
                )
    return render(request, "matchmaking/detail.html", ctx, status=400)


def _said_done(what: str, done: Any) -> str:
    """What the thread page says after one of its forms was done (`inquiry_post`)."""
    if what == "broker":
        return _("%(broker)s now brokers this inquiry and has been told.") % {"broker": done.broker}
    if what == "status":
        return _("The inquiry's status is now “%(status)s”.") % {"status": done.get_status_display()}
    if what == "meeting":
        return _("Meeting scheduled for %(time)s.") % {"time": date_format(localtime(done.meeting_at), "Y-m-d H:i")}
    return {
        "message": _("Message sent."),
        "contract": _("Contract registration number recorded."),
        "correct": _("Contract registration number corrected; both sides have been told."),
        "rating": _("Rating saved."),
    }[what]


@login_required
@require_GET
def brokers(request: HttpRequest) -> HttpResponse:
    rows = selectors.broker_numbers()
    context = {
        "rows": rows,
        "agencies": selectors.agency_numbers(rows),
        # A broker finds the market deals naming them from here (the market's page of them).
        "is_broker": services.is_broker(request.user),  # type: ignore[arg-type]
    }
    return render(request, "matchmaking/brokers.html", context)
