"""Related-party checks that flag a contract for the registration officials' attention.

Three findings (each one `ContractFlag` row, recomputed on every submission):
- same controlling organisation: seller and buyer share a `controlling_organisation`, or one controls
  the other;
- shared legal representative: the same person (name compared after stripping spaces) represents both;
- circular deal: another submitted or registered contract goes the other way (its seller is this
  buyer and its buyer this seller) and was signed within `CONTRACTS_CIRCULAR_WINDOW_DAYS` days
  (setting, default 365) of this one. Parties are matched by credit code, else by name.
A flag does not refuse anything: it asks the official to examine the deal (checklist item
"related_parties").
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from techtransfer.contracts.choices import ContractStatus, FlagKind, PartyRole
from techtransfer.contracts.models import Contract, ContractFlag, ContractParty

DEFAULT_WINDOW_DAYS = 365


def window_days() -> int:
    return int(getattr(settings, "CONTRACTS_CIRCULAR_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))  # env, see settings


def _same_person(a: str, b: str) -> bool:
    a, b = "".join(a.split()), "".join(b.split())
    return bool(a) and a == b


def _party_q(role: str, party: ContractParty) -> Q:
    if party.uscc:
        return Q(parties__role=role, parties__uscc=party.uscc)
    return Q(parties__role=role, parties__name=party.name.strip())


def reverse_deals(contract: Contract, seller: ContractParty, buyer: ContractParty, days: int) -> QuerySet[Contract]:
    """Submitted or registered contracts from this buyer to this seller within `days` of signing."""
    delta = datetime.timedelta(days=days)
    return (
        Contract.objects.filter(
            status__in=[ContractStatus.SUBMITTED, ContractStatus.REGISTERED],
            signed_on__gte=contract.signed_on - delta,
            signed_on__lte=contract.signed_on + delta,
        )
        .exclude(pk=contract.pk)
        .filter(_party_q(PartyRole.SELLER, buyer))
        .filter(_party_q(PartyRole.BUYER, seller))
        .distinct()
    )


def findings(contract: Contract) -> list[ContractFlag]:
    """The flags this contract deserves now (unsaved)."""
    parties = {p.role: p for p in contract.parties.all()}
    seller, buyer = parties.get(PartyRole.SELLER), parties.get(PartyRole.BUYER)
    if seller is None or buyer is None:
        return []
    out: list[ContractFlag] = []
    s_ctrl, b_ctrl = seller.controlling_organisation_id, buyer.controlling_organisation_id
    if (
        (s_ctrl is not None and s_ctrl == b_ctrl)
        or (s_ctrl is not None and s_ctrl == buyer.organisation_id)
        or (b_ctrl is not None and b_ctrl == seller.organisation_id)
    ):
        out.append(
            ContractFlag(
                contract=contract,
                kind=FlagKind.SAME_CONTROLLER,
                detail=f"{seller.name} / {buyer.name}",
            )
        )
    if _same_person(seller.legal_representative, buyer.legal_representative):
        out.append(
            ContractFlag(
                contract=contract,
                kind=FlagKind.SHARED_REPRESENTATIVE,
                detail=seller.legal_representative.strip(),
            )
        )
    days = window_days()
    for other in reverse_deals(contract, seller, buyer, days)[:5]:
        out.append(
            ContractFlag(
                contract=contract,
                kind=FlagKind.CIRCULAR,
                # No words here: the page says the days between the signings in its own language.
                detail=f"{buyer.name} → {seller.name} ({other.signed_on.isoformat()})",
                related_contract=other,
            )
        )
    return out


def flag_contract(contract: Contract) -> list[ContractFlag]:
    """Replace the contract's flags by the current findings. Call inside the submitting transaction."""
    ContractFlag.objects.filter(contract=contract).delete()
    return ContractFlag.objects.bulk_create(findings(contract))
