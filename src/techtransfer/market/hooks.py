"""Checks that later apps add to market transitions, without the market importing them.

The contracts app registers a guard that refuses to cancel a deal whose technology contract is in
registration or registered (`contracts.market_hooks`). A guard raises `DomainError` to refuse.
"""

from __future__ import annotations

from collections.abc import Callable

from techtransfer.core.errors import DomainError
from techtransfer.market.models import Deal

DealGuard = Callable[[Deal], None]
_cancel_guards: list[DealGuard] = []


def on_deal_cancel(guard: DealGuard) -> DealGuard:
    """Register `guard(deal)`; it runs, under the deal's row lock, before a deal is cancelled."""
    if guard not in _cancel_guards:
        _cancel_guards.append(guard)
    return guard


def check_cancel(deal: Deal) -> None:
    for guard in _cancel_guards:
        guard(deal)


def cancel_refusal(deal: Deal) -> DomainError | None:
    """Why `deal` cannot be cancelled now, if a guard says so (for hiding the button)."""
    try:
        check_cancel(deal)
    except DomainError as exc:
        return exc
    return None
