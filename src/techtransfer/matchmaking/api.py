"""Inquiry endpoints, for participants only (members of both sides and the broker)."""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.core.errors import DomainError, Errors
from techtransfer.matchmaking import access, events, services
from techtransfer.matchmaking.choices import InquiryStatus
from techtransfer.matchmaking.errors import MatchErrors
from techtransfer.matchmaking.models import BrokerRating, Event, Inquiry, Message, Result

router = Router(tags=["matchmaking"])


class InquiryOut(Schema):
    id: int
    subject: str
    initiator_id: int
    recipient_id: int
    need_id: int | None
    achievement_id: int | None
    broker_id: int | None
    status: str
    close_reason: str
    meeting_at: datetime.datetime | None
    contract_reference: str
    updated_at: datetime.datetime


class MessageOut(Schema):
    """One entry of the thread: a message (`kind` "message", its `body`), the record of a status
    change (`kind` "status", `params` {"from", "to", and "reason" or "contract_reference" when
    given}, no body) or of the contract's number recorded after signing (`kind` "contract", `params`
    {"contract_reference"}, no body). `text` is any of them said in the request's language."""

    id: int
    author_id: int
    kind: str
    body: str
    params: dict[str, str]
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_text(obj: Message) -> str:
        return obj.shown_text


class InquiryIn(Schema):
    organisation_id: int
    subject: str = Field(..., min_length=1, max_length=200)
    message: str = Field(..., min_length=1, max_length=4000)
    need_id: int | None = None
    achievement_id: int | None = None
    recipient_id: int | None = None


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=4000)


class StatusIn(Schema):
    status: str
    reason: str = Field("", max_length=500)
    contract_reference: str = Field("", max_length=64)


@router.get("/inquiries", response=list[InquiryOut])
@paginate(PageNumberPagination)
def list_inquiries(request: HttpRequest) -> QuerySet[Inquiry]:
    return access.inquiries_visible_to(require_user(request))


@router.get("/inquiries/{pk}", response=InquiryOut)
def get_inquiry(request: HttpRequest, pk: int) -> Inquiry:
    return access.get_inquiry_for_user(require_user(request), pk)


@router.post("/inquiries", response={201: InquiryOut})
def start(request: HttpRequest, payload: InquiryIn) -> tuple[int, Inquiry]:
    user = require_user(request)
    return 201, services.start_inquiry(actor=user, **payload.dict())


@router.get("/inquiries/{pk}/messages", response=list[MessageOut])
def thread(request: HttpRequest, pk: int) -> list[Message]:
    return list(access.get_inquiry_for_user(require_user(request), pk).messages.all())


@router.post("/inquiries/{pk}/messages", response={201: MessageOut})
def post_message(request: HttpRequest, pk: int, payload: MessageIn) -> tuple[int, Message]:
    user = require_user(request)
    access.get_inquiry_for_user(user, pk)
    return 201, services.post_message(actor=user, inquiry_id=pk, body=payload.body)


@router.post("/inquiries/{pk}/status", response=InquiryOut)
def change_status(request: HttpRequest, pk: int, payload: StatusIn) -> Inquiry:
    """Move the inquiry on; closing it needs a `reason` (a blank one is refused: 422 under `reason`).
    With "contract_signed", `contract_reference` may give the technology contract's registration
    number: 16 digits (full-width digits and spaces are read), else 422 under `contract_reference`.
    A move the path does not allow from the current status is refused with 409 `invalid_transition`."""
    user = require_user(request)
    access.get_inquiry_for_user(user, pk)
    if payload.status == InquiryStatus.CLOSED and not payload.reason.strip():
        raise DomainError(Errors.VALIDATION, details={"fields": {"reason": [str(MatchErrors.REASON_REQUIRED.message)]}})
    if payload.status == InquiryStatus.CONTRACT_SIGNED:
        try:
            services.contract_number(payload.contract_reference)
        except DomainError as exc:
            raise DomainError(Errors.VALIDATION, details={"fields": {"contract_reference": [exc.message]}}) from exc
    return services.change_status(actor=user, inquiry_id=pk, **payload.dict())


class ContractReferenceIn(Schema):
    contract_reference: str = Field(..., max_length=64)


@router.post("/inquiries/{pk}/contract-reference", response=InquiryOut)
def record_contract_reference(request: HttpRequest, pk: int, payload: ContractReferenceIn) -> Inquiry:
    """Record the technology contract's registration number of an inquiry marked "contract_signed"
    without one, once: for those who may mark it signed (its participants; 404 for anyone else).
    16 digits (full-width digits and spaces are read), else 422 under `contract_reference`, as with
    the status endpoint; 409 `inquiry_contract_not_signed` before the contract is signed, 409
    `inquiry_contract_reference_recorded` when the inquiry already names a number."""
    user = require_user(request)
    access.get_inquiry_for_user(user, pk)
    return _under_fields(
        lambda: services.record_contract_reference(
            actor=user, inquiry_id=pk, contract_reference=payload.contract_reference
        )
    )


