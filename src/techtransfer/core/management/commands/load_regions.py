from typing import Any

from django.core.management.base import BaseCommand

from techtransfer.core.regions_loader import load_regions


class Command(BaseCommand):
    help = "Load GB/T 2260 administrative divisions from the shipped data file (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = load_regions()
        self.stdout.write(self.style.SUCCESS(f"regions: {count} in file, database up to date"))
