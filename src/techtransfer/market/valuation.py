"""Valuation aid for equity investment (作价投资): income, cost and market approaches.

Pure Decimal arithmetic so that results are exact and reproducible; amounts in 10,000 yuan (万元)
and rates as fractions (0.05 = 5 %). The result is an aid for negotiation, not an asset appraisal
report (评估辅助，非资产评估报告): it only restates the user's assumptions.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IncomeYear:
    year: int
    revenue: Decimal
    royalty: Decimal  # revenue × royalty rate × technology share
    discount_factor: Decimal  # 1 / (1 + r)^year
    present_value: Decimal


@dataclass(frozen=True)
class IncomeResult:
    years: list[IncomeYear]
    value: Decimal


def income_approach(
    *, revenues: Sequence[Decimal], royalty_rate: Decimal, technology_share: Decimal, discount_rate: Decimal
) -> IncomeResult:
    """Σ revenue_t × royalty rate × technology share / (1 + discount rate)^t for t = 1 … n.

    Intermediate values keep 28 significant digits; each year's present value and the total are
    rounded half-up to 0.01 万元 only at the end (the total is the rounded exact sum, not the sum of
    rounded years).
    """
    if discount_rate <= -1:
        raise ValueError("discount rate must be above -100 %")
    rows: list[IncomeYear] = []
    total = Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 28
        for t, revenue in enumerate(revenues, start=1):
            royalty = revenue * royalty_rate * technology_share
            factor = Decimal(1) / (Decimal(1) + discount_rate) ** t
            pv = royalty * factor
            total += pv
            rows.append(IncomeYear(t, revenue, money(royalty), factor.quantize(Decimal("0.000001")), money(pv)))
    return IncomeResult(years=rows, value=money(total))


def cost_approach(*, replacement_cost: Decimal, obsolescence: Decimal) -> Decimal:
    """Replacement cost × (1 − obsolescence rate), rounded to 0.01 万元."""
    return money(replacement_cost * (Decimal(1) - obsolescence))


@dataclass(frozen=True)
class MarketResult:
    comparables: list[Decimal] = field(default_factory=list)
    median: Decimal | None = None


def market_approach(comparables: Sequence[Decimal]) -> MarketResult:
    """The median amount of comparable agreed deals (same industry and mode) on the platform."""
    values = sorted(comparables)
    if not values:
        return MarketResult()
    return MarketResult(comparables=values, median=money(Decimal(statistics.median(values))))


@dataclass(frozen=True)
class ValuationInput:
    subject: str
    revenues: list[Decimal]
    royalty_rate: Decimal
    technology_share: Decimal
    discount_rate: Decimal
    replacement_cost: Decimal | None
    obsolescence: Decimal
    industry: str = ""
    mode: str = ""


@dataclass(frozen=True)
class ValuationSheet:
    inputs: ValuationInput
    income: IncomeResult
    cost: Decimal | None
    market: MarketResult


def valuate(inputs: ValuationInput, comparables: Sequence[Decimal]) -> ValuationSheet:
    cost = (
        cost_approach(replacement_cost=inputs.replacement_cost, obsolescence=inputs.obsolescence)
        if inputs.replacement_cost is not None
        else None
    )
    return ValuationSheet(
        inputs=inputs,
        income=income_approach(
            revenues=inputs.revenues,
            royalty_rate=inputs.royalty_rate,
            technology_share=inputs.technology_share,
            discount_rate=inputs.discount_rate,
        ),
        cost=cost,
        market=market_approach(comparables),
    )
