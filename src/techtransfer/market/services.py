"""Every write of the technology market: listings and their review, watchlists, interests, deals,
auctions and bids. Each function runs in one transaction, locks what it changes and writes one
audit event; permission checks answer "not found" for objects the actor may not see."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import access as achievement_access
from techtransfer.achievements.choices import AchievementStatus
from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core import patents
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.concurrency import check_unchanged
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import may_act_on_region
from techtransfer.core.models import Organisation, User
from techtransfer.core.roles import is_member, is_org_admin, organisation_refusal, refuse_own
from techtransfer.core.uploads import check_uploaded_file, upload_name
from techtransfer.core.wording import run_in_list
from techtransfer.core.workflow import REVIEW_TRANSITIONS, Workflow, transition
from techtransfer.market import hooks, notices, selectors
from techtransfer.market.access import EDITABLE_STATES, may_list_achievement
from techtransfer.market.choices import AuctionStatus, DealSource, DealStatus, DepositStatus, ListingStatus
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import (
    AuctionSession,
    Bid,
    BidderDeposit,
    Deal,
    DealBrokerRating,
    Interest,
    Listing,
    ListingAttachment,
    Watch,
)
from techtransfer.matchmaking import services as brokers
from techtransfer.matchmaking.errors import MatchErrors

S = ListingStatus
MAX_ATTACHMENTS = 10

LISTING_WORKFLOW: Workflow[Listing] = Workflow(model=Listing, transitions=REVIEW_TRANSITIONS)
DEAL_WORKFLOW: Workflow[Deal] = Workflow(
    model=Deal,
    transitions=(
        transition("agree", [DealStatus.NEGOTIATING], DealStatus.AGREED, _("Agree")),
        transition("cancel", [DealStatus.NEGOTIATING, DealStatus.AGREED], DealStatus.CANCELLED, _("Cancel")),
    ),
)

LISTING_FIELDS = (
    "achievement", "patent_numbers", "title", "description", "mode", "industry", "price_min", "price_max",
    "price_negotiable", "listed_from", "listed_until",
)  # fmt: skip


@dataclass(frozen=True)
class ListingInput:
    """Clean listing values, as `forms.ListingForm.values()` and the API schema produce them."""

    mode: str
    listed_from: datetime.date
    listed_until: datetime.date
    achievement_id: int | None = None
    patent_numbers: str = ""
    title: str = ""
    description: str = ""
    industry: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    price_negotiable: bool = True


def _require_member(actor: User, organisation_id: int) -> None:
    if not (actor.is_authenticated and (actor.is_platform_admin or is_member(actor, organisation_id))):
        raise DomainError(Errors.NOT_FOUND)


def _require_verified(organisation: Organisation, actor: User) -> None:
    if organisation.status != OrganisationStatus.VERIFIED:
        raise organisation_refusal(MarketErrors.ORGANISATION_NOT_VERIFIED, actor, organisation)


def awaits_verification(listing: Listing) -> bool:
    """Its organisation is not verified yet, so `submit_listing` refuses it (`ORGANISATION_NOT_VERIFIED`):
    the listing page offers no Submit then and tells the organisation's members why."""
    return listing.organisation.status != OrganisationStatus.VERIFIED


