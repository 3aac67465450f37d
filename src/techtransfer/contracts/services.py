"""Every write to contract registration: drafts, parties, the signed file, the registration workflow,
registration numbers, amendments and cancellations.

Flow: a member of the seller organisation drafts the contract with its parties and attaches the signed
PDF, then submits it to the registration point of the seller's region (the nearest verified
government science department: county, else city, else province); submitting runs the related-party
checks. A government reviewer whose jurisdiction covers the seller's region checks the recognition
conditions and registers (a number is assigned) or refuses with a reason. Registered contracts change
only through amendments and cancellations, each kept as a `ContractAmendment` row and an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import pycountry
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techtransfer.achievements.selectors import is_registered_achievement_of
from techtransfer.audit.services import diff, jsonable, record_event, snapshot
from techtransfer.contracts import antifraud, notices
from techtransfer.contracts.amounts import CENT, amount_problems, technology_amount
from techtransfer.contracts.choices import (
    CHECKLIST_KEYS,
    SUBTYPES,
    AmendmentKind,
    ContractStatus,
    NatureCode,
    PartyRole,
)
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract, ContractAmendment, ContractCounter, ContractParty
from techtransfer.contracts.selectors import contracts_holding_deals
from techtransfer.core import uscc
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.counters import take_serials
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import may_act_on_region
from techtransfer.core.models import Organisation, Region, User
from techtransfer.core.plausible import unusual_yuan
from techtransfer.core.roles import decides_own, is_member, organisation_refusal
from techtransfer.core.uploads import check_uploaded_file
from techtransfer.core.workflow import Workflow, transition
from techtransfer.market.choices import DealStatus
from techtransfer.market.models import Deal
from techtransfer.market.selectors import agreed_deals_of_sellers

S = ContractStatus

CONTRACT_WORKFLOW: Workflow[Contract] = Workflow(
    model=Contract,
    transitions=[
        transition("submit", [S.DRAFT, S.REFUSED], S.SUBMITTED, _("Submit for registration")),
        transition("register", [S.SUBMITTED], S.REGISTERED, pgettext_lazy("contract registration", "Register")),
        transition("refuse", [S.SUBMITTED], S.REFUSED, _("Refuse")),
        transition("cancel", [S.REGISTERED], S.CANCELLED, _("Cancel the registration")),
    ],
)

# Fields a form or API payload may set directly; technology_amount is always derived.
DATA_FIELDS = (
    "name", "contract_type", "subtype", "tech_field", "ip_type", "plan_category", "signed_on", "term_start",
    "term_end", "contract_amount", "non_technical_costs", "carrier_costs", "carrier_note", "summary",
    "achievement_id", "deal_id", "deal_reference",
)  # fmt: skip
# Fields an amendment of a registered contract may change.
AMENDABLE_FIELDS = (
    "name", "contract_type", "subtype", "tech_field", "ip_type", "plan_category", "term_end", "contract_amount",
    "non_technical_costs", "carrier_costs", "carrier_note",
)  # fmt: skip
PARTY_FIELDS = (
    "name", "uscc", "region_id", "nature", "country", "legal_representative", "organisation_id",
    "controlling_organisation_id",
)  # fmt: skip
MONEY_FIELDS = ("contract_amount", "non_technical_costs", "carrier_costs")
EDITABLE_STATES = frozenset({S.DRAFT, S.REFUSED})
SERIAL_MAX = 999_999
WAN = Decimal(10000)  # a deal's amount is in 10,000 yuan (万元), a contract's in yuan

# 主体性质 of a party from its credit code's registrant kind (core.uscc), else from its organisation's type.
_NATURE_BY_REGISTRANT = {
    uscc.STATE_ORGAN: NatureCode.STATE_ORGAN,
    uscc.PUBLIC_INSTITUTION: NatureCode.PUBLIC_INSTITUTION,
    uscc.SOCIAL_ORGANISATION: NatureCode.SOCIAL_ORGANISATION,
    uscc.ENTERPRISE: NatureCode.ENTERPRISE,
}
_NATURE_BY_TYPE = {
    OrganisationType.GOVERNMENT: NatureCode.STATE_ORGAN,
    OrganisationType.UNIVERSITY: NatureCode.PUBLIC_INSTITUTION,
    OrganisationType.RESEARCH_INSTITUTE: NatureCode.PUBLIC_INSTITUTION,
    OrganisationType.HOSPITAL: NatureCode.PUBLIC_INSTITUTION,
    OrganisationType.OTHER: NatureCode.OTHER,
}


def party_nature(code: str, organisation: Organisation | None = None) -> NatureCode:
    """The nature (主体性质) a party's credit code says (11 state organ, 12 public institution, 5x social
    organisation, 9x enterprise), else its platform organisation's type, else enterprise. A university
    registered with a 12 code is a public institution, not an enterprise."""
    kind = uscc.registrant_kind(code)
    if kind is not None:
        return _NATURE_BY_REGISTRANT[kind]
    if organisation is not None:
        return _NATURE_BY_TYPE.get(OrganisationType(organisation.type), NatureCode.ENTERPRISE)
    return NatureCode.ENTERPRISE


# --- registration points and numbers -------------------------------------------------------------


def registration_point_for(region: Region) -> Organisation | None:
    """The nearest verified government science department whose region is `region` or contains it."""
    chain = [r.code for r in region.lineage()]
    found = {
        o.region_id: o
        for o in Organisation.objects.filter(
            type=OrganisationType.GOVERNMENT, status=OrganisationStatus.VERIFIED, region_id__in=chain
        ).order_by("pk")
    }
    return next((found[code] for code in chain if code in found), None)


def next_contract_number(*, point_code: str, year: int) -> str:
    """16 digits: the registration point's GB/T 2260 code (6) + year (4) + serial (6).

    The full 6-digit code (rather than a 3-digit prefix) keeps two points of one province apart, so
    numbers never collide across points. Call inside a transaction: the counter row is locked
    (`select_for_update`) and incremented with F(); two registrations at the same moment wait for each
    other and get consecutive serials.
    """
    serials = take_serials(ContractCounter, key={"point_code": point_code, "year": year}, maximum=SERIAL_MAX)
    if serials is None:
        raise DomainError(ContractErrors.SERIALS_EXHAUSTED)
    return f"{point_code}{year:04d}{serials[0]:06d}"


# --- validation -----------------------------------------------------------------------------------


def signing_problem(signed_on: Any, term_start: Any) -> DomainError | None:
    """A signing date after today, or a term that starts before the signing: the refusal naming the
    field, else None. Today is the local date of the platform (Asia/Shanghai)."""
    if isinstance(signed_on, datetime.date) and signed_on > timezone.localdate():
        return DomainError(ContractErrors.SIGNED_IN_FUTURE, details={"field": "signed_on"})
    if isinstance(signed_on, datetime.date) and isinstance(term_start, datetime.date) and term_start < signed_on:
        return DomainError(ContractErrors.TERM_BEFORE_SIGNING, details={"field": "term_start"})
    return None


def deal_amount_problem(deal_amount: Decimal, contract_amount: Any) -> DomainError | None:
    """A contract amount (yuan) other than the linked deal's agreed amount (10,000 yuan) converted to
    yuan: the refusal naming `contract_amount` with both figures, else None.

    A contract for a deal agreed at 380 (10,000 yuan) was saved at 1.00 yuan and registered. A contract
    may differ from its deal (a later renegotiation), so callers let it through when the user confirms
    the amount (`confirm_amount`), but not a slip of the unit unnoticed."""
    if contract_amount is None or contract_amount == "":
        return None
    amount = Decimal(str(contract_amount))
    agreed = deal_amount * WAN
    if amount == agreed:
        return None
    details = {
        "field": "contract_amount",
        "contract_amount": str(amount.quantize(CENT)),
        "deal_amount": str(deal_amount),
        "agreed_amount": str(agreed.quantize(CENT)),
    }
    return DomainError(ContractErrors.AMOUNT_DIFFERS, details=details)


def unusual_amount_problem(contract_amount: Any) -> DomainError | None:
    """A contract amount (yuan) below 1,000 yuan or of 100 million yuan or more
    (`core.plausible.unusual_yuan`): the refusal naming `contract_amount`, its figure and which way it is
    unusual (`unusual`: "small" or "large"), else None. For a contract with no linked deal to compare
    with: callers let it through when the user confirms the amount (`confirm_amount`)."""
    if contract_amount is None or contract_amount == "":
        return None
    amount = Decimal(str(contract_amount))
    kind = unusual_yuan(amount)
    if kind is None:
        return None
    details = {"field": "contract_amount", "contract_amount": str(amount.quantize(CENT)), "unusual": kind}
    return DomainError(ContractErrors.AMOUNT_UNUSUAL, details=details)


def _check_amount(deal_id: Any, contract_amount: Any, *, confirmed: bool) -> None:
    """Unless `confirmed`: a contract amount other than the linked deal's agreed amount, or, with no deal
    linked, an unusual one, is refused."""
    if confirmed:
        return
    if not deal_id:
        if (problem := unusual_amount_problem(contract_amount)) is not None:
            raise problem
        return
    deal_amount = Deal.objects.filter(pk=int(deal_id)).values_list("amount", flat=True).first()
    if deal_amount is not None and (problem := deal_amount_problem(deal_amount, contract_amount)) is not None:
        raise problem


def _money(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the amounts as Decimals of two places: 0 and 0.00 are one value (no "0 → 0.00"
    change in an amendment or the audit trail). Call after `amount_problems` (at most two places)."""
    out = dict(values)
    for name in MONEY_FIELDS:
        if out.get(name) is not None and out[name] != "":
            out[name] = Decimal(str(out[name])).quantize(CENT)
    return out


