"""REST endpoints for needs, challenges, proposals (private) and scoring, under the UI's permissions.

Inputs are validated by the same forms as the web pages; every fetch goes through `access.py` or
`challenge_access.py`; proposal content is only ever serialised for the solver, the seeker and the panel.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from techtransfer.core.api_support import DateTimeIn, PageNumberPagination, require_user, words_filter_description
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.filters import CHOICE_MESSAGE, shown_value
from techtransfer.needs import access, challenge_access, challenges, selectors, services
from techtransfer.needs.challenge_forms import ChallengeForm, ProposalForm
from techtransfer.needs.choices import SolverType
from techtransfer.needs.filters import NeedFilterSet
from techtransfer.needs.forms import NeedForm
from techtransfer.needs.models import Challenge, Need, Proposal

router = Router(tags=["needs"])


def _invalid(errors: Any) -> DomainError:
    return DomainError(Errors.VALIDATION, details={"fields": {k: [str(m) for m in v] for k, v in errors.items()}})


class NeedOut(Schema):
    id: int
    title: str
    summary: str
    description: str | None
    indicators: str | None
    industry: str
    organisation_id: int
    organisation_name: str
    region_code: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    required_trl: int | None = None
    cooperation_modes: list[str]
    deadline: datetime.date | None
    confidentiality: str
    status: str
    published_at: datetime.datetime | None
    is_demo: bool
    source: str
    challenge_id: int | None

    @staticmethod
    def resolve_organisation_name(obj: Need) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_region_code(obj: Need) -> str:
        return obj.region_id

    @staticmethod
    def resolve_description(obj: Need, context: dict[str, Any]) -> str | None:
        return obj.description if access.may_read_full_text(context["request"].user, obj) else None

    @staticmethod
    def resolve_indicators(obj: Need, context: dict[str, Any]) -> str | None:
        return obj.indicators if access.may_read_full_text(context["request"].user, obj) else None

    @staticmethod
    def resolve_challenge_id(obj: Need) -> int | None:
        challenge = getattr(obj, "challenge", None)
        return challenge.pk if challenge is not None else None


class NeedIn(Schema):
    title: str
    summary: str
    description: str
    indicators: str = ""
    industry: str = ""
    region: str = ""
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    required_trl: int | None = None
    cooperation_modes: list[str]
    deadline: datetime.date | None = None
    confidentiality: str = "summary"


class NeedCreateIn(NeedIn):
    organisation_id: int


class TransitionIn(Schema):
    comment: str = Field("", max_length=2000)


class NeedFilters(Schema):
    q: str | None = Field(None, description=words_filter_description("the title or summary", limit=5))
    industry: str | None = None
    region: str | None = None
    cooperation_mode: str | None = None
    budget_min: Decimal | None = None
    challenge: bool | None = None
    demo: bool | None = None
    sort: str | None = None


def _need_values(payload: NeedIn) -> dict[str, Any]:
    data = {k: v for k, v in payload.dict(exclude={"organisation_id"}).items() if v is not None}
    form = NeedForm(data, labelled=True)  # read away from the form: each message names its field
    if not form.is_valid():
        raise _invalid(form.errors)
    return form.values()


@router.get("/needs", response=list[NeedOut])
@paginate(PageNumberPagination)
def list_needs(request: HttpRequest, filters: Query[NeedFilters]) -> QuerySet[Need]:
    """Published needs with the same filters as the public list."""
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    fs = NeedFilterSet(data, queryset=access.public_needs().select_related("challenge"))
    if not fs.is_valid():
        raise _invalid(fs.errors)
    return fs.qs


@router.get("/needs/{pk}", response=NeedOut)
def get_need(request: HttpRequest, pk: int) -> Need:
    return access.get_need_for_user(request.user, pk)  # type: ignore[arg-type]


@router.post("/needs", response={201: NeedOut})
def create_need(request: HttpRequest, payload: NeedCreateIn) -> tuple[int, Need]:
    user = require_user(request)
    need = services.create_need(actor=user, organisation_id=payload.organisation_id, data=_need_values(payload))
    return 201, need


@router.put("/needs/{pk}", response=NeedOut)
def update_need(request: HttpRequest, pk: int, payload: NeedIn) -> Need:
    user = require_user(request)
    access.get_need_for_user(user, pk, action="edit")
    return services.update_need(actor=user, need_id=pk, data=_need_values(payload))


@router.post("/needs/{pk}/{action}", response=NeedOut)
def need_transition(request: HttpRequest, pk: int, action: str, payload: TransitionIn) -> Need:
    """submit, withdraw (the owner); start-review, publish, return, reject (reviewers)."""
    user = require_user(request)
    access.get_need_for_user(user, pk)
    if action == "submit":
        services.submit_need(actor=user, need_id=pk, comment=payload.comment)
    elif action == "withdraw":
        services.withdraw_need(actor=user, need_id=pk, comment=payload.comment)
    elif action in ("start-review", "publish", "return", "reject"):
        services.review_need(actor=user, need_id=pk, action=action.replace("-", "_"), comment=payload.comment)
    else:
        raise DomainError(Errors.NOT_FOUND)
    return access.get_need_for_user(user, pk)


# --- challenges ------------------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class ChallengeOut(Schema):
    id: int
    need_id: int
    title: str
    bounty: Decimal
    split: list[str]
    deadline: datetime.datetime
    eligible_types: list[str]
    eligible_regions: list[str]
    agreement: str
    status: str
    announcement: str
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_title(obj: Challenge) -> str:
        return obj.need.title

    @staticmethod
    def resolve_criteria(obj: Challenge) -> list[Any]:
        return list(obj.criteria.all())


class ProposalOut(Schema):
    id: int
    challenge_id: int
    solver: str
    solver_type: str
    organisation_id: int | None
    team_members: str
    region_code: str
    title: str
    approach: str
    version: int
    submitted_at: datetime.datetime
    revised_at: datetime.datetime
    shortlisted: bool
    score: Decimal | None
    rank_band: str
    feedback: str
    award_amount: Decimal | None

    @staticmethod
    def resolve_solver(obj: Proposal) -> str:
        return obj.solver.username

    @staticmethod
    def resolve_region_code(obj: Proposal) -> str:
        return obj.region_id


class ProposalIn(Schema):
    solver_type: str
    organisation_id: int | None = None
    team_members: str = ""
    region: str = ""
    title: str
    approach: str
    version: int | None = Field(None, description="Required when revising: the version the revision starts from.")


class ScoreIn(Schema):
    values: dict[int, int] = Field(..., description="criterion id → score 0–100")
    comment: str = Field("", max_length=4000)


class ScoreOut(Schema):
    proposal_id: int
    total: Decimal


@router.get("/challenges/{pk}", response=ChallengeOut)
def get_challenge(request: HttpRequest, pk: int) -> Challenge:
    return challenge_access.get_challenge_for_user(request.user, pk)  # type: ignore[arg-type]


@router.post("/challenges/{pk}/accept", response={204: None})
def accept(request: HttpRequest, pk: int) -> tuple[int, None]:
    user = require_user(request)
    challenge_access.get_challenge_for_user(user, pk)
    challenges.accept_agreement(actor=user, challenge_id=pk)
    return 204, None


@router.get("/challenges/{pk}/statistics")
def statistics(request: HttpRequest, pk: int) -> dict[str, Any]:
    return selectors.challenge_statistics(challenge_access.get_challenge_for_user(request.user, pk))  # type: ignore[arg-type]


@router.get("/challenges/{pk}/proposals", response=list[ProposalOut])
@paginate(PageNumberPagination)
def list_proposals(request: HttpRequest, pk: int) -> QuerySet[Proposal]:
    """All proposals for the seeker and the panel; one's own for a solver; nothing for anyone else."""
    user = require_user(request)
    challenge = challenge_access.get_challenge_for_user(user, pk)
    return challenge_access.proposals_visible_to(user, challenge).order_by("pk")


