import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techtransfer.achievements.demo import load_demo_achievements
from techtransfer.core.choices import Role
from techtransfer.core.models import Organisation, User
from techtransfer.web.demo import ORGS, PEOPLE, demo_uscc, load_demo

# The demo organisations that hold achievements, and who imports them (their org admins).
HOLDERS = ("univ", "inst", "ent", "hospital")


class Command(BaseCommand):
    help = (
        "Load the demo achievements (real CSL / FewCLUE paper metadata) into the demo organisations "
        "and publish them. Idempotent; loads the demo organisations first if needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="At most this many papers from each source file.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        load_demo()
        specs = {spec.key: spec for spec in ORGS}
        admins = {p.org: p.username for p in PEOPLE if p.role == Role.ORG_ADMIN}
        orgs = {key: Organisation.objects.select_related("region").get(uscc=demo_uscc(specs[key])) for key in HOLDERS}
        key_of = {org.pk: key for key, org in orgs.items()}

        def actor_for(org: Organisation) -> User:
            return User.objects.get(username=admins[key_of[org.pk]])

        created = load_demo_achievements(organisations=list(orgs.values()), actor_for=actor_for, limit=options["limit"])
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"demo achievements: {created} created in {elapsed:.1f} s"))