def _apply_input(actor: User, listing: Listing, data: ListingInput) -> None:
    """Check the subject, prices and period and copy them onto `listing` (not saved)."""
    if data.price_min is not None and data.price_max is not None and data.price_min > data.price_max:
        raise DomainError(MarketErrors.PRICE_RANGE, details={"field": "price_max"})
    if data.listed_until < data.listed_from:
        raise DomainError(MarketErrors.PERIOD, details={"field": "listed_until"})
    title, industry = data.title.strip(), data.industry
    if data.achievement_id is not None:
        try:
            achievement = achievement_access.get_achievement_for_user(actor, data.achievement_id)
        except DomainError as exc:
            raise DomainError(MarketErrors.ACHIEVEMENT_NOT_PUBLISHED, details={"field": "achievement"}) from exc
        if achievement.organisation_id != listing.organisation_id or achievement.status != AchievementStatus.PUBLISHED:
            raise DomainError(MarketErrors.ACHIEVEMENT_NOT_PUBLISHED, details={"field": "achievement"})
        # Choosing the achievement is its organisation's admins' decision; a member editing a listing
        # keeps the one an admin chose.
        if achievement.pk != listing.achievement_id and not may_list_achievement(actor, achievement.pk):
            raise DomainError(MarketErrors.ACHIEVEMENT_NOT_MANAGED, details={"field": "achievement"})
        listing.achievement = achievement
        title = title or achievement.name
        industry = industry or achievement.plan_industry
    elif not data.patent_numbers.strip():
        raise DomainError(MarketErrors.SUBJECT_MISSING, details={"field": "achievement"})
    else:
        listing.achievement = None
    wrong = patents.wrong_numbers(data.patent_numbers)
    if wrong:  # "abc" stood for the patent in a listing, a deal and a contract
        message = _(
            "Not a patent number, or its check digit is wrong: %(numbers)s. Write application numbers as "
            "201710601862.3 or ZL201710601862.3, publication numbers as CN105000000A; separate them with commas."
        ) % {"numbers": run_in_list(wrong)}
        raise DomainError(Errors.VALIDATION, details={"patent_numbers": [str(message)]})
    if not title:
        raise DomainError(Errors.VALIDATION, details={"title": [str(_("Give the listing a title."))]})
    listing.title = title[:200]
    listing.industry = industry
    listing.patent_numbers = data.patent_numbers.strip()
    listing.description = data.description
    listing.mode = data.mode
    listing.price_min = data.price_min
    listing.price_max = data.price_max
    listing.price_negotiable = data.price_negotiable
    listing.listed_from = data.listed_from
    listing.listed_until = data.listed_until


