"""`techtransfer reindex`: rebuild the search index from the database, with a progress bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from techtransfer.search import services
from techtransfer.search.backends.base import BackendBusy


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

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            type=float,
            default=120.0,
            help="seconds to wait for the index writer while the worker is applying changes (default 120)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["wait"] < 0:
            raise CommandError("--wait: give 0 or more seconds")
        started = time.perf_counter()

        def waiting() -> None:  # the worker holds the writer for a batch of changes (seconds)
            self.stdout.write(f"The index is busy (the worker is writing it); waiting up to {options['wait']:.0f} s…")

        try:
            n = services.reindex_when_free(progress=progress_bar(self.stdout), wait=options["wait"], waiting=waiting)
        except BackendBusy:
            raise CommandError(
                "The search index is being written by another process (the worker applying changes, or another "
                "reindex); try again in a minute."
            ) from None
        if sys.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {n} documents in {time.perf_counter() - started:.1f} s"))
