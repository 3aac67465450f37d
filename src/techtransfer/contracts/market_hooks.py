"""What contract registration asks of the market: a deal carried out by a contract that is in
registration or registered cannot be cancelled; cancel (or refuse) the registration first. And a deal
whose contract is not cancelled already has its contract: the deal page offers no second one."""

from __future__ import annotations

from techtransfer.contracts.choices import ContractStatus
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract
from techtransfer.contracts.selectors import contracts_holding_deals
from techtransfer.core.errors import DomainError
from techtransfer.market.hooks import on_deal_cancel, on_deal_held
from techtransfer.market.models import Deal

BLOCKING = (ContractStatus.SUBMITTED, ContractStatus.REGISTERED)


@on_deal_cancel
def deal_without_registered_contract(deal: Deal) -> None:
    if Contract.objects.filter(deal_id=deal.pk, status__in=BLOCKING).exists():
        raise DomainError(ContractErrors.DEAL_HAS_CONTRACT)


@on_deal_held
def deal_held_by_contract(deal: Deal) -> bool:
    return contracts_holding_deals().filter(deal_id=deal.pk).exists()
