import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techtransfer.achievements.reports import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail the owners of funded projects whose achievement report is overdue "
        "(at most one reminder per project and day; safe to run repeatedly, e.g. daily from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", type=int, help="Only this programme (id).")
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        result = send_reminders(actor=None, programme_id=options["programme"], today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"reminders sent: {result.sent}; already reminded today: {result.already_today}; "
                f"without recipients: {result.no_recipients}"
            )
        )
