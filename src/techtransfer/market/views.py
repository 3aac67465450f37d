"""Market pages: the market list with filters, listings and their review, watchlists, interests,
deals, auctions and the valuation aid. Views parse input, fetch through `access`, call one service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core import concurrency, once
from techtransfer.core.done import done_now
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error, style_fields
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Organisation, User
from techtransfer.core.roles import is_member
from techtransfer.market import access, hooks, selectors, services
from techtransfer.market.choices import AuctionStatus, DealStatus, ListingStatus
from techtransfer.market.errors import MarketErrors
from techtransfer.market.filters import ListingFilterSet
from techtransfer.market.forms import (
    AttachmentForm,
    AuctionForm,
    BidForm,
    CancelForm,
    DealForm,
    DepositForm,
    InterestForm,
    ListingForm,
    ReviewForm,
    my_organisations,
)
from techtransfer.market.models import AuctionSession, Deal, Listing
from techtransfer.market.valuation import valuate
from techtransfer.market.valuation_forms import ValuationForm
from techtransfer.market.valuation_pdf import valuation_pdf
from techtransfer.matchmaking.forms import BrokerForm, RatingForm

S = ListingStatus
PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _listing(request: HttpRequest, pk: int, action: access.ListingAction = "view") -> Listing:
    try:
        return access.get_listing_for_user(_user(request), pk, action=action)
    except DomainError as exc:
        raise Http404 from exc


def _deal(request: HttpRequest, pk: int, action: access.DealAction = "view") -> Deal:
    try:
        return access.get_deal_for_user(_user(request), pk, action=action)
    except DomainError as exc:
        raise Http404 from exc


def _auction(request: HttpRequest, pk: int, action: access.AuctionAction = "view") -> AuctionSession:
    try:
        return access.get_auction_for_user(_user(request), pk, action=action)
    except DomainError as exc:
        raise Http404 from exc


@require_GET
def market_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("sort", "-published")
    fs = ListingFilterSet(data, queryset=selectors.with_sold(access.public_listings()))
    style_fields(fs.form)
    page = Paginator(fs.qs if fs.is_valid() else fs.queryset.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": fs, "page": page, "watched": selectors.watched_ids(_user(request))}
    return render(request, "market/list.html", context)


def _listing_actions(user: User, listing: Listing) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    labels = {t.action: str(t.label) for t in services.LISTING_WORKFLOW.transitions.values()}
    out: list[tuple[str, str]] = []
    manager = access.can_on_listing(user, listing, "manage")
    reviewer = access.can_on_listing(user, listing, "review")
    for action in services.LISTING_WORKFLOW.allowed_actions(listing.status):
        name = action.action
        allowed = manager if name in ("submit", "withdraw") else reviewer and name != "expire"
        # Submitting is refused until the organisation is verified: the page says so instead (`submit_blocked`).
        if name == "submit" and services.awaits_verification(listing):
            allowed = False
        if allowed:
            out.append((name, labels[name]))
    return out


def _submit_blocked(user: User, listing: Listing) -> str:
    """Why a listing its organisation would submit offers no Submit: the organisation is not verified
    yet. Told only to the organisation's members ("your organisation"); a platform admin sees the
    status alone."""
    submittable = services.LISTING_WORKFLOW.can(listing.status, "submit")
    if submittable and services.awaits_verification(listing) and is_member(user, listing.organisation_id):
        return str(MarketErrors.ORGANISATION_NOT_VERIFIED.message)
    return ""


def _detail_context(
    request: HttpRequest, listing: Listing, *, interest_form: InterestForm | None = None
) -> dict[str, Any]:
    """The listing page: `interest_form` is a refused interest, shown again with what was typed."""
    user = _user(request)
    manager = user.is_authenticated and access.can_on_listing(user, listing, "manage")
    deals = [d for d in selectors.deals_for_listing(listing) if access.can_on_deal(user, d, "view")]
    actions = _listing_actions(user, listing)
    # An assignment or exclusive or sole licence with an agreed deal is sold: said, and no form offers
    # another sale (the services refuse one anyway).
    sold = listing.status == S.PUBLISHED and selectors.is_sold(listing)
    context: dict[str, Any] = {
        "listing": listing,
        "attachments": listing.attachments.all(),
        "actions": actions,
        "submit_blocked": _submit_blocked(user, listing),
        "show_comment": any(a in ("publish", "return", "reject") for a, _label in actions),
        "manager": manager,
        "can_edit": user.is_authenticated and access.can_on_listing(user, listing, "edit"),
        "deals": deals,
        "auctions": selectors.auctions_for_listing(listing),
        "interests": selectors.interests_for_listing(listing) if manager else [],
        "watched": listing.pk in selectors.watched_ids(user),
        "open": listing.status == S.PUBLISHED,
        "sold": sold,
        # No negotiated deal while an auction is scheduled or running (`services.open_deal` refuses one).
        "under_auction": (under_auction := listing.status == S.PUBLISHED and selectors.is_under_auction(listing)),
        "review_form": ReviewForm(),
        "attachment_form": AttachmentForm(),
    }
    if user.is_authenticated and listing.status == S.PUBLISHED and not manager and not sold:
        context["interest_form"] = interest_form or InterestForm(user=user)
        # Both forms choose an organisation: their own ids, so each label names its own field.
        if not under_auction:
            context["deal_form"] = DealForm(user=user, listing=listing, auto_id="deal_%s")
    return context


@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk)
    return render(request, "market/detail.html", _detail_context(request, listing))


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {"achievement": request.GET.get("achievement")} if request.GET.get("achievement") else {}
    form = ListingForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pk, made = once.create_once(
                user, request.POST, "market.listing",
                lambda: services.create_listing(
                    actor=user, organisation_id=form.cleaned_data["organisation"], data=form.values()
                ),
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            once.tell(request, made, _("Draft saved. Add materials and submit it for review."))
            return redirect("market:detail", pk=pk)
    context = {"form": form, "title": _("New listing")}
    return render(request, "market/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk, "edit")
    user = _user(request)
    initial = {
        "organisation": listing.organisation_id, "achievement": listing.achievement_id,
        "patent_numbers": listing.patent_numbers, "title": listing.title, "description": listing.description,
        "mode": listing.mode, "industry": listing.industry, "price_min": listing.price_min,
        "price_max": listing.price_max, "price_negotiable": listing.price_negotiable,
        "listed_from": listing.listed_from, "listed_until": listing.listed_until,
    }  # fmt: skip
    form = ListingForm(request.POST or None, user=user, initial=initial, listing=listing)
    form.fields["organisation"].disabled = True
    loaded_at = concurrency.form_stamp(request, listing)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_listing(actor=user, listing_id=listing.pk, data=form.values(), loaded_at=loaded_at)
        except DomainError as exc:
            apply_domain_error(form, exc)
            loaded_at = concurrency.stamp_after(exc, loaded_at)
        else:
            messages.success(request, _("Listing saved."))
            return redirect("market:detail", pk=listing.pk)
    context = {"form": form, "title": _("Edit listing"), "listing": listing, "loaded_at": loaded_at}
    return render(request, "market/form.html", context)


@login_required
@require_POST
def listing_attach(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk, "edit")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_listing_attachment(actor=_user(request), listing_id=listing.pk, file=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, _("Choose a file."))
    return redirect("market:detail", pk=listing.pk)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    listing = _listing(request, pk)
    attachment = listing.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.mime
    )


@login_required
@require_POST
def listing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    listing = _listing(request, pk)
    user = _user(request)
    comment = request.POST.get("comment", "")
    try:
        if action == "submit":
            listing = services.submit_listing(actor=user, listing_id=listing.pk)
        elif action == "withdraw":
            listing = services.withdraw_listing(actor=user, listing_id=listing.pk)
        elif action in ("start_review", "publish", "return", "reject"):
            listing = services.review_listing(actor=user, listing_id=listing.pk, action=action, comment=comment)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.refusal)
        for values in exc.details.values():
            if isinstance(values, list):
                for v in values:
                    messages.error(request, str(v))
    else:
        messages.success(request, done_now(listing))
    return redirect("market:detail", pk=listing.pk)


@login_required
@require_POST
def listing_watch(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk)
    on = request.POST.get("on", "1") == "1"
    try:
        services.watch(actor=_user(request), listing_id=listing.pk, on=on)
    except DomainError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("market:watchlist")  # not to another site (an open redirect)


@login_required
@require_GET
def watchlist(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.watchlist(_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/watchlist.html", {"page": page})


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_listings(_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/mine.html", {"page": page, "title": _("My listings")})


@login_required
@require_GET
def brokered_deals(request: HttpRequest) -> HttpResponse:
    """The deals naming the user as their technology broker, newest first (each opens for them)."""
    page = Paginator(selectors.deals_brokered_by(_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/brokered.html", {"page": page})


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/mine.html", {"page": page, "title": _("Listings to review")})


@login_required
@require_POST
def listing_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """Express interest; refused (a message over the limit, no organisation chosen, a rule of the
    service), the listing page comes back with the form as typed and the reason, not a redirect
    that lost the message."""
    listing = _listing(request, pk)
    user = _user(request)
    form = InterestForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.express_interest(
                actor=user, listing_id=listing.pk, organisation_id=form.cleaned_data["organisation"],
                message=form.cleaned_data["message"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The seller sees your interest."))
            return redirect("market:detail", pk=listing.pk)
    else:
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, _("%(field)s: %(message)s") % {"field": form[name].label, "message": error})
    return render(request, "market/detail.html", _detail_context(request, listing, interest_form=form))


@login_required
@require_POST
def deal_open(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk)
    user = _user(request)
    form = DealForm(request.POST, user=user, listing=listing)
    if form.is_valid():
        try:
            # Sent twice (a double-click, Back and send): the deal the first sending made (ADR 0026).
            # The listing is in the label: the same offer to another listing is another deal.
            pk, made = once.create_once(
                user, request.POST, f"market.deal.{listing.pk}",
                lambda: services.open_deal(
                    actor=user, listing_id=listing.pk, buyer_id=form.cleaned_data["organisation"],
                    amount=form.cleaned_data["amount"], note=form.cleaned_data["note"],
                ),
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            once.tell(request, made, _("Deal proposed; the seller may now agree."))
            return redirect("market:deal", pk=pk)
    return render(request, "market/form.html", {"form": form, "title": _("Propose a deal"), "listing": listing})


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return deal_page(request, _deal(request, pk))


def deal_page(
    request: HttpRequest,
    deal: Deal,
    *,
    status: int = 200,
    broker_form: BrokerForm | None = None,
    rating_form: RatingForm | None = None,
) -> HttpResponse:
    """The deal page; with the broker or rating form sent back with its errors (`deal_broker`)."""
    user = _user(request)
    contracts = list(deal.contracts.order_by("created_at", "pk"))  # type: ignore[attr-defined]
    seller_may = deal.status == DealStatus.NEGOTIATING and access.can_on_deal(user, deal, "seller")
    under_auction = seller_may and selectors.is_under_auction(deal.listing)
    context = {
        "deal": deal,
        "listing": deal.listing,
        "can_agree": seller_may and not under_auction,
        # Said to the seller instead of an Agree button that `services.agree_deal` would refuse.
        "agree_blocked": str(MarketErrors.UNDER_AUCTION.message) if seller_may and under_auction else "",
        "can_cancel": deal.status != DealStatus.CANCELLED
        and access.can_on_deal(user, deal, "party")
        and hooks.cancel_refusal(deal) is None,
        "cancel_form": CancelForm(),
        # The next link of the path: the seller registers the technology contract that carries out the deal.
        # A deal that already has its technology contract (the contracts app says, `hooks.is_held`) is
        # not offered a second one (its link opened an empty form, the deal being no longer open).
        "can_register_contract": deal.status == DealStatus.AGREED
        and access.can_on_deal(user, deal, "seller")
        and not hooks.is_held(deal),
        "contracts": contracts,
        **_broker_context(user, deal, broker_form, rating_form),
    }
    return render(request, "market/deal_detail.html", context, status=status)


def _broker_context(
    user: User, deal: Deal, broker_form: BrokerForm | None, rating_form: RatingForm | None
) -> dict[str, Any]:
    """The deal's broker box: the form naming the broker, offered only to those who may name one now
    (`services.may_set_broker`); the rating form, to a member of a side once the deal is agreed
    (`services.rating_side`), filled with that side's earlier rating; the sides' ratings, listed to
    the participants (the parties and the broker, not government viewers)."""
    side = services.rating_side(user, deal)
    participant = access.can_on_deal(user, deal, "participant")
    ratings = list(deal.broker_ratings.select_related("organisation").order_by("pk")) if participant else []  # type: ignore[attr-defined]
    if side is not None and rating_form is None:
        mine = next((r for r in ratings if r.organisation_id == side.pk), None)
        rating_form = RatingForm(initial={"score": mine.score, "comment": mine.comment} if mine else None)
    may_set = services.may_set_broker(user, deal)
    return {
        "broker_form": (broker_form or BrokerForm()) if may_set else None,
        "rating_form": rating_form if side is not None else None,
        "rating_side": side,
        "broker_ratings": ratings,
    }


@login_required
@require_POST
def deal_broker(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Name the deal's broker (`what` "broker") or rate them (`what` "rating"); a refusal is said beside
    its field, or above the page when the page offers no such form to this person now."""
    deal = _deal(request, pk)
    user = _user(request)
    form: BrokerForm | RatingForm
    if what == "broker":
        form = BrokerForm(request.POST)
    elif what == "rating":
        form = RatingForm(request.POST)
    else:
        raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            if isinstance(form, BrokerForm):
                deal = services.set_deal_broker(actor=user, deal_id=deal.pk, username=d["username"])
                done = _("%(broker)s now brokers this deal and has been told.") % {"broker": deal.broker}
            else:
                services.rate_deal_broker(actor=user, deal_id=deal.pk, score=d["score"], comment=d["comment"])
                done = _("Rating saved; the broker has been told.")
        except DomainError as exc:
            # A party who may not name the broker is told so (not "does not exist": they see the deal).
            field = exc.details.get("field")
            form.add_error(field if isinstance(field, str) and field in form.fields else None, exc.refusal)
        else:
            messages.success(request, done)
            return redirect("market:deal", pk=deal.pk)
    offered = services.may_set_broker(user, deal) if what == "broker" else services.rating_side(user, deal)
    if not offered:
        # Not offered on the page now: the refusal is said above it instead of lost with the form.
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            for error in map(str, errors):
                messages.error(
                    request, _("%(field)s: %(message)s") % {"field": label, "message": error} if label else error
                )
    if isinstance(form, BrokerForm):
        return deal_page(request, deal, status=400, broker_form=form)
    return deal_page(request, deal, status=400, rating_form=form)


