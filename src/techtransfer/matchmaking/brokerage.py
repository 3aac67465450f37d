"""What a later app adds to a broker's numbers, without matchmaking importing it (ADR 0030, addendum).

Brokers belong to matchmaking (the brokers page, the rules of who is a broker and who rates one), but
the technology market's deals may name a broker too. The market registers a counter of the deals each
broker brokers and of their ratings (`market.apps`); the brokers page adds them to the inquiries'
numbers (`selectors.broker_numbers`). Same pattern as `market.hooks`, the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class BrokeredDeals:
    """One broker's market deals by status, and the parties' ratings of them (sum of the stars, how many)."""

    negotiating: int = 0
    agreed: int = 0
    cancelled: int = 0
    rating_sum: int = 0
    ratings: int = 0

    def __add__(self, other: BrokeredDeals) -> BrokeredDeals:
        return BrokeredDeals(
            negotiating=self.negotiating + other.negotiating,
            agreed=self.agreed + other.agreed,
            cancelled=self.cancelled + other.cancelled,
            rating_sum=self.rating_sum + other.rating_sum,
            ratings=self.ratings + other.ratings,
        )


DealCounter = Callable[[], Mapping[int, BrokeredDeals]]
_counters: list[DealCounter] = []


def on_broker_deals(counter: DealCounter) -> DealCounter:
    """Register `counter()`: the deals of each broker (by user id) that it knows of. Idempotent."""
    if counter not in _counters:
        _counters.append(counter)
    return counter


def brokered_deals() -> dict[int, BrokeredDeals]:
    """Every registered counter's numbers, summed per broker (user id)."""
    out: dict[int, BrokeredDeals] = {}
    for counter in _counters:
        for broker_id, numbers in counter().items():
            out[broker_id] = out.get(broker_id, BrokeredDeals()) + numbers
    return out
