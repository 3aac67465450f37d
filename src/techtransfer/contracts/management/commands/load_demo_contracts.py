from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techtransfer.contracts.demo import load_demo_contracts


class Command(BaseCommand):
    help = "Create demo technology contracts between the demo organisations (idempotent, marked demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=40)

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_contracts(options["count"])
        self.stdout.write(self.style.SUCCESS(f"demo contracts: {created} created"))
