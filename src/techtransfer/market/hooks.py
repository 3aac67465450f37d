"""Checks that later apps add to market transitions and pages, without the market importing them.

The contracts app registers a guard that refuses to cancel a deal whose technology contract is in
registration or registered, and a check that says whether a deal already has its technology contract
(`contracts.market_hooks`). A guard raises `DomainError` to refuse; a holder answers True when the deal
is taken.
"""

from __future__ import annotations

from collections.abc import Callable

from techtransfer.core.errors import DomainError
from techtransfer.market.models import Deal

DealGuard = Callable[[Deal], None]
_cancel_guards: list[DealGuard] = []

DealHolder = Callable[[Deal], bool]
_holders: list[DealHolder] = []


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


def on_deal_held(holder: DealHolder) -> DealHolder:
    """Register `holder(deal)`; it answers True when a later record (a technology contract) already
    carries out the deal, so the deal page offers no second one."""
    if holder not in _holders:
        _holders.append(holder)
    return holder


def is_held(deal: Deal) -> bool:
    """Does a registered holder say `deal` already has its record (for hiding the "register" link)?"""
    return any(holder(deal) for holder in _holders)