def _check_data(values: Mapping[str, Any], *, signing: bool = True) -> None:
    """Raise DomainError naming the field when the figures, subtype or dates are inconsistent.

    `signing=False` leaves out the signing-date checks: an amendment cannot change the signing date
    or the start of the term, so a record registered before these checks existed stays amendable."""
    problems = amount_problems(
        values.get("contract_amount"),
        values.get("non_technical_costs"),
        values.get("carrier_costs"),
        str(values.get("carrier_note") or ""),
    )
    if problems:
        raise DomainError(ContractErrors.AMOUNTS, details={"fields": {p.field: [p.message] for p in problems}})
    ctype = str(values.get("contract_type") or "")
    subtype = str(values.get("subtype") or "")
    allowed = SUBTYPES.get(ctype, ())
    if (subtype and subtype not in allowed) or (allowed and not subtype):
        raise DomainError(ContractErrors.SUBTYPE, details={"field": "subtype"})
    start, end = values.get("term_start"), values.get("term_end")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        raise DomainError(ContractErrors.DATES, details={"field": "term_end"})
    if signing and (problem := signing_problem(values.get("signed_on"), start)) is not None:
        raise problem


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-3 code in capitals (CHN, DEU): "ZZZ" was accepted and shown as a country."""
    return len(code) == 3 and code.isascii() and code.isupper() and pycountry.countries.get(alpha_3=code) is not None


def _check_party(role: str, p: Mapping[str, Any]) -> None:
    code = str(p.get("uscc") or "")
    if code and not uscc.is_valid(code):
        raise DomainError(Errors.USCC_INVALID, details={"party": role, "field": f"{role}_uscc"})
    if not str(p.get("name") or "").strip():
        raise DomainError(ContractErrors.PARTIES, details={"party": role, "field": f"{role}_name"})
    country = str(p.get("country") or "CHN")
    if not is_country_code(country):
        raise DomainError(ContractErrors.COUNTRY_UNKNOWN, details={"party": role, "field": f"{role}_country"})
    if country == "CHN" and not p.get("region_id"):
        raise DomainError(ContractErrors.PARTIES, details={"party": role, "field": f"{role}_region"})
    if p.get("region_id") and not Region.objects.filter(code=p["region_id"]).exists():
        raise DomainError(Errors.REGION_UNKNOWN, details={"party": role, "field": f"{role}_region"})


def _check_achievement(organisation_id: int, values: Mapping[str, Any]) -> None:
    """A linked achievement must be one of the seller organisation's registered records."""
    pk = values.get("achievement_id")
    if pk and not is_registered_achievement_of(int(pk), organisation_id):
        raise DomainError(ContractErrors.ACHIEVEMENT, details={"field": "achievement_number"})


