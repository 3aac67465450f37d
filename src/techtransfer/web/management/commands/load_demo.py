import time
from typing import Any

from django.core.management.base import BaseCommand

from techtransfer.web.demo import DEMO_PASSWORD, accounts_table, load_demo
from techtransfer.web.demo_workflows import load_demo_workflows


class Command(BaseCommand):
    help = (
        "Load the demo organisations and people, then a few demo records part-way through their workflows "
        "(drafts, submissions, a review in progress, a returned record; run it after the other demo loaders), "
        "and print the demo accounts. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        self.stdout.write(self.style.SUCCESS(f"demo data loaded (new: {created})"))
        started = time.monotonic()
        made = load_demo_workflows()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{k} {v}" for k, v in made.items())
        self.stdout.write(self.style.SUCCESS(f"demo records in progress: {summary} new in {elapsed:.1f} s"))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts — password for all: {DEMO_PASSWORD}")
        for username, role, org in accounts_table():
            self.stdout.write(f"  {username:<18} {role:<12} {org}")