@transaction.atomic
def create_listing(*, actor: User, organisation_id: int, data: ListingInput) -> Listing:
    """Draft a listing for `organisation_id`, of which the actor must be a member.

    The subject is a published achievement of the same organisation, which only those who may list it
    choose (its admins: `access.listable_achievements`), or patent numbers. Writes `listing.create`.
    """
    _require_member(actor, organisation_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    listing = Listing(organisation=organisation, region_id=organisation.region_id, created_by=actor)
    _apply_input(actor, listing, data)
    listing.save()
    record_event(
        actor=actor, action="listing.create", obj=listing, organisation=organisation,
        changes=snapshot(listing, LISTING_FIELDS),
    )  # fmt: skip
    return listing


@transaction.atomic
def update_listing(*, actor: User, listing_id: int, data: ListingInput, loaded_at: str | None = None) -> Listing:
    """Change a draft or returned listing (members of its organisation). Writes `listing.update`.
    `loaded_at`: the version the edit form started from (`core.concurrency`)."""
    listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
    if listing is None:
        raise DomainError(Errors.NOT_FOUND)
    _require_member(actor, listing.organisation_id)
    if listing.status not in EDITABLE_STATES:
        raise DomainError(MarketErrors.NOT_EDITABLE, details={"status": listing.status})
    check_unchanged(listing, loaded_at)
    before = snapshot(listing, LISTING_FIELDS)
    _apply_input(actor, listing, data)
    listing.save()
    record_event(
        actor=actor, action="listing.update", obj=listing, organisation=listing.organisation,
        changes=diff(before, snapshot(listing, LISTING_FIELDS)),
    )  # fmt: skip
    return listing


@transaction.atomic
def add_listing_attachment(*, actor: User, listing_id: int, file: UploadedFile) -> ListingAttachment:
    """Attach a PDF or image (type checked from the content) to a draft or returned listing."""
    listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
    if listing is None:
        raise DomainError(Errors.NOT_FOUND)
    _require_member(actor, listing.organisation_id)
    if listing.status not in EDITABLE_STATES:
        raise DomainError(MarketErrors.NOT_EDITABLE, details={"status": listing.status})
    if listing.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(MarketErrors.TOO_MANY_ATTACHMENTS, details={"max": MAX_ATTACHMENTS})
    name = upload_name(file.name)
    mime = check_uploaded_file(file, name=name, size=file.size or 0)
    attachment = ListingAttachment(listing=listing, name=name, mime=mime, size=file.size or 0, uploaded_by=actor)
    attachment.file.save(name, file, save=False)
    attachment.save()
    record_event(
        actor=actor, action="listing.add_attachment", obj=listing, organisation=listing.organisation,
        changes={"attachment": name, "mime": mime, "size": attachment.size},
    )  # fmt: skip
    return attachment


# --- listing review -------------------------------------------------------------------------


def _member_guard(actor: User) -> Callable[[Listing], None]:
    def guard(listing: Listing) -> None:
        _require_member(actor, listing.organisation_id)

    return guard


def _reviewer_guard(actor: User) -> Callable[[Listing], None]:
    def guard(listing: Listing) -> None:
        if not (actor.is_authenticated and may_act_on_region(actor, listing.region_id)):
            raise DomainError(Errors.NOT_FOUND)
        refuse_own(actor, listing.organisation_id)

    return guard


def submit_listing(*, actor: User, listing_id: int) -> Listing:
    """Send a draft or returned listing to the reviewers of its region.

    Preconditions: the actor is a member, the organisation is verified, the achievement (if any) is
    still published. Writes `listing.submit`.
    """

    def guard(listing: Listing) -> None:
        _require_member(actor, listing.organisation_id)
        _require_verified(listing.organisation, actor)
        if listing.achievement_id is not None and listing.achievement.status != AchievementStatus.PUBLISHED:  # type: ignore[union-attr]
            raise DomainError(MarketErrors.ACHIEVEMENT_NOT_PUBLISHED)

    return LISTING_WORKFLOW.apply(
        pk=listing_id, action="submit", actor=actor, guard=guard, organisation=lambda x: x.organisation
    )


def review_listing(*, actor: User, listing_id: int, action: str, comment: str = "") -> Listing:
    """start_review, publish, return or reject, by a government reviewer of the listing's region.

    Returning and rejecting need a comment. Publishing sets `published_at`. Writes `listing.<action>`.
    """
    if action not in ("start_review", "publish", "return", "reject"):
        raise DomainError(Errors.INVALID_TRANSITION, details={"action": action})
    if action in ("return", "reject") and not comment.strip():
        raise DomainError(
            Errors.VALIDATION, details={"comment": [str(_("Say why, so that the organisation can act on it."))]}
        )
    guard = _reviewer_guard(actor)

    def update(listing: Listing) -> list[str]:
        fields = []
        if comment:
            listing.review_comment = comment
            fields.append("review_comment")
        if action == "publish":
            listing.published_at = timezone.now()
            fields.append("published_at")
        return fields

    return LISTING_WORKFLOW.apply(
        pk=listing_id, action=action, actor=actor, guard=guard,
        update=update, organisation=lambda x: x.organisation, comment=comment,
    )  # fmt: skip


def withdraw_listing(*, actor: User, listing_id: int) -> Listing:
    """Take a published listing off the market (members of its organisation)."""
    return LISTING_WORKFLOW.apply(
        pk=listing_id, action="withdraw", actor=actor, guard=_member_guard(actor),
        organisation=lambda x: x.organisation,
    )  # fmt: skip


def expire_due_listings(today: datetime.date | None = None) -> list[int]:
    """Expire published listings whose period ended before `today`; returns their ids."""
    today = today or timezone.localdate()
    expired: list[int] = []
    for pk in Listing.objects.filter(status=S.PUBLISHED, listed_until__lt=today).values_list("pk", flat=True):
        try:
            LISTING_WORKFLOW.apply(pk=pk, action="expire", actor=None, organisation=lambda x: x.organisation)
        except DomainError:
            continue  # changed meanwhile
        expired.append(pk)
    return expired


# --- watchlists and interests ---------------------------------------------------------------


def _check_not_sold(listing: Listing, *, besides: Deal | None = None) -> None:
    """Refuse another sale of a listing that is sold (`selectors.is_sold`; a QA pass sold one twice, by
    negotiation and then by auction, and a sole licence to two licensees). Agreeing a deal and
    closing an auction read it under the listing's row lock (`_lock_listing`), so two sales at once
    are judged one after the other; opening a deal only refuses early."""
    if selectors.is_sold(listing, besides=besides):
        raise DomainError(MarketErrors.SOLD)


def _check_not_under_auction(listing: Listing) -> None:
    """Refuse a negotiated deal while an auction on the listing is scheduled or running (a QA pass
    agreed one below the reserve and left the auction bidding on a sold listing)."""
    if selectors.is_under_auction(listing):
        raise DomainError(MarketErrors.UNDER_AUCTION)


def _lock_listing(listing_id: int) -> Listing:
    """Lock the listing row: every sale of one listing (agreeing a deal, closing an auction with a
    winner, scheduling an auction) takes this lock before it reads the agreed deals. Locked after the
    deal or session row, never before one, so the order is always the same."""
    return Listing.objects.select_for_update().get(pk=listing_id)


def _published_listing(listing_id: int, *, lock: bool = False) -> Listing:
    qs = Listing.objects.select_for_update() if lock else Listing.objects.all()
    listing = qs.filter(pk=listing_id).first()
    if listing is None:
        raise DomainError(Errors.NOT_FOUND)
    if listing.status != S.PUBLISHED:
        raise DomainError(MarketErrors.NOT_PUBLISHED)
    return listing


@transaction.atomic
def watch(*, actor: User, listing_id: int, on: bool = True) -> bool:
    """Add (or with `on=False` remove) a listing on the actor's watchlist; idempotent."""
    if not actor.is_authenticated:
        raise DomainError(Errors.NOT_AUTHENTICATED)
    if on:
        _published_listing(listing_id)
        Watch.objects.get_or_create(user=actor, listing_id=listing_id)
    else:
        Watch.objects.filter(user=actor, listing_id=listing_id).delete()
    return on


def _buyer_organisation(actor: User, listing: Listing, organisation_id: int) -> Organisation:
    _require_member(actor, organisation_id)
    if organisation_id == listing.organisation_id:
        raise DomainError(MarketErrors.OWN_LISTING)
    organisation = Organisation.objects.get(pk=organisation_id)
    _require_verified(organisation, actor)
    return organisation


@transaction.atomic
def express_interest(*, actor: User, listing_id: int, organisation_id: int, message: str = "") -> Interest:
    """Record (or update) a buyer organisation's interest in a published listing that is not sold
    (`selectors.is_sold`: its page offers no form, and a QA pass recorded one by posting anyway).
    Audited."""
    listing = _published_listing(listing_id)
    buyer = _buyer_organisation(actor, listing, organisation_id)
    _check_not_sold(listing)
    interest, created = Interest.objects.update_or_create(
        listing=listing, organisation=buyer, defaults={"user": actor, "message": message}
    )
    record_event(
        actor=actor, action="listing.interest", obj=listing, organisation=buyer,
        changes={"organisation": buyer.pk, "message": message, "new": created},
    )  # fmt: skip
    return interest


# --- deals ----------------------------------------------------------------------------------


@transaction.atomic
def open_deal(*, actor: User, listing_id: int, buyer_id: int, amount: Decimal, note: str = "") -> Deal:
    """The buyer proposes a negotiated deal on a published listing that is not sold and has no
    scheduled or running auction. Writes `deal.open`."""
    if amount <= 0:
        raise DomainError(MarketErrors.AMOUNT, details={"field": "amount"})
    listing = _published_listing(listing_id)
    buyer = _buyer_organisation(actor, listing, buyer_id)
    _check_not_sold(listing)
    _check_not_under_auction(listing)
    deal = Deal.objects.create(
        listing=listing, buyer=buyer, amount=amount, note=note, created_by=actor, source=DealSource.NEGOTIATION
    )
    record_event(
        actor=actor, action="deal.open", obj=deal, organisation=listing.organisation,
        changes={"listing": listing.pk, "buyer": buyer.pk, "amount": amount},
    )  # fmt: skip
    return deal


def agree_deal(*, actor: User, deal_id: int) -> Deal:
    """The seller accepts a negotiated deal at its amount, unless the listing is sold or an auction
    on it is scheduled or running (both read under the listing's row lock). Writes `deal.agree`."""

    def guard(deal: Deal) -> None:
        if not (actor.is_authenticated and (actor.is_platform_admin or is_member(actor, deal.listing.organisation_id))):
            raise DomainError(Errors.NOT_FOUND)
        listing = _lock_listing(deal.listing_id)
        _check_not_sold(listing, besides=deal)
        _check_not_under_auction(listing)

    def update(deal: Deal) -> list[str]:
        deal.agreed_at = timezone.now()
        return ["agreed_at"]

    return DEAL_WORKFLOW.apply(
        pk=deal_id, action="agree", actor=actor, guard=guard, update=update,
        organisation=lambda d: d.listing.organisation,
    )  # fmt: skip


def cancel_deal(*, actor: User, deal_id: int, reason: str) -> Deal:
    """Either party cancels a negotiating or agreed deal, with a reason. Writes `deal.cancel`."""
    if not reason.strip():
        raise DomainError(Errors.VALIDATION, details={"reason": [str(_("Give a reason."))]})

    def guard(deal: Deal) -> None:
        parties = (deal.listing.organisation_id, deal.buyer_id)
        if not (actor.is_authenticated and (actor.is_platform_admin or any(is_member(actor, o) for o in parties))):
            raise DomainError(Errors.NOT_FOUND)
        hooks.check_cancel(deal)

    def update(deal: Deal) -> list[str]:
        deal.cancel_reason = reason
        return ["cancel_reason"]

    return DEAL_WORKFLOW.apply(
        pk=deal_id, action="cancel", actor=actor, guard=guard, update=update,
        organisation=lambda d: d.listing.organisation, comment=reason,
    )  # fmt: skip


# --- the deal's broker and its rating (ADR 0030 addendum) ----------------------------------------


def broker_fixed(deal: Deal) -> bool:
    """Can the deal's broker no longer be named or changed? Once the deal is cancelled, or agreed with a
    broker named: the broker of an agreed deal is the one who did the work, and the one the sides rate.
    An agreed deal without one may still name one once (an auction's deal is agreed when it is made)."""
    return deal.status == DealStatus.CANCELLED or (deal.status == DealStatus.AGREED and deal.broker_id is not None)


def _sides(deal: Deal) -> tuple[int, int]:
    """The deal's two sides, seller first: the listing's organisation and the buyer."""
    return (deal.listing.organisation_id, deal.buyer_id)


def _admin_of_a_side(user: User, deal: Deal) -> bool:
    return bool(
        user.is_authenticated and (user.is_platform_admin or any(is_org_admin(user, org) for org in _sides(deal)))
    )


def may_set_broker(user: User, deal: Deal) -> bool:
    """Whether `user` may name (or change) the deal's broker now: an admin of the seller or of the buyer,
    or a platform admin, while the broker is not fixed (`broker_fixed`). As for an inquiry's broker
    (`matchmaking.services.may_assign_broker`)."""
    return not broker_fixed(deal) and _admin_of_a_side(user, deal)


def _locked_deal(actor: User, deal_id: int) -> Deal:
    """The deal's row, locked (alone: not its listing's), for a party, its broker or a platform admin."""
    deal = Deal.objects.select_for_update(of=("self",)).select_related("listing").filter(pk=deal_id).first()
    if deal is None or not actor.is_authenticated:
        raise DomainError(Errors.NOT_FOUND)
    if not (actor.is_platform_admin or deal.broker_id == actor.pk or any(is_member(actor, o) for o in _sides(deal))):
        raise DomainError(Errors.NOT_FOUND)
    return deal


@transaction.atomic
def set_deal_broker(*, actor: User, deal_id: int, username: str) -> Deal:
    """An admin of the seller or of the buyer (or a platform admin) names the deal's technology broker by
    user name: a broker of a verified organisation (`matchmaking.services.find_broker`, the inquiries'
    rule) who is a member of neither side. The broker then sees the deal and is told.

    Refused once the broker is fixed (`broker_fixed`: the deal cancelled, or agreed with a broker named).
    Naming the broker the deal already names changes nothing and writes nothing. Writes `deal.set_broker`.
    """
    deal = _locked_deal(actor, deal_id)
    if not _admin_of_a_side(actor, deal):
        raise DomainError(Errors.NOT_FOUND)
    if broker_fixed(deal):
        raise DomainError(MarketErrors.BROKER_FIXED)
    typed = username.strip()
    broker = brokers.find_broker(typed)
    if broker is None:
        raise DomainError(MarketErrors.NOT_A_BROKER, details={"field": "username", "value": typed})
    if any(is_member(broker, org) for org in _sides(deal)):
        raise DomainError(MarketErrors.BROKER_OF_A_PARTY, details={"field": "username", "value": typed})
    if deal.broker_id == broker.pk:
        return deal
    before = deal.broker_id
    deal.broker = broker
    deal.save(update_fields=["broker", "updated_at"])
    record_event(
        actor=actor, action="deal.set_broker", obj=deal, organisation=deal.listing.organisation,
        changes={"broker": [before, broker.pk]},
    )  # fmt: skip
    notices.broker_named(deal)
    return deal


def rating_side(user: User, deal: Deal) -> Organisation | None:
    """The side (the seller's or the buyer's organisation) `user` may rate the deal's broker for: the deal
    is agreed, names a broker who is not `user` and not a member of that side, and `user` is an active
    member of it (the seller's first when they belong to both). None otherwise."""
    side = brokers.side_to_rate_for(
        user, broker_id=deal.broker_id, finished=deal.status == DealStatus.AGREED, sides=_sides(deal)
    )
    if side is None or brokers.broker_is_member_of(deal.broker, side):
        return None
    return side


@transaction.atomic
def rate_deal_broker(*, actor: User, deal_id: int, score: int, comment: str = "") -> DealBrokerRating:
    """A member of the seller or of the buyer rates the broker of an agreed deal, 1–5 stars with an
    optional comment (at most 500 characters); the side's earlier rating is replaced. Refused before the
    deal is agreed, without a broker, for the broker (`broker_not_ratable`) and for a side whose member
    the broker is (`broker_of_rating_side`). Writes `deal.rate_broker` (score and comment before and
    after) and tells the broker; the rating counts on the brokers page."""
    deal = _locked_deal(actor, deal_id)
    side = brokers.side_to_rate_for(
        actor, broker_id=deal.broker_id, finished=deal.status == DealStatus.AGREED, sides=_sides(deal)
    )
    if side is None:
        raise DomainError(MarketErrors.BROKER_NOT_RATABLE)
    if brokers.broker_is_member_of(deal.broker, side):
        raise DomainError(MatchErrors.BROKER_OF_RATING_SIDE)
    rating, changes = brokers.save_rating(
        DealBrokerRating, side=side, actor=actor, broker_id=deal.broker_id, score=score, comment=comment, deal=deal
    )
    record_event(actor=actor, action="deal.rate_broker", obj=deal, organisation=side, changes=changes)
    notices.broker_rated(rating)
    return rating


# --- auctions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuctionInput:
    reserve_price: Decimal
    min_increment: Decimal
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    extension_window_minutes: int = 5
    extension_minutes: int = 5


@transaction.atomic
def create_auction(*, actor: User, listing_id: int, data: AuctionInput) -> AuctionSession:
    """Schedule a bidding session on a published listing (members of its organisation).

    At most one scheduled session per listing: the listing row is locked while checking.
    Writes `auctionsession.create`.
    """
    listing = _published_listing(listing_id, lock=True)
    _require_member(actor, listing.organisation_id)
    if data.ends_at <= data.starts_at:
        raise DomainError(MarketErrors.AUCTION_TIMES, details={"field": "ends_at"})
    if data.min_increment <= 0 or data.reserve_price < 0:
        raise DomainError(MarketErrors.AMOUNT, details={"field": "min_increment"})
    if listing.auctions.filter(status=AuctionStatus.SCHEDULED).exists():
        raise DomainError(MarketErrors.AUCTION_RUNNING)
    _check_not_sold(listing)
    session = AuctionSession.objects.create(
        listing=listing, created_by=actor, reserve_price=data.reserve_price, min_increment=data.min_increment,
        starts_at=data.starts_at, ends_at=data.ends_at, scheduled_end=data.ends_at,
        extension_window_minutes=data.extension_window_minutes, extension_minutes=data.extension_minutes,
    )  # fmt: skip
    record_event(
        actor=actor, action="auctionsession.create", obj=session, organisation=listing.organisation,
        changes=snapshot(session, ["reserve_price", "min_increment", "starts_at", "ends_at",
                                   "extension_window_minutes", "extension_minutes"]),
    )  # fmt: skip
    return session


def _locked_session(session_id: int) -> AuctionSession:
    session = (
        AuctionSession.objects.select_for_update(of=("self",)).select_related("listing").filter(pk=session_id).first()
    )
    if session is None:
        raise DomainError(Errors.NOT_FOUND)
    return session


@transaction.atomic
def record_deposit(*, actor: User, session_id: int, organisation_id: int, status: str) -> BidderDeposit:
    """The organiser records a bidder's deposit as pending, paid or refunded. Audited."""
    session = _locked_session(session_id)
    _require_member(actor, session.listing.organisation_id)
    if status not in DepositStatus.values:
        raise DomainError(Errors.VALIDATION, details={"status": [str(_("Unknown deposit status."))]})
    if organisation_id == session.listing.organisation_id:
        raise DomainError(MarketErrors.OWN_LISTING)
    if not Organisation.objects.filter(pk=organisation_id).exists():
        raise DomainError(Errors.NOT_FOUND)
    deposit = BidderDeposit.objects.filter(session=session, organisation_id=organisation_id).first()
    before = deposit.status if deposit is not None else None
    if (
        before == DepositStatus.PAID
        and status != DepositStatus.PAID
        and session.status == AuctionStatus.SCHEDULED
        and Bid.objects.filter(session=session, organisation_id=organisation_id).exists()
    ):  # its bid would still win the auction (a QA pass saw a refunded bidder get the deal)
        raise DomainError(MarketErrors.DEPOSIT_HELD)
    if deposit is None:
        deposit = BidderDeposit(session=session, organisation_id=organisation_id)
    deposit.status = status
    deposit.recorded_by = actor
    deposit.save()
    record_event(
        actor=actor, action="auctionsession.deposit", obj=session, organisation=session.listing.organisation,
        changes={"organisation": organisation_id, "status": [before, status]},
    )  # fmt: skip
    return deposit


@transaction.atomic
def place_bid(
    *, actor: User, session_id: int, organisation_id: int, amount: Decimal, now: datetime.datetime | None = None
) -> Bid:
    """Place a bid for `organisation_id` (the actor must be a member, its deposit recorded as paid).

    The session row is locked first and the best bid re-read inside the lock, so concurrent bids
    are judged one after another: the organisation whose bid leads may not bid again (it would only
    raise its own price and extend the auction), the first bid must reach the reserve price, each
    later one must beat the best by at least the minimum increment. A bid within the extension window
    moves the end to `extension_minutes` after the bid. Writes `auctionsession.bid` and tells the
    person whose bid led until now that it was outbid (`notices.outbid`).
    """
    now = now or timezone.now()
    session = _locked_session(session_id)
    _require_member(actor, organisation_id)
    if organisation_id == session.listing.organisation_id:
        raise DomainError(MarketErrors.OWN_LISTING)
    if session.status != AuctionStatus.SCHEDULED or not (session.starts_at <= now < session.ends_at):
        raise DomainError(MarketErrors.AUCTION_NOT_OPEN)
    if selectors.is_sold(session.listing):  # sold by negotiation before deals were refused meanwhile
        raise DomainError(MarketErrors.AUCTION_LISTING_SOLD)
    if not BidderDeposit.objects.filter(
        session=session, organisation_id=organisation_id, status=DepositStatus.PAID
    ).exists():
        raise DomainError(MarketErrors.DEPOSIT_NOT_PAID)
    # The best bid only changes under the session lock held here, so this is the current leader.
    previous = Bid.objects.filter(pk=session.best_bid_id).first() if session.best_bid_id is not None else None
    if previous is not None and previous.organisation_id == organisation_id:
        raise DomainError(MarketErrors.ALREADY_LEADING, details={"field": "organisation"})
    minimum = session.minimum_next_bid()
    if amount < minimum:
        raise DomainError(MarketErrors.BID_TOO_LOW, details={"field": "amount", "minimum": str(minimum)})
    bid = Bid.objects.create(
        session=session, organisation_id=organisation_id, user=actor, amount=amount,
        sequence=session.bid_count + 1, placed_at=now,
    )  # fmt: skip
    fields = ["best_amount", "best_bid", "bid_count"]
    session.best_amount, session.best_bid, session.bid_count = amount, bid, session.bid_count + 1
    extended = False
    if now >= session.ends_at - datetime.timedelta(minutes=session.extension_window_minutes):
        new_end = now + datetime.timedelta(minutes=session.extension_minutes)
        if new_end > session.ends_at:
            session.ends_at, extended = new_end, True
            fields.append("ends_at")
    session.save(update_fields=fields)
    record_event(
        actor=actor, action="auctionsession.bid", obj=session, organisation=session.listing.organisation,
        changes={"bid": bid.sequence, "organisation": organisation_id, "amount": amount, "extended": extended,
                 "ends_at": session.ends_at},
    )  # fmt: skip
    if previous is not None:
        notices.outbid(session, previous, actor_id=actor.pk)
    return bid


@transaction.atomic
def close_auction(
    *, session_id: int, actor: User | None = None, now: datetime.datetime | None = None
) -> AuctionSession:
    """Close a session past its end: the best bid becomes an agreed deal, else the session fails.
    A session on a listing sold meanwhile fails, and may be closed before its end.

    Idempotent under concurrency: the row is locked and only a scheduled session is closed.
    `actor` None is the worker's periodic run; a person must organise the session. Writes
    `auctionsession.close` (and `deal.open` for the winner) and tells the organisers and the bidders
    how it ended (`notices.auction_closed`).
    """
    now = now or timezone.now()
    session = _locked_session(session_id)
    if actor is not None:
        _require_member(actor, session.listing.organisation_id)
    if session.status != AuctionStatus.SCHEDULED:
        raise DomainError(Errors.INVALID_TRANSITION, details={"state": session.status})
    # Sold meanwhile by negotiation: nothing left (read under the listing's lock, like `agree_deal`),
    # so the organiser may close it without a winner before its end.
    sold = selectors.is_sold(_lock_listing(session.listing_id))
    if now < session.ends_at and not sold:
        raise DomainError(MarketErrors.AUCTION_NOT_ENDED)
    fields = ["status", "closed_at"]
    session.closed_at = now
    best: Bid | None = None
    if session.best_bid_id is None or sold:
        session.status = AuctionStatus.FAILED
    else:
        best = Bid.objects.get(pk=session.best_bid_id)
        deal = Deal.objects.create(
            listing=session.listing, buyer_id=best.organisation_id, amount=best.amount, status=DealStatus.AGREED,
            source=DealSource.AUCTION, created_by=None, agreed_at=now,
        )  # fmt: skip
        record_event(
            actor=actor, action="deal.open", obj=deal, organisation=session.listing.organisation,
            changes={"listing": session.listing_id, "buyer": best.organisation_id, "amount": best.amount,
                     "source": DealSource.AUCTION, "auction": session.pk},
        )  # fmt: skip
        session.status, session.deal = AuctionStatus.CLOSED, deal
        fields.append("deal")
    session.save(update_fields=fields)
    record_event(
        actor=actor, action="auctionsession.close", obj=session, organisation=session.listing.organisation,
        changes={"status": session.status, "deal": session.deal_id, "best_amount": session.best_amount},
    )  # fmt: skip
    notices.auction_closed(session, winner=best)
    return session


def close_due_auctions(now: datetime.datetime | None = None) -> list[int]:
    """Close every scheduled session past its end (the worker's periodic run); returns their ids."""
    now = now or timezone.now()
    closed: list[int] = []
    due = AuctionSession.objects.filter(status=AuctionStatus.SCHEDULED, ends_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        try:
            close_auction(session_id=pk, now=now)
        except DomainError:
            continue  # closed meanwhile or extended by a last bid
        closed.append(pk)
    return closed