def _check_deal(organisation_id: int, values: dict[str, Any], *, contract_id: int | None = None) -> None:
    """A linked deal must be agreed, on a listing of the seller organisation, and not registered by
    another active contract. Without an achievement given, the listing's achievement is taken."""
    pk = values.get("deal_id")
    if not pk:
        return
    deal = agreed_deals_of_sellers([organisation_id]).filter(pk=int(pk)).first()
    if deal is None:
        raise DomainError(ContractErrors.DEAL, details={"field": "deal"})
    if contracts_holding_deals(except_contract_id=contract_id).filter(deal_id=deal.pk).exists():
        raise DomainError(ContractErrors.DEAL_TAKEN, details={"field": "deal"})
    achievement_id = deal.listing.achievement_id
    if (
        not values.get("achievement_id")
        and achievement_id
        and is_registered_achievement_of(achievement_id, organisation_id)
    ):
        values["achievement_id"] = achievement_id


def _save_linked(contract: Contract, update_fields: list[str] | None = None) -> None:
    """Save; a deal that a concurrent draft linked first (the partial unique constraint) is refused."""
    try:
        with transaction.atomic():
            contract.save(update_fields=update_fields)
    except IntegrityError as exc:
        if contract.deal_id is None:
            raise
        raise DomainError(ContractErrors.DEAL_TAKEN, details={"field": "deal"}) from exc