@router.post("/challenges/{pk}/proposals", response={201: ProposalOut})
def save_proposal(request: HttpRequest, pk: int, payload: ProposalIn) -> tuple[int, Proposal]:
    """Submit (no `version`) or revise (with the `version` the revision starts from)."""
    user = require_user(request)
    challenge = challenge_access.get_challenge_for_user(user, pk)
    data = payload.dict()
    data["organisation"] = data.pop("organisation_id")
    form = ProposalForm({k: v for k, v in data.items() if v is not None}, user=user, labelled=True,
                        challenge_types=list(challenge.eligible_types))  # fmt: skip
    if not form.is_valid():
        raise _invalid(form.errors)
    mine = Proposal.objects.filter(challenge=challenge, solver=user).first()
    if mine is None:
        return 201, challenges.submit_proposal(actor=user, challenge_id=pk, data=form.values())
    return 201, challenges.revise_proposal(
        actor=user, proposal_id=mine.pk, expected_version=payload.version or 0, data=form.values()
    )


@router.get("/proposals/{pk}", response=ProposalOut)
def get_proposal(request: HttpRequest, pk: int) -> Proposal:
    return challenge_access.get_proposal_for_user(require_user(request), pk)


@router.post("/proposals/{pk}/score", response={201: ScoreOut})
def score(request: HttpRequest, pk: int, payload: ScoreIn) -> tuple[int, Any]:
    user = require_user(request)
    challenge_access.get_proposal_for_user(user, pk)
    s = challenges.score_proposal(actor=user, proposal_id=pk, values=payload.values, comment=payload.comment)
    return 201, s