def _under_fields(call: Callable[[], Inquiry]) -> Inquiry:
    """Run `call`; a refusal of one input (400 naming its `field`: a malformed or missing number, no
    reason) is answered as the API's 422 under that field; other refusals pass as they are."""
    try:
        return call()
    except DomainError as exc:
        field = exc.details.get("field") if exc.http_status == 400 else None
        if field:
            raise DomainError(Errors.VALIDATION, details={"fields": {field: [exc.message]}}) from exc
        raise


class ContractCorrectionIn(Schema):
    contract_reference: str = Field(..., max_length=64, description="The right 16-digit registration number.")
    reason: str = Field(..., max_length=500, description="Why the recorded number is corrected.")


@router.post("/inquiries/{pk}/contract-reference/correction", response=InquiryOut)
def correct_contract_reference(request: HttpRequest, pk: int, payload: ContractCorrectionIn) -> Inquiry:
    """A platform admin corrects the contract registration number recorded on an inquiry, saying why
    (403 `inquiry_contract_reference_correction` for a participant who is not one; 404 for anyone
    else). 422 under `contract_reference` for a number that is not 16 digits, or the number already
    recorded, and under `reason` without a reason; 409 `inquiry_contract_reference_none` while no
    number is recorded. The thread keeps the replaced number and both sides are told."""
    user = require_user(request)
    access.get_inquiry_for_user(user, pk)
    return _under_fields(
        lambda: services.correct_contract_reference(
            actor=user, inquiry_id=pk, contract_reference=payload.contract_reference, reason=payload.reason
        )
    )


class BrokerIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, description="The broker's user name.")


@router.post("/inquiries/{pk}/broker", response=InquiryOut)
def assign_broker(request: HttpRequest, pk: int, payload: BrokerIn) -> Inquiry:
    """Assign the inquiry's technology broker (an admin of either organisation, or a platform admin;
    404 for anyone else): 422 `inquiry_not_broker` or `inquiry_broker_of_a_party` under `username`
    (the value quoted), 409 `inquiry_broker_finished` once the inquiry is finished. As the page's form."""
    user = require_user(request)
    access.get_inquiry_for_user(user, pk)
    return services.assign_broker(actor=user, inquiry_id=pk, username=payload.username)


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class RatingOut(Schema):
    inquiry_id: int
    broker_id: int
    organisation_id: int
    score: int
    comment: str
    updated_at: datetime.datetime


@router.get("/inquiries/{pk}/ratings", response=list[RatingOut])
def broker_ratings(request: HttpRequest, pk: int) -> list[BrokerRating]:
    """The sides' ratings of the inquiry's broker, for its participants."""
    return list(access.get_inquiry_for_user(require_user(request), pk).broker_ratings.order_by("pk"))


@router.post("/inquiries/{pk}/rating", response=RatingOut)
def rate_broker(request: HttpRequest, pk: int, payload: RatingIn) -> BrokerRating:
    """Rate the broker of a finished inquiry for your side, 1–5 (replaces your side's earlier rating);
    409 `broker_not_ratable` before the end, without a broker, or for the broker; 409
    `broker_of_rating_side` when the broker is a member of your side."""
    user = require_user(request)
    access.get_inquiry_for_user(user, pk)
    return services.rate_broker(actor=user, inquiry_id=pk, score=payload.score, comment=payload.comment)


class EventOut(Schema):
    id: int
    title: str
    theme: str
    description: str
    starts_on: datetime.date
    ends_on: datetime.date
    organiser_id: int


class ResultOut(Schema):
    kind: str
    parties: str
    amount: Decimal


@router.get("/events", response=list[EventOut])
@paginate(PageNumberPagination)
def list_events(request: HttpRequest) -> QuerySet[Event]:
    return Event.objects.order_by("-starts_on", "-pk")


@router.get("/events/{pk}/results", response=list[ResultOut])
def event_results(request: HttpRequest, pk: int) -> list[Result]:
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise DomainError(Errors.NOT_FOUND)
    return list(event.results.all())


@router.post("/events/{pk}/register", response={204: None})
def register(request: HttpRequest, pk: int) -> tuple[int, None]:
    events.register(actor=require_user(request), event_id=pk)
    return 204, None
