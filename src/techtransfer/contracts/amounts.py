"""The technology transaction amount (技术交易额) rule, in one place.

《技术合同认定登记管理办法》 and 《技术合同认定规则》: the technology transaction amount is the contract
amount minus the non-technical costs (purchase of equipment, instruments, parts, raw materials and the
like); however the direct cost of a reasonable quantity of subject-matter items that carry the
technology (合理数量标的物的直接成本 — the "reasonable-carrier" rule: prototypes, samples, a first batch of
seed, a licensed chip design's test wafers) is NOT a non-technical cost and stays in the technology
transaction amount.

So the declaration is: contract amount A; non-technical costs N (everything bought that is not
technology, as listed in the contract); of which carrier costs C (reasonable-quantity carriers, with a
written justification). Then 技术交易额 T = A − (N − C). Validation: A > 0, 0 ≤ C ≤ N ≤ A, and C > 0
needs a justification. Hence 0 ≤ T ≤ A always. Amounts are yuan with two decimals, exact `Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountProblem:
    field: str
    message: str


def technology_amount(contract_amount: Decimal, non_technical_costs: Decimal, carrier_costs: Decimal) -> Decimal:
    """T = A − (N − C); call `amount_problems` first."""
    return (contract_amount - (non_technical_costs - carrier_costs)).quantize(CENT)


def amount_problems(
    contract_amount: Decimal | None,
    non_technical_costs: Decimal | None,
    carrier_costs: Decimal | None,
    carrier_note: str = "",
) -> list[AmountProblem]:
    """Every rule the three figures break, as (field, message); empty when they are consistent."""
    out: list[AmountProblem] = []
    a = contract_amount
    n = non_technical_costs if non_technical_costs is not None else Decimal(0)
    c = carrier_costs if carrier_costs is not None else Decimal(0)
    if a is None or a <= 0:
        out.append(AmountProblem("contract_amount", str(_("The contract amount must be greater than zero."))))
        return out
    for field, value in (("contract_amount", a), ("non_technical_costs", n), ("carrier_costs", c)):
        if value != value.quantize(CENT):
            out.append(AmountProblem(field, str(_("Amounts have at most two decimals (fen)."))))
    if n < 0:
        out.append(AmountProblem("non_technical_costs", str(_("Non-technical costs cannot be negative."))))
    elif n > a:
        out.append(
            AmountProblem("non_technical_costs", str(_("Non-technical costs cannot be more than the contract amount.")))
        )
    if c < 0:
        out.append(AmountProblem("carrier_costs", str(_("The cost of goods supplied cannot be negative."))))
    elif 0 <= n < c:
        out.append(
            AmountProblem(
                "carrier_costs",
                str(_("Carrier costs are part of the non-technical costs and cannot be more than them.")),
            )
        )
    elif c > 0 and not carrier_note.strip():
        out.append(
            AmountProblem(
                "carrier_note",
                str(_("Explain why the goods supplied are a reasonable quantity (合理数量标的物).")),
            )
        )
    return out
