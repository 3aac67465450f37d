"""REST endpoints of the market: listings (list with the market FilterSet, read, create, review),
watchlist, interests, deals (their broker and its ratings) and bids. Same services and access checks
as the pages; an auction's bidders are named only as `access.bidder_disclosure` allows, as on the auction page."""

import datetime
from dataclasses import asdict
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from techtransfer.achievements.choices import PlanIndustry
from techtransfer.core.api_support import PageNumberPagination, fields_as_sent, require_user, words_filter_description
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import User
from techtransfer.market import access, selectors, services
from techtransfer.market.choices import ListingMode
from techtransfer.market.filters import ListingFilterSet
from techtransfer.market.models import Bid, Deal, DealBrokerRating, Listing

router = Router(tags=["market"])


class ListingOut(Schema):
    id: int
    title: str
    achievement_id: int | None
    patent_numbers: str
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    region_code: str = Field(..., alias="region_id")
    mode: str
    industry: str
    price_min: Decimal | None
    price_max: Decimal | None
    price_negotiable: bool
    listed_from: datetime.date
    listed_until: datetime.date
    status: str
    description: str
    published_at: datetime.datetime | None
    sold: bool = Field(
        ...,
        description="An assignment, exclusive or sole licence with an agreed deal: no longer offered to other buyers.",
    )

    @staticmethod
    def resolve_sold(obj: Listing) -> bool:
        # Lists annotate it (`selectors.with_sold`, no query per row); a single listing asks once.
        annotated = getattr(obj, "sold", None)
        return selectors.is_sold(obj) if annotated is None else bool(annotated)


class ListingIn(Schema):
    """A listing to draft. Its choices are checked here (422, each under its name), as the web form
    does: an unknown `mode` was stored and published raw. `price_negotiable` left out is true, as the
    web form shows it ticked (and the model's default)."""

    organisation_id: int
    mode: ListingMode
    listed_from: datetime.date
    listed_until: datetime.date
    achievement_id: int | None = None
    patent_numbers: str = Field("", max_length=200)
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    industry: PlanIndustry | None = Field(None, description="Empty or left out: none (the achievement's, if any).")
    price_min: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    price_max: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    price_negotiable: bool = True

    @field_validator("industry", mode="before")
    @classmethod
    def _no_industry(cls, value: object) -> object:
        return None if value == "" else value


class ListingFilters(Schema):
    q: str | None = Field(
        None, description=words_filter_description("the title, description or patent numbers", limit=5)
    )
    mode: str | None = None
    industry: str | None = None
    region: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    has_auction: bool | None = None
    sort: str | None = None


class CommentIn(Schema):
    comment: str = Field("", max_length=2000)


class DealIn(Schema):
    buyer_id: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    note: str = Field("", max_length=2000)


class DealOut(Schema):
    id: int
    listing_id: int
    buyer_id: int
    amount: Decimal
    status: str
    source: str
    agreed_at: datetime.datetime | None
    broker_id: int | None = Field(..., description="The technology broker the deal names, if any.")


class DealBrokerIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, description="The broker's user name.")


class DealRatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class DealRatingOut(Schema):
    deal_id: int
    broker_id: int
    organisation_id: int
    score: int
    comment: str
    updated_at: datetime.datetime


class BidIn(Schema):
    organisation_id: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class BidOut(Schema):
    sequence: int
    organisation_id: int
    amount: Decimal
    placed_at: datetime.datetime


class AuctionBidOut(Schema):
    """A bid in an auction's history. Amount and time are public; the bidder is named only to the
    organisers, platform admins, government users of the listing's region and, for its own bids, to
    the bidder: others read "Bidder n" and no `organisation_id`."""

    sequence: int
    number: int = Field(..., description="The bidder's number in the session, by the order of first bids.")
    bidder: str = Field(..., description='The organisation\'s name, or "Bidder n".')
    organisation_id: int | None = Field(..., description="Only when the bidder is named.")
    own: bool = Field(..., description="A bid of one of your organisations.")
    amount: Decimal
    placed_at: datetime.datetime


class AuctionOut(Schema):
    id: int
    listing_id: int
    status: str
    reserve_price: Decimal
    min_increment: Decimal
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    best_amount: Decimal | None
    bid_count: int
    deal_id: int | None
    winner: AuctionBidOut | None = Field(None, description="The winning bid, once closed with a winner.")


@router.get("/market/listings", response=list[ListingOut])
@paginate(PageNumberPagination)
def list_listings(request: HttpRequest, filters: Query[ListingFilters]) -> QuerySet[Listing]:
    """Published listings, filtered exactly as on the market page."""
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    data.setdefault("sort", "-published")
    fs = ListingFilterSet(data, queryset=selectors.with_sold(access.public_listings()))
    if not fs.is_valid():
        raise DomainError(Errors.VALIDATION, details={"fields": {k: [str(m) for m in v] for k, v in fs.errors.items()}})
    return fs.qs


@router.get("/market/listings/{pk}", response=ListingOut)
def get_listing(request: HttpRequest, pk: int) -> Listing:
    return access.get_listing_for_user(request.user, pk)  # type: ignore[arg-type]


