"""REST endpoints for achievements: create, read, update, list with every filter, and each transition."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from techtransfer.achievements import access, services
from techtransfer.achievements.filters import AchievementFilterSet
from techtransfer.achievements.forms import AchievementForm
from techtransfer.achievements.ip_numbers import application_number_error
from techtransfer.achievements.models import Achievement
from techtransfer.core.api_support import PageNumberPagination, require_user, words_filter_description
from techtransfer.core.errors import DomainError, Errors

router = Router(tags=["achievements"])


class ContributorIO(Schema):
    kind: str = Field(..., pattern="^(organisation|person)$")
    name: str = Field(..., min_length=1, max_length=200)
    affiliation: str = Field("", max_length=200)
    contribution: str = Field("", max_length=500)


class IPItemIO(Schema):
    kind: str
    title: str = Field("", max_length=300)
    application_number: str = Field("", max_length=64)
    publication_number: str = Field("", max_length=64)


class AchievementOut(Schema):
    id: int
    kind: str
    name: str
    organisation_id: int
    organisation_name: str
    region_code: str
    status: str
    holder_region_code: str | None
    registration_number: str | None
    recommending_unit: str
    research_start: datetime.date | None
    research_end: datetime.date | None
    secrecy: str
    attribute: str
    keywords: list[str]
    embodiment: str
    evaluation_level: str
    stage: str
    trl: int
    discipline: str
    discipline_category: str
    plan_industry: str
    emerging_industry: str
    sector_code: str
    funding_source: str
    funding_programme: str
    funding_project_number: str
    transfer_modes: list[str]
    price: Decimal | None
    price_negotiable: bool
    abstract: str
    review_comment: str
    published_at: datetime.datetime | None
    valid_until: datetime.date | None
    contributors: list[ContributorIO]
    ip_items: list[IPItemIO]
    is_demo: bool
    source: str

    @staticmethod
    def resolve_organisation_name(obj: Achievement) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_region_code(obj: Achievement) -> str:
        return obj.region_id

    @staticmethod
    def resolve_holder_region_code(obj: Achievement) -> str | None:
        return obj.holder_region_id

    @staticmethod
    def resolve_contributors(obj: Achievement) -> list[Any]:
        return list(obj.contributors.all())

    @staticmethod
    def resolve_ip_items(obj: Achievement) -> list[Any]:
        return list(obj.ip_items.all())


class AchievementIn(Schema):
    """Same fields and rules as the web form (validated by the same AchievementForm)."""

    kind: str = "applied"
    name: str
    abstract: str
    keywords: list[str] = Field(description="1 to 8 keywords: required, as in the form")
    secrecy: str = "public"
    attribute: str = "original"
    embodiment: str = "technology"
    evaluation_level: str = "not_evaluated"
    trl: int = 3
    stage: str = ""
    discipline: str = ""
    plan_industry: str = ""
    emerging_industry: str = ""
    sector_code: str = ""
    funding_source: str = "none"
    funding_programme: str = ""
    funding_project_number: str = ""
    transfer_modes: list[str] = []
    price: Decimal | None = None
    price_negotiable: bool = True
    research_start: str = ""
    research_end: str = ""
    recommending_unit: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contributors: list[ContributorIO] | None = None
    ip_items: list[IPItemIO] | None = None


class AchievementCreateIn(AchievementIn):
    organisation_id: int


class TransitionIn(Schema):
    comment: str = Field("", max_length=2000)


class Filters(Schema):
    q: str | None = Field(None, description=words_filter_description("the name, abstract or keywords"))
    kind: str | None = None
    plan_industry: str | None = None
    emerging_industry: str | None = None
    sector: str | None = None
    discipline: str | None = None
    category: str | None = None
    stage: str | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    region: str | None = None
    transfer_mode: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    ip_kind: str | None = None
    organisation_type: str | None = None
    organisation: int | None = None
    year: int | None = None
    status: str | None = None
    sort: str | None = None
    scope: str = Field(
        "public", pattern="^(public|visible)$", description="public: the public registry; visible: all I may see"
    )


def _validated(
    payload: AchievementIn,
) -> tuple[dict[str, Any], list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    data = payload.dict(exclude={"contributors", "ip_items", "organisation_id"})
    form_data = {k: v for k, v in data.items() if v is not None}
    form_data["keywords"] = "；".join(payload.keywords)
    if not payload.price_negotiable:
        form_data["price_negotiable"] = ""
    form = AchievementForm(form_data, labelled=True)  # read away from the form: each message names its field
    if not form.is_valid():
        raise DomainError(
            Errors.VALIDATION, details={"fields": {k: [str(m) for m in v] for k, v in form.errors.items()}}
        )
    contributors = [c.dict() for c in payload.contributors] if payload.contributors is not None else None
    ip_items = [i.dict() for i in payload.ip_items] if payload.ip_items is not None else None
    # A patent's application number with a wrong check digit, refused as the form and the import do.
    wrong = [
        message
        for n, i in enumerate(ip_items or [], start=1)
        if (message := application_number_error(n, i["kind"], i["application_number"])) is not None
    ]
    if wrong:
        raise DomainError(Errors.VALIDATION, details={"fields": {"ip_items": wrong}})
    return form.values(), contributors, ip_items


def _prefetched(qs: QuerySet[Achievement]) -> QuerySet[Achievement]:
    return qs.prefetch_related("contributors", "ip_items")


@router.get("/achievements", response=list[AchievementOut])
@paginate(PageNumberPagination)
def list_achievements(request: HttpRequest, filters: Query[Filters]) -> QuerySet[Achievement]:
    """The public registry by default; `scope=visible` lists everything the caller may see."""
    base = access.public_achievements() if filters.scope == "public" else access.achievements_visible_to(request.user)  # type: ignore[arg-type]
    data = {k: v for k, v in filters.dict(exclude={"scope"}).items() if v not in (None, "")}
    data.setdefault("sort", "-published")
    fs = AchievementFilterSet(data, queryset=base)
    if not fs.is_valid():
        raise DomainError(Errors.VALIDATION, details={"fields": {k: [str(m) for m in v] for k, v in fs.errors.items()}})
    return _prefetched(fs.qs)


@router.get("/achievements/{pk}", response=AchievementOut)
def get_achievement(request: HttpRequest, pk: int) -> Achievement:
    return access.get_achievement_for_user(request.user, pk)  # type: ignore[arg-type]


@router.post("/achievements", response={201: AchievementOut})
def create_achievement(request: HttpRequest, payload: AchievementCreateIn) -> tuple[int, Achievement]:
    user = require_user(request)
    values, contributors, ip_items = _validated(payload)
    a = services.create_achievement(
        actor=user, organisation_id=payload.organisation_id, data=values, contributors=contributors, ip_items=ip_items
    )
    return 201, a


@router.put("/achievements/{pk}", response=AchievementOut)
def update_achievement(request: HttpRequest, pk: int, payload: AchievementIn) -> Achievement:
    """Replace the data of a draft or returned record. On a published record this proposes a revision."""
    user = require_user(request)
    a = access.get_achievement_for_user(user, pk, action="edit")
    values, contributors, ip_items = _validated(payload)
    if a.status == Achievement.Status.PUBLISHED:
        services.propose_revision(actor=user, achievement_id=pk, data=values)
        return access.get_achievement_for_user(user, pk)
    return services.update_achievement(
        actor=user, achievement_id=pk, data=values, contributors=contributors, ip_items=ip_items
    )


TRANSITIONS = {
    "submit": lambda u, pk, c: services.submit_achievement(actor=u, achievement_id=pk, comment=c),
    "confirm": lambda u, pk, c: services.confirm_achievement(actor=u, achievement_id=pk, comment=c),
    "decline": lambda u, pk, c: services.decline_achievement(actor=u, achievement_id=pk, comment=c),
    "start-review": lambda u, pk, c: services.start_review(actor=u, achievement_id=pk),
    "approve": lambda u, pk, c: services.approve_achievement(actor=u, achievement_id=pk, comment=c),
    "return": lambda u, pk, c: services.return_achievement(actor=u, achievement_id=pk, comment=c),
    "reject": lambda u, pk, c: services.reject_achievement(actor=u, achievement_id=pk, comment=c),
    "withdraw": lambda u, pk, c: services.withdraw_achievement(actor=u, achievement_id=pk, comment=c),
    "renew": lambda u, pk, c: services.renew_achievement(actor=u, achievement_id=pk),
}


@router.post("/achievements/{pk}/{action}", response=AchievementOut)
def transition(request: HttpRequest, pk: int, action: str, payload: TransitionIn) -> Achievement:
    """Workflow actions: submit, confirm, decline, start-review, approve, return, reject, withdraw, renew.

    Decline, return, reject and withdraw need a `comment` (what must change, or the reason): 422 without."""
    user = require_user(request)
    access.get_achievement_for_user(user, pk)
    if action not in TRANSITIONS:
        raise DomainError(Errors.NOT_FOUND)
    TRANSITIONS[action](user, pk, payload.comment)
    return access.get_achievement_for_user(user, pk)