class ChallengeIn(Schema):
    need_id: int
    bounty: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    split: list[Decimal] = Field(..., min_length=1, description="Percent per winning place, adding up to 100")
    deadline: DateTimeIn
    eligible_types: list[str] = Field(..., min_length=1)
    eligible_regions: list[str] = []
    agreement: str = Field(..., min_length=1, max_length=8000)
    criteria: list[tuple[str, int]] = Field(
        ..., min_length=1, description="[name, weight] pairs; weights add up to 100"
    )
    confirm_bounty: bool = Field(
        False,
        description=(
            "A bounty below 1,000 yuan or of 100,000,000 yuan or more is refused (409 challenge_bounty_unusual, "
            "details: bounty, unusual: small or large) unless this is true: send true once the amount is checked."
        ),
    )


class IdsIn(Schema):
    ids: list[int] = []
    note: str = Field("", max_length=500)


class AwardIn(Schema):
    winner_ids: list[int] = Field(..., min_length=1, description="Shortlisted proposals, first place first")
    announcement: str = Field("", max_length=4000)


@router.post("/challenges", response={201: ChallengeOut})
def create_challenge(request: HttpRequest, payload: ChallengeIn) -> tuple[int, Challenge]:
    """Run a published need as a challenge (the need's author or an admin of its organisation)."""
    user = require_user(request)
    access.get_need_for_user(user, payload.need_id, action="edit")
    bad = [t for t in payload.eligible_types if t not in SolverType.values]
    if bad:
        # One message per unknown type, as the form says it (`ChallengeForm`): it listed the values.
        label = str(ChallengeForm.base_fields["eligible_types"].label)
        messages = [str(CHOICE_MESSAGE) % {"field": label, "value": shown_value(t)} for t in bad]
        raise DomainError(Errors.VALIDATION, details={"fields": {"eligible_types": messages}})
    return 201, challenges.create_challenge(actor=user, **payload.dict())


@router.post("/challenges/{pk}/conflicts", response={204: None})
def declare_conflicts(request: HttpRequest, pk: int, payload: IdsIn) -> tuple[int, None]:
    """An assigned expert declares conflicts (possibly none), once, after the deadline."""
    user = require_user(request)
    challenge_access.get_challenge_for_user(user, pk)
    challenges.declare_conflicts(actor=user, challenge_id=pk, proposal_ids=payload.ids, note=payload.note)
    return 204, None


@router.post("/challenges/{pk}/shortlist", response={204: None})
def shortlist(request: HttpRequest, pk: int, payload: IdsIn) -> tuple[int, None]:
    user = require_user(request)
    challenge_access.get_challenge_for_user(user, pk)
    challenges.set_shortlist(actor=user, challenge_id=pk, proposal_ids=payload.ids)
    return 204, None


@router.post("/challenges/{pk}/award", response=ChallengeOut)
def award(request: HttpRequest, pk: int, payload: AwardIn) -> Challenge:
    user = require_user(request)
    challenge_access.get_challenge_for_user(user, pk)
    return challenges.award_challenge(
        actor=user, challenge_id=pk, winner_ids=payload.winner_ids, announcement=payload.announcement
    )