def _apply_values(contract: Contract, values: Mapping[str, Any]) -> list[str]:
    fields = []
    for name in DATA_FIELDS:
        if name in values:
            setattr(contract, name, values[name])
            fields.append(name)
    contract.non_technical_costs = contract.non_technical_costs or Decimal(0)
    contract.carrier_costs = contract.carrier_costs or Decimal(0)
    contract.technology_amount = technology_amount(
        contract.contract_amount, contract.non_technical_costs, contract.carrier_costs
    )
    return [*fields, "non_technical_costs", "carrier_costs", "technology_amount"]


# The columns of the party rows a contract's events hold, [before rows, after rows] (the audit log
# reads them so; `contracts.apps`). The region is its GB/T 2260 code.
PARTY_COLUMNS = ("role", "name", "uscc", "region", "nature", "country", "legal_representative")


def party_rows(contract: Contract) -> list[list[str]]:
    """The contract's parties as rows of `PARTY_COLUMNS`, by role."""
    fields = [f"{c}_id" if c == "region" else c for c in PARTY_COLUMNS]
    return [[str(v or "") for v in row] for row in contract.parties.order_by("role").values_list(*fields)]


def _set_parties(contract: Contract, parties: Mapping[str, Mapping[str, Any]]) -> None:
    """Replace the parties; the seller is always the registering organisation, with the name, credit
    code and region it registered with (they choose the registration point and the region the
    statistics count it in): others given are refused (`contract_seller_is_organisation`). A party
    given without a nature takes the one its credit code (else its platform organisation) says
    (`party_nature`)."""
    seller = dict(parties.get(PartyRole.SELLER, {}))
    org = contract.organisation
    own = {"name": org.name, "uscc": org.uscc, "region_id": org.region_id}
    for key, value in own.items():
        given = str(seller.get(key) or "").strip()
        if key == "uscc":
            given, value = uscc.normalise(given), uscc.normalise(value)
        if given and given != value:
            field = "seller_region" if key == "region_id" else f"seller_{key}"
            raise DomainError(ContractErrors.SELLER_IS_ORGANISATION, details={"party": "seller", "field": field})
    seller.update(own)
    seller["organisation_id"] = org.pk
    rows: dict[str, dict[str, Any]] = {PartyRole.SELLER.value: seller}
    for other in (PartyRole.BUYER.value, PartyRole.INTERMEDIARY.value):
        if parties.get(other) and str(parties[other].get("name") or "").strip():
            rows[other] = dict(parties[other])
    if PartyRole.BUYER.value not in rows:
        raise DomainError(ContractErrors.PARTIES, details={"party": "buyer", "field": "buyer_name"})
    for role, p in rows.items():
        _check_party(role, p)
    linked = Organisation.objects.in_bulk([p["organisation_id"] for p in rows.values() if p.get("organisation_id")])
    for p in rows.values():
        if not p.get("nature"):
            p["nature"] = party_nature(str(p.get("uscc") or ""), linked.get(p.get("organisation_id") or 0))
    contract.parties.all().delete()
    for role, p in rows.items():
        values = {k: p[k] for k in PARTY_FIELDS if k in p and p[k] is not None}
        if "uscc" in values:
            values["uscc"] = uscc.normalise(str(values["uscc"]))
        ContractParty.objects.create(contract=contract, role=role, **values)
    contract.seller_region_id = rows[PartyRole.SELLER.value].get("region_id")
    contract.buyer_region_id = rows[PartyRole.BUYER.value].get("region_id") or None
    contract.save(update_fields=["seller_region", "buyer_region", "updated_at"])


