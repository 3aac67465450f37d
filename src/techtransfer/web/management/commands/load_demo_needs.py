import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techtransfer.web.demo import load_demo_need_records


class Command(BaseCommand):
    help = (
        "Load the demo technology needs (real problem statements from CSL abstracts) into the demo enterprise "
        "and publish them. Idempotent; loads the demo organisations first if needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="At most this many problem statements.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        created = load_demo_need_records(limit=options["limit"])
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"demo needs: {created} created in {elapsed:.1f} s"))
