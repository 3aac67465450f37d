"""`techtransfer embed_passages`: embed the passages queued for the re-ranking stage now, with a
progress bar (the worker does the same in the background, one thread by default)."""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techtransfer.search.management.commands.reindex import progress_bar
from techtransfer.search.semantic import deep


class Command(BaseCommand):
    help = "Embed every passage waiting for its multilingual-e5-small vector (re-ranking stage, ADR 0024)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="engine threads (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        encoder = deep.ContextualEncoder(threads=max(1, options["threads"]))
        n = deep.fill_pending(encoder, budget=math.inf, progress=progress_bar(self.stdout))
        if sys.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Embedded {n} passages in {time.perf_counter() - started:.1f} s"))