# --- drafts ---------------------------------------------------------------------------------------


def create_contract(
    *,
    actor: User,
    organisation_id: int,
    data: Mapping[str, Any],
    parties: Mapping[str, Mapping[str, Any]],
    is_demo: bool = False,
    confirm_amount: bool = False,
) -> Contract:
    """Draft a contract for `organisation_id`, of which `actor` must be an active member.

    `data` holds `DATA_FIELDS`, `parties` maps role → party fields (seller fields default to the
    organisation's). Validates amounts, subtype, dates and parties; a contract amount other than the
    linked deal's agreed amount, or with no deal an unusual one (`unusual_amount_problem`), is refused
    unless `confirm_amount` (`deal_amount_problem`). Writes one audit event.
    """
    if not is_member(actor, organisation_id) and not actor.is_platform_admin:
        raise DomainError(Errors.NOT_FOUND)
    _check_data(data)
    data = _money(data)
    _check_deal(organisation_id, data)
    _check_amount(data.get("deal_id"), data.get("contract_amount"), confirmed=confirm_amount)
    _check_achievement(organisation_id, data)
    with transaction.atomic():
        org = Organisation.objects.get(pk=organisation_id)
        contract = Contract(organisation=org, created_by=actor, is_demo=is_demo)
        _apply_values(contract, data)
        _save_linked(contract)
        _set_parties(contract, parties)
        record_event(
            actor=actor,
            action="contract.create",
            obj=contract,
            organisation=org,
            changes={**{k: [None, jsonable(v)] for k, v in data.items()}, "parties": [[], party_rows(contract)]},
        )
    return contract


