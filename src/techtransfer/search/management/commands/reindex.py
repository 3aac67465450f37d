"""`techtransfer reindex`: rebuild the search index from the database, with a progress bar."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from techtransfer.search.services import reindex


class Command(BaseCommand):
    help = "Rebuild the search index from scratch (the database is the source of truth)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        tty = sys.stdout.isatty()

        def progress(done: int, total: int | None) -> None:
            total = total or done
            width = 30
            filled = width * done // max(total, 1)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
            self.stdout.write(("\r" + line) if tty else line, ending="" if tty else "\n")
            self.stdout.flush()

        n = reindex(progress=progress)
        if tty:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {n} documents in {time.perf_counter() - started:.1f} s"))
