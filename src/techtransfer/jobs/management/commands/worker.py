"""Run the django-tasks database worker and keep a heartbeat row fresh while it runs."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from techtransfer.jobs.models import WorkerHeartbeat
from techtransfer.jobs.periodic import loops, run_due, run_loop

HEARTBEAT_SECONDS = 5.0
logger = logging.getLogger(__name__)


# How often the heartbeat looks for periodic work that is due (each function keeps its own interval,
# `jobs.periodic.register`; the search catch-up's is a minute). A few queries per round.
PERIODIC_SECONDS = 60.0


def _beat(worker_id: str, started: Any, stop: threading.Event) -> None:
    last_periodic = 0.0
    while not stop.is_set():
        if time.monotonic() - last_periodic >= PERIODIC_SECONDS:
            last_periodic = time.monotonic()
            try:
                run_due()
            except Exception:  # maintenance must never stop the heartbeat
                logger.warning("periodic maintenance failed", exc_info=True)
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "hostname": socket.gethostname()[:200],
                    "pid": os.getpid(),
                    "started_at": started,
                    "last_seen": timezone.now(),
                },
            )
        except Exception:  # a locked SQLite file must not kill the heartbeat; try again next beat
            logger.warning("worker heartbeat failed", exc_info=True)
        finally:
            close_old_connections()
        stop.wait(HEARTBEAT_SECONDS)


class Command(BaseCommand):
    help = "Run the background worker (django-tasks database backend) with a heartbeat for /healthz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:8]}"
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id, timezone.now(), stop), daemon=True)
        beat.start()
        if not options["batch"]:  # background loops (e.g. embedding for the re-ranking stage)
            for loop in loops():
                threading.Thread(target=run_loop, args=(loop, stop), name=loop.name, daemon=True).start()
        try:
            worker_args = ["--interval", str(options["interval"]), "--worker-id", worker_id, "--no-reload"]
            if options["batch"]:
                worker_args.append("--batch")
            call_command("db_worker", *worker_args)
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
