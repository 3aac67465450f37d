"""Periodic maintenance (reminders, expiry) run by the worker, at most once per interval across workers.

Apps register a function with `register(name, every)`; the worker's heartbeat thread calls
`run_due()` every few minutes. A `PeriodicRun` row per name, updated with a conditional UPDATE,
makes sure two workers never run the same thing in the same interval.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from techtransfer.jobs.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: datetime.timedelta
    fn: Callable[[], object]


_REGISTRY: dict[str, Periodic] = {}


def register(name: str, every: datetime.timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def decorator(fn: Callable[[], object]) -> Callable[[], object]:
        _REGISTRY[name] = Periodic(name=name, every=every, fn=fn)
        return fn

    return decorator


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Run every registered function whose interval has passed; returns the names that ran."""
    now = now or timezone.now()
    ran: list[str] = []
    for p in _REGISTRY.values():
        PeriodicRun.objects.get_or_create(name=p.name, defaults={"last_run_at": None})
        claimed = PeriodicRun.objects.filter(
            Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - p.every), name=p.name
        ).update(last_run_at=now)
        if claimed != 1:
            continue
        try:
            p.fn()
        except Exception:
            logger.exception("periodic %s failed", p.name)
        ran.append(p.name)
    return ran
