"""REST endpoints for contracts: list and read (permission-filtered), create a draft, each transition,
and the statistics totals of a scope."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from techtransfer.contracts import access, selectors, services
from techtransfer.contracts.choices import (
    CHECKLIST_KEYS,
    ContractSubtype,
    ContractType,
    IPType,
    NatureCode,
    PartyRole,
    PlanCategory,
    TechField,
)
from techtransfer.contracts.errors import UNCONFIRMED_CONDITION, ContractErrors
from techtransfer.contracts.filters import ContractFilterSet
from techtransfer.contracts.models import Contract
from techtransfer.core.api_support import PageNumberPagination, fields_as_sent, require_user
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.filters import region_of_code

router = Router(tags=["contracts"])


def _invalid(fields: dict[str, list[str]]) -> DomainError:
    """The API's 422 for input its schema accepts but the decision cannot use (the common shape)."""
    return DomainError(Errors.VALIDATION, details={"fields": fields})


class PartyIO(Schema):
    role: str
    name: str = Field(
        "",
        max_length=200,
        description="Required for the buyer and an intermediary. The seller is the registering organisation: "
        "its name, credit code and region may be left out; others are refused (contract_seller_is_organisation).",
    )
    uscc: str = Field("", max_length=18)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    nature: NatureCode | None = Field(
        None,
        description=(
            "Left out: what the credit code says (11… state organ, 12… public institution, 5… social "
            "organisation, 9… enterprise), else enterprise."
        ),
    )
    country: str = Field("CHN", pattern="^[A-Z]{3}$")
    legal_representative: str = Field("", max_length=64)


class ContractOut(Schema):
    id: int
    name: str
    status: str
    registration_number: str | None
    organisation_id: int
    contract_type: str
    subtype: str
    tech_field: str
    ip_type: str
    plan_category: str
    signed_on: datetime.date
    term_start: datetime.date
    term_end: datetime.date
    contract_amount: Decimal
    non_technical_costs: Decimal
    carrier_costs: Decimal
    technology_amount: Decimal
    seller_region_code: str | None
    buyer_region_code: str | None
    achievement_id: int | None
    deal_id: int | None
    deal_reference: str
    registered_at: datetime.datetime | None
    is_demo: bool

    @staticmethod
    def resolve_seller_region_code(obj: Contract) -> str | None:
        return obj.seller_region_id

    @staticmethod
    def resolve_buyer_region_code(obj: Contract) -> str | None:
        return obj.buyer_region_id


class ContractIn(Schema):
    organisation_id: int
    name: str = Field(..., min_length=1, max_length=200)
    contract_type: ContractType
    subtype: ContractSubtype | None = None
    tech_field: TechField
    ip_type: IPType = IPType.NONE
    plan_category: PlanCategory = PlanCategory.NONE
    signed_on: datetime.date
    term_start: datetime.date
    term_end: datetime.date
    contract_amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    non_technical_costs: Decimal = Field(Decimal(0), max_digits=16, decimal_places=2)
    carrier_costs: Decimal = Field(Decimal(0), max_digits=16, decimal_places=2)
    carrier_note: str = Field("", max_length=500)
    summary: str = Field("", max_length=4000)
    deal_id: int | None = Field(None, description="An agreed market deal on a listing of the seller organisation.")
    deal_reference: str = Field("", max_length=64)
    confirm_amount: bool = Field(
        False,
        description=(
            "With a deal_id, a contract_amount (yuan) other than the deal's agreed amount (10,000 yuan) × 10,000 "
            "is refused (409 contract_amount_differs, details naming both figures) unless this is true: send "
            "true once the amount is checked (e.g. a renegotiated price). Without a deal_id, a contract_amount "
            "below 1,000 yuan or of 100,000,000 yuan or more is refused the same way (409 "
            "contract_amount_unusual, details: contract_amount, unusual: small or large)."
        ),
    )
    parties: list[PartyIO]


class RegisterIn(Schema):
    checklist: dict[str, bool] = Field(
        {}, description=f"Every recognition condition, each true: {', '.join(CHECKLIST_KEYS)}."
    )
    reason: str = Field("", max_length=1000, description="A comment kept with the decision.")


class RefuseIn(Schema):
    reason: str = Field(..., max_length=1000, description="Why the contract is refused (not blank).")
    checklist: dict[str, bool] = Field({}, description="The recognition conditions as examined.")


class FilterIn(Schema):
    q: str | None = None
    status: str | None = None
    contract_type: str | None = None
    tech_field: str | None = None
    year: int | None = None


class TotalsOut(Schema):
    prefix: str
    year: int | None
    output_count: int
    output_contract_amount: Decimal = Field(description="Yuan, two decimals")
    output_technology_amount: Decimal = Field(description="Yuan, two decimals")
    absorption_count: int
    absorption_contract_amount: Decimal = Field(description="Yuan, two decimals")
    absorption_technology_amount: Decimal = Field(description="Yuan, two decimals")


@router.get("/contracts", response=list[ContractOut])
@paginate(PageNumberPagination)
def list_contracts(request: HttpRequest, filters: Query[FilterIn]) -> QuerySet[Contract]:
    user = require_user(request)
    data = {k: v for k, v in filters.dict().items() if v is not None}
    fs = ContractFilterSet(data, queryset=access.contracts_visible_to(user))
    if not fs.is_valid():
        raise _invalid({k: [str(m) for m in v] for k, v in fs.errors.items()})
    return fs.qs