@login_required
@require_POST
def deal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    deal = _deal(request, pk)
    user = _user(request)
    try:
        if action == "agree":
            deal = services.agree_deal(actor=user, deal_id=deal.pk)
        elif action == "cancel":
            deal = services.cancel_deal(actor=user, deal_id=deal.pk, reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_now(deal))
    return redirect("market:deal", pk=deal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def auction_create(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk, "manage")
    form = AuctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_auction(actor=_user(request), listing_id=listing.pk, data=form.values())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Auction scheduled."))
            return redirect("market:auction", pk=session.pk)
    return render(request, "market/form.html", {"form": form, "title": _("Schedule an auction"), "listing": listing})


def _bidders(session: AuctionSession) -> list[Organisation]:
    ids = set(session.listing.interests.values_list("organisation_id", flat=True))
    ids |= set(session.deposits.values_list("organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _far_above(session: AuctionSession, amount: Decimal, confirmed: str) -> bool:
    """Whether a bid is so far above the next minimum (twice it, and ten increments more) that it asks
    for confirmation, unless this very amount was confirmed (compared as numbers: 1555 is 1555.00)."""
    try:
        if Decimal(confirmed.strip()) == amount:
            return False
    except InvalidOperation:  # nothing confirmed ("") or not a number ("sNaN" refuses even comparing)
        pass
    minimum = session.minimum_next_bid()
    return amount > max(2 * minimum, minimum + 10 * session.min_increment)


def _typed_bid(data: QueryDict) -> dict[str, str]:
    """The bid form's fields as typed: carried from a refused bid (POST) to the auction page (GET)."""
    return {k: str(data.get(k, ""))[:32] for k in ("amount", "organisation") if str(data.get(k, "")).strip()}


@require_GET
def auction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _auction(request, pk)
    user = _user(request)
    organiser = access.can_on_auction(user, session, "organise")
    # Amounts and times are public; who bid is told only as `access.bidder_disclosure` allows.
    disclosure = access.bidder_disclosure(user, session)
    numbers = selectors.bidder_numbers(session)
    winner = selectors.auction_winner(session, disclosure, numbers=numbers)
    scheduled, ended = session.status == AuctionStatus.SCHEDULED, session.ends_at <= timezone.now()
    # Sold by negotiation while scheduled (before such deals were refused): no bids, closable now.
    sold = scheduled and selectors.is_sold(session.listing)
    context: dict[str, Any] = {
        "session": session,
        "listing": session.listing,
        "bids": selectors.bid_history(session, disclosure, limit=50, numbers=numbers),
        "winner": winner,
        # Those who may see the winner's deal (`access.can_on_deal`): its seller's side and its buyer.
        "show_deal": disclosure.all or (winner is not None and winner.own),
        "organiser": organiser,
        "deposits": session.deposits.select_related("organisation") if organiser else [],
        # Bids are taken until the end: after it, while it waits to be closed, neither the next
        # minimum nor the bid form is shown (a bid would be refused).
        "is_open": (taking := scheduled and not ended and not sold),
        # Closing by hand is refused before the end (`services.close_auction`): the button waits for it.
        "may_close": scheduled and (ended or sold),
        "sold_meanwhile": str(MarketErrors.AUCTION_LISTING_SOLD.message) if sold else "",
    }
    if organiser and not sold:
        context["deposit_form"] = DepositForm(bidders=_bidders(session))
    elif user.is_authenticated and taking:
        # A refused bid comes back with what was typed (`auction_bid`), else the minimum next bid.
        typed = _typed_bid(request.GET)
        context["bid_form"] = BidForm(user=user, initial={"amount": session.minimum_next_bid(), **typed})
        context["confirm_amount"] = str(request.GET.get("confirm", ""))[:32]
        # Said above the form, not only on refusal: a bid needs a deposit the organiser recorded as
        # paid, and the organiser can record one only for an organisation that expressed interest.
        own = [o.pk for o in my_organisations(user)]
        context["standing"] = selectors.bidder_standing(session, own)
    return render(request, "market/auction_detail.html", context)


@login_required
@require_POST
def auction_bid(request: HttpRequest, pk: int) -> HttpResponse:
    session = _auction(request, pk)
    user = _user(request)
    form = BidForm(request.POST, user=user)
    if form.is_valid() and _far_above(session, form.cleaned_data["amount"], request.POST.get("confirm", "")):
        # A bid binds: "155,5" typed into the number field reaches us as 1555. One more click when the
        # amount is well above the next minimum, with the amount named.
        messages.warning(
            request,
            _(
                "You bid %(amount)s (10,000 yuan), far above the minimum of %(minimum)s. Check the amount "
                "and press Bid again to confirm it."
            ) % {"amount": form.cleaned_data["amount"], "minimum": session.minimum_next_bid()},
        )  # fmt: skip
        typed = {**_typed_bid(request.POST), "confirm": str(form.cleaned_data["amount"])}
        return redirect(f"{reverse('market:auction', args=[session.pk])}?{urlencode(typed)}")
    if form.is_valid():
        try:
            services.place_bid(
                actor=user, session_id=session.pk, organisation_id=form.cleaned_data["organisation"],
                amount=form.cleaned_data["amount"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
            if "minimum" in exc.details:
                messages.error(request, _("Minimum now: %(m)s") % {"m": exc.details["minimum"]})
        else:
            messages.success(request, _("Bid accepted."))
            return redirect("market:auction", pk=session.pk)
    else:
        # Say what is wrong with the amount (too many digits, decimals) rather than a general request.
        # Said alone, away from the form: each names its field (the form's own messages do not).
        problems = [
            _("%(field)s: %(message)s") % {"field": form[name].label, "message": error}
            for name in ("amount", "organisation")
            for error in form.errors.get(name, [])
        ]
        messages.error(request, " ".join(problems) or _("Give an amount and choose one of your organisations."))
    # Refused: back to the auction with what was typed (the amount was lost).
    typed = _typed_bid(request.POST)
    return redirect(f"{reverse('market:auction', args=[session.pk])}?{urlencode(typed)}")


@login_required
@require_POST
def auction_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _auction(request, pk, "organise")
    form = DepositForm(request.POST, bidders=_bidders(session))
    if form.is_valid():
        try:
            services.record_deposit(
                actor=_user(request), session_id=session.pk, organisation_id=form.cleaned_data["organisation"],
                status=form.cleaned_data["status"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deposit recorded."))
    else:
        messages.error(request, _("Choose a bidder and a status."))
    return redirect("market:auction", pk=session.pk)


@login_required
@require_POST
def auction_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = _auction(request, pk, "organise")
    try:
        closed = services.close_auction(actor=_user(request), session_id=session.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("market:auction", pk=session.pk)
    if closed.deal_id is not None:
        messages.success(request, _("Auction closed; the winner's deal is recorded."))
        return redirect("market:deal", pk=closed.deal_id)
    messages.info(request, _("Auction closed without a valid bid."))
    return redirect("market:auction", pk=session.pk)


@require_http_methods(["GET", "POST"])
def valuation(request: HttpRequest) -> HttpResponse:
    """The valuation aid; `?listing=<id>` fills in the subject and the comparables' industry and mode."""
    listing: Listing | None = None
    if (listing_id := parse_id(request.GET.get("listing"))) is not None:
        listing = _listing(request, listing_id)
    initial: dict[str, Any] = {}
    if listing is not None:
        initial = {"subject": listing.title, "industry": listing.industry, "mode": listing.mode}
    form = ValuationForm(request.POST or None, initial=initial)
    sheet = None
    if request.method == "POST" and form.is_valid():
        inputs = form.values()
        comparables: list[Decimal] = selectors.comparable_deal_amounts(
            industry=inputs.industry, mode=inputs.mode, exclude_listing_id=listing.pk if listing else None
        )
        sheet = valuate(inputs, comparables)
        if "pdf" in request.POST:
            response = HttpResponse(valuation_pdf(sheet), content_type="application/pdf")
            response["Content-Disposition"] = 'attachment; filename="valuation.pdf"'
            return response
    return render(request, "market/valuation.html", {"form": form, "sheet": sheet, "listing": listing})