def update_contract(
    *,
    actor: User,
    contract_id: int,
    data: Mapping[str, Any],
    parties: Mapping[str, Mapping[str, Any]] | None = None,
    confirm_amount: bool = False,
) -> Contract:
    """Change a draft or refused contract (members of its organisation only); `data` may be partial.

    A change of the amount or of the linked deal that leaves the amount other than the deal's agreed
    amount (with no deal: unusual) is refused unless `confirm_amount`; an amount confirmed before stays
    accepted while neither changes."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=contract_id)
        if not is_member(actor, contract.organisation_id) and not actor.is_platform_admin:
            raise DomainError(Errors.NOT_FOUND)
        if contract.status not in EDITABLE_STATES:
            raise DomainError(ContractErrors.NOT_EDITABLE)
        _check_data({**{name: getattr(contract, name) for name in DATA_FIELDS}, **data})
        data = _money(data)
        _check_deal(contract.organisation_id, data, contract_id=contract.pk)
        deal_id, amount = data.get("deal_id", contract.deal_id), data.get("contract_amount", contract.contract_amount)
        if (deal_id, amount) != (contract.deal_id, contract.contract_amount):
            _check_amount(deal_id, amount, confirmed=confirm_amount)
        _check_achievement(contract.organisation_id, data)
        before = snapshot(contract, DATA_FIELDS)
        fields = _apply_values(contract, data)
        _save_linked(contract, update_fields=[*fields, "updated_at"])
        changes = diff(before, snapshot(contract, DATA_FIELDS))
        if parties is not None:
            rows_before = party_rows(contract)
            _set_parties(contract, parties)
            if (rows_after := party_rows(contract)) != rows_before:
                changes["parties"] = [rows_before, rows_after]
        record_event(
            actor=actor,
            action="contract.update",
            obj=contract,
            organisation=contract.organisation,
            changes=changes,
        )
    return contract


def attach_signed_contract(*, actor: User, contract_id: int, upload: UploadedFile) -> Contract:
    """Store the signed contract PDF (checked by content) on a draft or refused contract."""
    check_uploaded_file(upload, name=upload.name or "", size=upload.size or 0, allowed=frozenset({"pdf"}))
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        if not is_member(actor, contract.organisation_id) and not actor.is_platform_admin:
            raise DomainError(Errors.NOT_FOUND)
        if contract.status not in EDITABLE_STATES:
            raise DomainError(ContractErrors.NOT_EDITABLE)
        contract.file.save(f"contract-{contract.pk}.pdf", upload, save=False)
        contract.save(update_fields=["file", "updated_at"])
        record_event(
            actor=actor,
            action="contract.attach",
            obj=contract,
            organisation=contract.organisation,
            changes={"file": [None, upload.name]},
        )
    return contract


# --- workflow -------------------------------------------------------------------------------------


def awaits_verification(c: Contract) -> bool:
    """Its organisation is not verified yet, so `submit_contract` refuses it (`ORG_NOT_VERIFIED`): the
    contract page offers no Submit then and tells the organisation's members why."""
    return c.organisation.status != OrganisationStatus.VERIFIED


def submit_contract(*, actor: User, contract_id: int) -> Contract:
    """Send a draft (or refused) contract to the registration point of the seller's region.

    Preconditions: actor is a member of the verified seller organisation; parties complete; the signed
    PDF attached; a registration point exists. Side effect: the related-party checks run again and
    replace the contract's flags.
    """

    def guard(c: Contract) -> None:
        if not is_member(actor, c.organisation_id) and not actor.is_platform_admin:
            raise DomainError(Errors.NOT_FOUND)
        if awaits_verification(c):
            raise organisation_refusal(ContractErrors.ORG_NOT_VERIFIED, actor, c.organisation)
        if not c.file:
            raise DomainError(ContractErrors.FILE_MISSING, details={"field": "file"})
        # Drafts saved before the signing-date checks existed are checked again here.
        if (problem := signing_problem(c.signed_on, c.term_start)) is not None:
            raise problem
        if c.deal_id is not None:
            # Lock the deal: a cancellation at the same moment (which checks for submitted contracts
            # under this lock) either happened before and is seen here, or waits and then refuses.
            deal = Deal.objects.select_for_update(of=("self",)).get(pk=c.deal_id)
            if deal.status != DealStatus.AGREED:
                raise DomainError(ContractErrors.DEAL_NOT_AGREED, details={"field": "deal"})
        roles = set(c.parties.values_list("role", flat=True))
        if not {PartyRole.SELLER, PartyRole.BUYER} <= roles or c.seller_region is None:
            raise DomainError(ContractErrors.PARTIES)
        point = registration_point_for(c.seller_region)
        if point is None:
            raise DomainError(ContractErrors.NO_REGISTRATION_POINT)
        c.registration_point = point

    def update(c: Contract) -> Iterable[str]:
        c.submitted_at = timezone.now()
        c.decision_reason = ""
        return ["registration_point", "submitted_at", "decision_reason"]

    with transaction.atomic():
        contract = CONTRACT_WORKFLOW.apply(
            pk=contract_id,
            action="submit",
            actor=actor,
            guard=guard,
            update=update,
            organisation=lambda c: c.organisation,
        )
        antifraud.flag_contract(contract)
        notices.submitted(contract, actor)
    return contract


