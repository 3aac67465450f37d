"""Job kinds. Each app registers its runners (in its `jobs.py`, imported by its AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from techtransfer.jobs.runtime import JobContext

Runner = Callable[["JobContext"], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    title: Promise | str
    runner: Runner


_KINDS: dict[str, JobKind] = {}


def register(name: str, title: Promise | str) -> Callable[[Runner], Runner]:
    def decorator(fn: Runner) -> Runner:
        _KINDS[name] = JobKind(name=name, title=title, runner=fn)
        return fn

    return decorator


def get_kind(name: str) -> JobKind:
    return _KINDS[name]


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