@router.get("/contracts/statistics", response=TotalsOut)
def contract_totals(
    request: HttpRequest,
    region: str = Query(
        "",
        description="A region code (6 digits, or a province's 2 or a city's 4); left out: the caller's own "
        "jurisdiction.",
    ),
    year: int | None = Query(
        None,
        ge=1990,
        le=2100,
        description="The registration year; left out: all years (the web page shows the "
        "current year unless asked for all).",
    ),
) -> dict[str, Any]:
    """The registered contracts' totals of a region (output: sold by its organisations; absorption:
    bought by them) in a year. Government users may read their jurisdiction, platform admins every
    region; a region outside the jurisdiction is not found."""
    user = require_user(request)
    prefix = access.own_statistics_prefix(user)  # as the page: one's jurisdiction unless asked
    if region:
        r = region_of_code(region)
        if r is None:
            raise DomainError(Errors.REGION_UNKNOWN, details={"field": "region"})
        prefix = r.prefix
    if not access.may_see_region_statistics(user, prefix):
        raise DomainError(Errors.NOT_FOUND)
    st = selectors.statistics(prefix, year)
    return {
        "prefix": prefix,
        "year": year,
        "output_count": st.output.count,
        "output_contract_amount": _yuan(st.output.contract_amount),
        "output_technology_amount": _yuan(st.output.technology_amount),
        "absorption_count": st.absorption.count,
        "absorption_contract_amount": _yuan(st.absorption.contract_amount),
        "absorption_technology_amount": _yuan(st.absorption.technology_amount),
    }


def _yuan(amount: Decimal | None) -> Decimal:
    """An amount in yuan with two decimals, whatever the database's sum gave (79751000, 15847456.7800000)."""
    return (amount or Decimal(0)).quantize(Decimal("0.01"))


@router.get("/contracts/{contract_id}", response=ContractOut)
def get_contract(request: HttpRequest, contract_id: int) -> Contract:
    return access.get_contract_for_user(require_user(request), contract_id)


def _names_as_sent(payload: ContractIn) -> dict[str, str]:
    """The services name a party's fields as the web form does (`buyer_uscc`, `buyer_region`) and the
    deal `deal`: here they are a party's place in `parties` (`parties.1.uscc`, `parties.1.region_code`;
    a party not sent is `parties`) and `deal_id`."""
    sent = {p.role: i for i, p in enumerate(payload.parties)}  # a role sent twice: the last, as below
    names = {"deal": "deal_id"}
    for role in PartyRole.values:
        for field, key in (("name", "name"), ("uscc", "uscc"), ("country", "country"), ("region", "region_code")):
            names[f"{role}_{field}"] = f"parties.{sent[role]}.{key}" if role in sent else "parties"
    return names


@router.post("/contracts", response={201: ContractOut})
def create_contract(request: HttpRequest, payload: ContractIn) -> tuple[int, Contract]:
    """Draft a contract. A rule that refuses a field (amounts, subtype, dates, a party, the deal) answers
    422 with its own code and the field under `details.fields`, named as sent."""
    user = require_user(request)
    data = payload.dict(exclude={"organisation_id", "parties", "confirm_amount"})
    data["subtype"] = data.get("subtype") or ""
    parties = {p.role: {**p.dict(exclude={"role", "region_code"}), "region_id": p.region_code} for p in payload.parties}
    with fields_as_sent(_names_as_sent(payload)):
        contract = services.create_contract(
            actor=user,
            organisation_id=payload.organisation_id,
            data=data,
            parties=parties,
            confirm_amount=payload.confirm_amount,
        )
    return 201, contract


@router.post("/contracts/{contract_id}/submit", response=ContractOut)
def submit_contract(request: HttpRequest, contract_id: int) -> Contract:
    user = require_user(request)
    access.get_contract_for_user(user, contract_id, action="edit")
    return services.submit_contract(actor=user, contract_id=contract_id)


@router.post("/contracts/{contract_id}/register", response=ContractOut)
def register_contract(request: HttpRequest, contract_id: int, payload: RegisterIn) -> Contract:
    """A registration official of the seller's region registers a submitted contract. Each recognition
    condition not confirmed in `checklist` is refused (422, under `checklist.<condition>`); a contract
    that is not waiting for registration is refused with 409 `invalid_transition`."""
    user = require_user(request)
    access.get_contract_for_user(user, contract_id, action="register")
    if missing := services.unconfirmed_conditions(payload.checklist):
        raise _invalid({f"checklist.{k}": [str(UNCONFIRMED_CONDITION)] for k in missing})
    return services.register_contract(
        actor=user, contract_id=contract_id, checklist=payload.checklist, comment=payload.reason
    )


@router.post("/contracts/{contract_id}/refuse", response=ContractOut)
def refuse_contract(request: HttpRequest, contract_id: int, payload: RefuseIn) -> Contract:
    """A registration official of the seller's region refuses a submitted contract, with a reason (a
    blank one is refused: 422 under `reason`); a contract that is not waiting for registration is
    refused with 409 `invalid_transition`."""
    user = require_user(request)
    access.get_contract_for_user(user, contract_id, action="register")
    if not payload.reason.strip():
        raise _invalid({"reason": [str(ContractErrors.REASON_REQUIRED.message)]})
    return services.refuse_contract(
        actor=user, contract_id=contract_id, reason=payload.reason, checklist=payload.checklist
    )