def may_register(user: User, contract: Contract) -> bool:
    """Registration officials: government reviewers whose jurisdiction covers the seller's region."""
    return contract.seller_region_id is not None and may_act_on_region(
        user, contract.seller_region_id, roles=(Role.GOV_REVIEWER,)
    )


def decides_own_contract(user: User, contract: Contract) -> bool:
    """Does `user` belong to the organisation that files `contract` or to one of its parties? Such a
    registration official may see it but not decide it (`core.roles.decides_own`)."""
    ids = {contract.organisation_id}
    ids.update(contract.parties.exclude(organisation=None).values_list("organisation_id", flat=True))
    return any(decides_own(user, pk) for pk in ids if pk is not None)


def _decider_guard(actor: User) -> Callable[[Contract], None]:
    """Registration officials of the contract's seller region (else not found) who are not of its
    organisations (else `own_organisation`)."""

    def guard(c: Contract) -> None:
        if not may_register(actor, c):
            raise DomainError(Errors.NOT_FOUND)
        if decides_own_contract(actor, c):
            raise DomainError(Errors.OWN_ORGANISATION)

    return guard


def _clean_checklist(checklist: Mapping[str, Any]) -> dict[str, bool]:
    return {k: bool(checklist.get(k)) for k in CHECKLIST_KEYS}


def unconfirmed_conditions(checklist: Mapping[str, Any]) -> list[str]:
    """The recognition conditions (`CHECKLIST_KEYS`, in their order) that `checklist` does not
    confirm: `register_contract` refuses a registration while any is left."""
    return [k for k, confirmed in _clean_checklist(checklist).items() if not confirmed]


def register_contract(*, actor: User, contract_id: int, checklist: Mapping[str, Any], comment: str = "") -> Contract:
    """Register a submitted contract: every recognition condition confirmed, number assigned.

    The checklist is stored with the decision. The number comes from the locked counter of the
    registration point and the current year (see `next_contract_number`).
    """
    clean = _clean_checklist(checklist)

    def guard(c: Contract) -> None:
        _decider_guard(actor)(c)
        if missing := unconfirmed_conditions(clean):
            raise DomainError(ContractErrors.CHECKLIST, details={"missing": missing})

    def update(c: Contract) -> Iterable[str]:
        now = timezone.now()
        point = Organisation.objects.get(pk=c.registration_point_id or 0)
        c.registration_number = next_contract_number(point_code=point.region_id, year=timezone.localdate(now).year)
        c.registered_at = now
        c.decided_by = actor
        c.checklist = clean
        c.decision_reason = comment
        return ["registration_number", "registered_at", "decided_by", "checklist", "decision_reason"]

    return _decide(contract_id, "register", actor, guard, update, comment)


def _decide(
    contract_id: int,
    action: str,
    actor: User,
    guard: Callable[[Contract], None],
    update: Callable[[Contract], Iterable[str]],
    comment: str,
) -> Contract:
    """Register or refuse, and tell the applicant (`notices.decided`) in the same transaction."""
    with transaction.atomic():
        contract = CONTRACT_WORKFLOW.apply(
            pk=contract_id,
            action=action,
            actor=actor,
            guard=guard,
            update=update,
            organisation=lambda c: c.organisation,
            comment=comment,
        )
        notices.decided(contract, actor, action)
    return contract


