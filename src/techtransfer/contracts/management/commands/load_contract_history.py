from typing import Any

from django.core.management.base import BaseCommand

from techtransfer.contracts.history import load
from techtransfer.contracts.models import HistoricalTurnover


class Command(BaseCommand):
    help = "Load (again) the yearbook technology-market turnover series into HistoricalTurnover."

    def handle(self, *args: Any, **options: Any) -> None:
        n = load(HistoricalTurnover)
        self.stdout.write(f"{n} rows")
