"""Online matchmaking event pages: list, create, the event page with programme, sessions and results."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core import once
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error
from techtransfer.core.ids import parse_id
from techtransfer.core.models import User
from techtransfer.matchmaking import events
from techtransfer.matchmaking.choices import ItemStatus
from techtransfer.matchmaking.event_forms import EventForm, ItemForm, ResultForm, SessionForm
from techtransfer.matchmaking.models import Event, EventItem, Registration


def _event(pk: int) -> Event:
    event = Event.objects.select_related("organiser").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    qs = Event.objects.select_related("organiser").annotate(n_results=Count("results")).order_by("-starts_on", "-pk")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    can_create = request.user.is_authenticated and bool(events.organiser_choices(request.user))  # type: ignore[arg-type]
    return render(request, "matchmaking/event_list.html", {"page": page, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pk, made = once.create_once(
                request.user, request.POST, "matchmaking.event",
                lambda: events.create_event(actor=request.user, **form.cleaned_data),  # type: ignore[arg-type]
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if not made:
                once.tell(request, made, "")
            return redirect("events:detail", pk)
    return render(request, "matchmaking/event_form.html", {"form": form})


def _context(request: HttpRequest, event: Event, **forms: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    organiser = events.is_organiser(user, event)
    items = list(
        EventItem.objects.filter(event=event).select_related("need__organisation", "achievement__organisation")
    )
    pending = [i for i in items if i.status in events.PENDING] if user.is_authenticated else []
    totals = {r["kind"]: r for r in event.results.values("kind").annotate(n=Count("pk"), amount=Sum("amount"))}
    return {
        "event": event,
        "organiser": organiser,
        "accepted": [i for i in items if i.status == ItemStatus.ACCEPTED],
        "pending": pending,
        # Accept and Decline only for those who may use them (the service's own check).
        "decidable": {i.pk for i in pending if events.may_decide(user, i, organiser=organiser)},
        "sessions": event.sessions.all(),
        "results": event.results.all(),
        "totals": totals,
        "total_amount": sum((r["amount"] or Decimal(0) for r in totals.values()), Decimal(0)),
        "registered": user.is_authenticated and Registration.objects.filter(event=event, user=user).exists(),
        "registrations": event.registrations.count(),
        "item_form": forms.get("item_form") or ItemForm(),
        "session_form": forms.get("session_form") or SessionForm(),
        "result_form": forms.get("result_form") or ResultForm(),
    }


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "matchmaking/event_detail.html", _context(request, _event(pk)))


# Forms the event page shows only to its organisers: a refusal cannot be shown next to them.
ORGANISERS_ONLY = {
    "session": events.EventErrors.SESSION_ORGANISERS_ONLY,
    "result": events.EventErrors.RESULT_ORGANISERS_ONLY,
}


@login_required
@require_POST
def event_post(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    event = _event(pk)
    user: User = request.user  # type: ignore[assignment]
    if what in ORGANISERS_ONLY and not events.is_organiser(user, event):
        messages.error(request, str(ORGANISERS_ONLY[what].message))
        return redirect("events:detail", pk)
    form: Any = None
    call: Callable[[dict[str, Any]], object]
    if what == "register":
        call = lambda d: events.register(actor=user, event_id=pk)  # noqa: E731
    elif what == "item":
        form = ItemForm(request.POST)
        call = lambda d: events.add_item(actor=user, event_id=pk, need_id=d["need"], achievement_id=d["achievement"])  # noqa: E731
    elif what == "session":
        form = SessionForm(request.POST)
        call = lambda d: events.add_session(actor=user, event_id=pk, **d)  # noqa: E731
    elif what == "result":
        form = ResultForm(request.POST)
        call = lambda d: events.record_result(actor=user, event_id=pk, **d)  # noqa: E731
    elif what in ("accept", "decline"):
        item_id = parse_id(request.POST.get("item"))
        if item_id is None or not EventItem.objects.filter(pk=item_id, event=event).exists():  # item=abc was a 500
            raise Http404
        call = lambda d: events.decide_item(actor=user, item_id=item_id, accept=what == "accept")  # noqa: E731
    else:
        raise Http404
    if form is None or form.is_valid():
        try:
            call(form.cleaned_data if form is not None else {})
        except DomainError as exc:
            if form is None or exc.error in ORGANISERS_ONLY.values():
                messages.error(request, exc.message)
                return redirect("events:detail", pk)
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Done."))
            return redirect("events:detail", pk)
    return render(
        request, "matchmaking/event_detail.html", _context(request, event, **{f"{what}_form": form}), status=400
    )
