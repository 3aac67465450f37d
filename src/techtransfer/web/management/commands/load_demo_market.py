import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techtransfer.web.demo import load_demo_market_records


class Command(BaseCommand):
    help = (
        "List published demo achievements on the technology market, open and agree demo deals and start one "
        "demo auction. Idempotent; run after load_demo_achievements."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-seller", type=int, default=12, help="Listings per demo seller organisation.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        created = load_demo_market_records(per_seller=options["per_seller"])
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{k} {v}" for k, v in created.items())
        self.stdout.write(self.style.SUCCESS(f"demo market: {summary} in {elapsed:.1f} s"))