def refuse_contract(
    *, actor: User, contract_id: int, reason: str, checklist: Mapping[str, Any] | None = None
) -> Contract:
    """Refuse a submitted contract with a reason (and the checklist as examined)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(ContractErrors.REASON_REQUIRED, details={"field": "reason"})

    guard = _decider_guard(actor)

    def update(c: Contract) -> Iterable[str]:
        c.decided_by = actor
        c.checklist = _clean_checklist(checklist or {})
        c.decision_reason = reason
        return ["decided_by", "checklist", "decision_reason"]

    return _decide(contract_id, "refuse", actor, guard, update, reason)


def amend_contract(
    *, actor: User, contract_id: int, changes: Mapping[str, Any], reason: str, confirm_amount: bool = False
) -> ContractAmendment:
    """Change the figures of a registered contract (registration officials only), keeping history.

    A new contract amount other than the linked deal's agreed amount (with no deal: unusual) is refused
    unless `confirm_amount` (as when the contract was drafted). Writes a `ContractAmendment` with the
    values that changed (as numbers for the amounts: 0 and 0.00 are not a change) and an audit event; the
    contract row holds the new current values, which statistics and subsidies read.
    """
    reason = reason.strip()
    if not reason:
        raise DomainError(ContractErrors.REASON_REQUIRED, details={"field": "reason"})
    wanted = {k: v for k, v in changes.items() if k in AMENDABLE_FIELDS}
    with transaction.atomic():
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=contract_id)
            .first()
        )
        if contract is None:
            raise DomainError(Errors.NOT_FOUND)
        _decider_guard(actor)(contract)
        if contract.status != S.REGISTERED:
            raise DomainError(Errors.INVALID_TRANSITION, details={"action": "amend", "state": contract.status})
        merged = {**snapshot(contract, DATA_FIELDS), **wanted}
        for name in ("contract_amount", "non_technical_costs", "carrier_costs"):
            merged[name] = Decimal(str(merged[name]))
        for name in ("term_start", "term_end", "signed_on"):
            if isinstance(merged.get(name), str):
                merged[name] = datetime.date.fromisoformat(merged[name])
        _check_data(merged, signing=False)
        wanted = _money(wanted)
        if "contract_amount" in wanted and wanted["contract_amount"] != contract.contract_amount:
            _check_amount(contract.deal_id, wanted["contract_amount"], confirmed=confirm_amount)
        tracked = [*AMENDABLE_FIELDS, "technology_amount"]
        before = snapshot(contract, tracked)
        for k, v in wanted.items():
            setattr(contract, k, v)
        contract.technology_amount = technology_amount(
            contract.contract_amount, contract.non_technical_costs, contract.carrier_costs
        )
        after = snapshot(contract, tracked)
        changed = diff(before, after)
        if not changed:
            raise DomainError(Errors.VALIDATION, details={"field": "reason"})
        contract.save(update_fields=[*tracked, "updated_at"])
        amendment = ContractAmendment.objects.create(
            contract=contract,
            kind=AmendmentKind.AMEND,
            before={k: v[0] for k, v in changed.items()},
            after={k: v[1] for k, v in changed.items()},
            reason=reason,
            actor=actor,
        )
        record_event(
            actor=actor,
            action="contract.amend",
            obj=contract,
            organisation=contract.organisation,
            changes=changed,
            comment=reason,
        )
    return amendment


def cancel_contract(*, actor: User, contract_id: int, reason: str) -> Contract:
    """Cancel a registration (注销): status cancelled, a `ContractAmendment` of kind cancel, an event.

    Cancelled contracts leave the statistics; the number stays reserved.
    """
    reason = reason.strip()
    if not reason:
        raise DomainError(ContractErrors.REASON_REQUIRED, details={"field": "reason"})

    guard = _decider_guard(actor)

    def update(c: Contract) -> Iterable[str]:
        ContractAmendment.objects.create(
            contract=c,
            kind=AmendmentKind.CANCEL,
            before={"status": S.REGISTERED.value},
            after={"status": S.CANCELLED.value},
            reason=reason,
            actor=actor,
        )
        c.decision_reason = reason
        return ["decision_reason"]

    return CONTRACT_WORKFLOW.apply(
        pk=contract_id,
        action="cancel",
        actor=actor,
        guard=guard,
        update=update,
        organisation=lambda c: c.organisation,
        comment=reason,
    )
