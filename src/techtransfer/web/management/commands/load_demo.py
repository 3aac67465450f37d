from typing import Any

from django.core.management.base import BaseCommand

from techtransfer.web.demo import DEMO_PASSWORD, accounts_table, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and people (idempotent) and print the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        self.stdout.write(self.style.SUCCESS(f"demo data loaded (new: {created})"))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts — password for all: {DEMO_PASSWORD}")
        for username, role, org in accounts_table():
            self.stdout.write(f"  {username:<18} {role:<12} {org}")
