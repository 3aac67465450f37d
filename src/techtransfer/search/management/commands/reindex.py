"""`techtransfer reindex`: rebuild the search index from the database, with a progress bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper

from techtransfer.search.services import reindex


def progress_bar(out: OutputWrapper) -> Callable[[int, int | None], None]:
    """A progress callback that draws `[####....] done/total` (one line per call when not a terminal)."""
    tty = sys.stdout.isatty()

    def progress(done: int, total: int | None) -> None:
        total = total or done
        width = 30
        filled = width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        out.write(("\r" + line) if tty else line, ending="" if tty else "\n")
        out.flush()

    return progress


class Command(BaseCommand):
    help = "Rebuild the search index from scratch (the database is the source of truth)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        n = reindex(progress=progress_bar(self.stdout))
        if sys.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {n} documents in {time.perf_counter() - started:.1f} s"))
