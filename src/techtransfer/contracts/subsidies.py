"""Subsidies for registered contracts under a configurable `SubsidyRule`.

Base: the technology transaction amount (技术交易额) of each registered contract, never the contract
amount. For each eligible beneficiary (buyer, seller, intermediary) of a contract:
    project amount = min(round(rate × base, 2 decimals, half-up), per-project cap);
then, per beneficiary organisation, role and registration year, contracts are taken in registration
order (registered_at, pk) and each receives what is left under the per-unit-year cap:
    granted = min(project amount, unit-year cap − granted so far).
All arithmetic is `Decimal`; the result does not depend on the order of the query, only on the
registration order. Beneficiaries are identified by credit code, else by name. Only contracts in
status registered count, with their current (amended) figures; cancelled ones drop out.

Eligibility (the Jiangxi 2020 online-trade rule shipped as the example): the buyer share when the
buyer's region is in the rule's province; the seller share when the seller is and, if
`seller_requires_local_buyer`, the buyer too; the agency share when the intermediary is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from techtransfer.contracts.amounts import CENT
from techtransfer.contracts.choices import ContractStatus, PartyRole
from techtransfer.contracts.models import Contract, ContractParty, SubsidyRule


@dataclass(frozen=True)
class Share:
    contract_id: int
    role: str
    party_name: str
    identity: str
    base: Decimal
    rate: Decimal
    project_amount: Decimal
    granted: Decimal

    @property
    def capped_by_unit_year(self) -> bool:
        return self.granted < self.project_amount

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True)
class UnitYear:
    identity: str
    name: str
    role: str
    contracts: int
    project_total: Decimal
    granted: Decimal
    cap: Decimal

    @property
    def role_label(self) -> str:
        return role_label(self.role)


def role_label(role: str) -> str:
    """买方 / Buyer: the party role in the page's language (the stored value otherwise)."""
    return str(PartyRole(role).label) if role in PartyRole.values else role


def rule_for(year: int, province_code: str) -> SubsidyRule | None:
    return (
        SubsidyRule.objects.filter(is_active=True, province_code=province_code, year_from__lte=year)
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
        .order_by("-year_from", "-pk")
        .first()
    )


def _local(party: ContractParty | None, province: str) -> bool:
    if party is None or party.country != "CHN" or not party.region_id:
        return False
    return party.region_id.startswith(province)


def _terms(rule: SubsidyRule, role: str) -> tuple[Decimal, Decimal, Decimal]:
    if role == PartyRole.BUYER:
        return rule.buyer_rate, rule.buyer_project_cap, rule.buyer_unit_year_cap
    if role == PartyRole.SELLER:
        return rule.seller_rate, rule.seller_project_cap, rule.seller_unit_year_cap
    return rule.agency_rate, rule.agency_project_cap, rule.agency_unit_year_cap


def eligible_roles(rule: SubsidyRule, parties: dict[str, ContractParty]) -> list[str]:
    p = rule.province_code
    buyer, seller, agency = (
        parties.get(PartyRole.BUYER),
        parties.get(PartyRole.SELLER),
        parties.get(PartyRole.INTERMEDIARY),
    )
    out = []
    if _local(buyer, p):
        out.append(PartyRole.BUYER.value)
    if _local(seller, p) and (not rule.seller_requires_local_buyer or _local(buyer, p)):
        out.append(PartyRole.SELLER.value)
    if _local(agency, p):
        out.append(PartyRole.INTERMEDIARY.value)
    return out


def project_amount(rule: SubsidyRule, role: str, base: Decimal) -> Decimal:
    rate, project_cap, _unit = _terms(rule, role)
    return min((base * rate).quantize(CENT, rounding=ROUND_HALF_UP), project_cap)


def compute(rule: SubsidyRule, year: int) -> tuple[list[Share], list[UnitYear]]:
    """Every share of every contract registered in `year`, and the totals per unit, role and year."""
    contracts = list(
        Contract.objects.filter(status=ContractStatus.REGISTERED, registered_at__year=year)
        .prefetch_related("parties")
        .order_by("registered_at", "pk")
    )
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    shares: list[Share] = []
    units: dict[tuple[str, str], dict[str, object]] = {}
    for c in contracts:
        parties = {p.role: p for p in c.parties.all()}
        for role in eligible_roles(rule, parties):
            party = parties[role]
            rate, _project_cap, unit_cap = _terms(rule, role)
            wanted = project_amount(rule, role, c.technology_amount)
            key = (role, party.identity)
            granted = max(min(wanted, unit_cap - used[key]), Decimal("0.00"))
            used[key] += granted
            shares.append(
                Share(
                    contract_id=c.pk,
                    role=role,
                    party_name=party.name,
                    identity=party.identity,
                    base=c.technology_amount,
                    rate=rate,
                    project_amount=wanted,
                    granted=granted,
                )
            )
            u = units.setdefault(
                key, {"name": party.name, "contracts": 0, "project_total": Decimal("0.00"), "cap": unit_cap}
            )
            u["contracts"] = int(u["contracts"]) + 1  # type: ignore[call-overload]
            u["project_total"] = u["project_total"] + wanted  # type: ignore[operator]
    totals = [
        UnitYear(
            identity=identity,
            name=str(u["name"]),
            role=role,
            contracts=int(u["contracts"]),  # type: ignore[call-overload]
            project_total=u["project_total"],  # type: ignore[arg-type]
            granted=used[(role, identity)],
            cap=u["cap"],  # type: ignore[arg-type]
        )
        for (role, identity), u in units.items()
    ]
    totals.sort(key=lambda t: (-t.granted, t.role, t.identity))
    return shares, totals


def contract_shares(contract: Contract) -> list[Share]:
    """The shares of one registered contract under the rule of its seller's province and year."""
    if contract.status != ContractStatus.REGISTERED or contract.registered_at is None or not contract.seller_region_id:
        return []
    from django.utils import timezone

    year = timezone.localtime(contract.registered_at).year
    rule = rule_for(year, contract.seller_region_id[:2])
    if rule is None:
        return []
    shares, _units = compute(rule, year)
    return [s for s in shares if s.contract_id == contract.pk]
