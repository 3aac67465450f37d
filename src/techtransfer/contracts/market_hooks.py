"""What contract registration asks of the market: a deal carried out by a contract that is in
registration or registered cannot be cancelled; cancel (or refuse) the registration first."""

from __future__ import annotations

from techtransfer.contracts.choices import ContractStatus
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract
from techtransfer.core.errors import DomainError
from techtransfer.market.hooks import on_deal_cancel
from techtransfer.market.models import Deal

BLOCKING = (ContractStatus.SUBMITTED, ContractStatus.REGISTERED)


@on_deal_cancel
def deal_without_registered_contract(deal: Deal) -> None:
    if Contract.objects.filter(deal_id=deal.pk, status__in=BLOCKING).exists():
        raise DomainError(ContractErrors.DEAL_HAS_CONTRACT)
