"""Periodic maintenance (reminders, expiry) run by the worker, at most once per interval across workers.

Apps register a function with `register(name, every)`; the worker's heartbeat thread calls
`run_due()` every few minutes. A `PeriodicRun` row per name, updated with a conditional UPDATE,
makes sure two workers never run the same thing in the same interval.
"""

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections
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


@dataclass(frozen=True)
class Loop:
    """Background work that runs as long as there is some: `fn` returns how much it did; after a
    round that did nothing the loop waits `idle` seconds."""

    name: str
    fn: Callable[[], int]
    idle: float


_LOOPS: dict[str, Loop] = {}


def register_loop(name: str, idle: float = 5.0) -> Callable[[Callable[[], int]], Callable[[], int]]:
    def decorator(fn: Callable[[], int]) -> Callable[[], int]:
        _LOOPS[name] = Loop(name=name, fn=fn, idle=idle)
        return fn

    return decorator


def loops() -> list[Loop]:
    return list(_LOOPS.values())


def run_loop(loop: Loop, stop: threading.Event) -> None:
    """Run `loop` until `stop` is set (the worker gives each loop a thread of its own)."""
    while not stop.is_set():
        done = 0
        try:
            done = loop.fn()
        except Exception:  # a failing round must not end the loop; try again after the pause
            logger.exception("loop %s failed", loop.name)
        finally:
            close_old_connections()
        if not done:
            stop.wait(loop.idle)


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