def _input(payload: ListingIn) -> services.ListingInput:
    data = payload.dict(exclude={"organisation_id"})
    data["mode"], data["industry"] = str(payload.mode.value), payload.industry.value if payload.industry else ""
    return services.ListingInput(**data)


@router.post("/market/listings", response={201: ListingOut})
def create_listing(request: HttpRequest, payload: ListingIn) -> tuple[int, Listing]:
    user = require_user(request)
    with fields_as_sent({"achievement": "achievement_id"}):  # the web form's name for it
        listing = services.create_listing(actor=user, organisation_id=payload.organisation_id, data=_input(payload))
    return 201, listing


@router.post("/market/listings/{pk}/do/{action}", response=ListingOut)
def listing_transition(request: HttpRequest, pk: int, action: str, payload: CommentIn) -> Listing:
    """submit, withdraw (the listing's organisation); start_review, publish, return, reject (reviewers)."""
    user = require_user(request)
    listing = access.get_listing_for_user(user, pk)
    if action == "submit":
        return services.submit_listing(actor=user, listing_id=listing.pk)
    if action == "withdraw":
        return services.withdraw_listing(actor=user, listing_id=listing.pk)
    if action == "watch":
        services.watch(actor=user, listing_id=listing.pk)
        return listing
    return services.review_listing(actor=user, listing_id=listing.pk, action=action, comment=payload.comment)


@router.post("/market/listings/{pk}/deals", response={201: DealOut})
def open_deal(request: HttpRequest, pk: int, payload: DealIn) -> tuple[int, Deal]:
    user = require_user(request)
    listing = access.get_listing_for_user(user, pk)
    deal = services.open_deal(
        actor=user, listing_id=listing.pk, buyer_id=payload.buyer_id, amount=payload.amount, note=payload.note
    )
    return 201, deal


@router.get("/market/deals/{pk}", response=DealOut)
def get_deal(request: HttpRequest, pk: int) -> Deal:
    return access.get_deal_for_user(require_user(request), pk)


@router.post("/market/deals/{pk}/agree", response=DealOut)
def agree_deal(request: HttpRequest, pk: int) -> Deal:
    user = require_user(request)
    return services.agree_deal(actor=user, deal_id=access.get_deal_for_user(user, pk).pk)


@router.post("/market/deals/{pk}/broker", response=DealOut)
def set_deal_broker(request: HttpRequest, pk: int, payload: DealBrokerIn) -> Deal:
    """Name the deal's technology broker (an admin of the seller or the buyer): 422 `deal_not_broker` or
    `deal_broker_of_a_party` under `username` (the value quoted), 409 `deal_broker_fixed` once the deal
    is cancelled, or agreed with a broker named."""
    user = require_user(request)
    deal = access.get_deal_for_user(user, pk)
    return services.set_deal_broker(actor=user, deal_id=deal.pk, username=payload.username)


@router.get("/market/deals/{pk}/ratings", response=list[DealRatingOut])
def deal_broker_ratings(request: HttpRequest, pk: int) -> list[DealBrokerRating]:
    """The sides' ratings of the deal's broker, for the parties and the broker."""
    deal = access.get_deal_for_user(require_user(request), pk, action="participant")
    return list(deal.broker_ratings.order_by("pk"))  # type: ignore[attr-defined]


@router.post("/market/deals/{pk}/rating", response=DealRatingOut)
def rate_deal_broker(request: HttpRequest, pk: int, payload: DealRatingIn) -> DealBrokerRating:
    """Rate the deal's broker for your side, 1–5 (replaces your side's earlier rating); 409
    `broker_not_ratable` before the deal is agreed, without a broker, or for the broker; 409
    `broker_of_rating_side` when the broker is a member of your side."""
    user = require_user(request)
    deal = access.get_deal_for_user(user, pk)
    return services.rate_deal_broker(actor=user, deal_id=deal.pk, score=payload.score, comment=payload.comment)


@router.get("/market/auctions/{pk}", response=AuctionOut)
def get_auction(request: HttpRequest, pk: int) -> AuctionOut:
    user: User = request.user  # type: ignore[assignment]
    session = access.get_auction_for_user(user, pk)
    winner = selectors.auction_winner(session, access.bidder_disclosure(user, session))
    out = AuctionOut.from_orm(session)
    out.winner = AuctionBidOut(**asdict(winner)) if winner is not None else None
    return out


@router.get("/market/auctions/{pk}/bids", response=list[AuctionBidOut])
def list_auction_bids(request: HttpRequest, pk: int) -> list[selectors.BidRow]:
    """The auction's bids, newest first, as on its page."""
    user: User = request.user  # type: ignore[assignment]
    session = access.get_auction_for_user(user, pk)
    return selectors.bid_history(session, access.bidder_disclosure(user, session))


@router.post("/market/auctions/{pk}/bids", response={201: BidOut})
def place_bid(request: HttpRequest, pk: int, payload: BidIn) -> tuple[int, Bid]:
    user = require_user(request)
    session = access.get_auction_for_user(user, pk)
    return 201, services.place_bid(
        actor=user, session_id=session.pk, organisation_id=payload.organisation_id, amount=payload.amount
    )
