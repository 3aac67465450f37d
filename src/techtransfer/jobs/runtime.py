"""What a job runner gets: progress reporting, a log and a place for its result file."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone

from techtransfer.core.languages import Text, in_every_language, languages, render, translatable
from techtransfer.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A job's own writes meet a locked SQLite file when another process or thread writes at the same
# moment (three exports started together, the worker's heartbeat, the web). The busy timeout covers
# most of it; what it cannot cover is SQLITE_BUSY_SNAPSHOT, answered at once. These waits (about 6 s
# in all) let the other writer finish before a write that matters is given up.
RETRY_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0, 2.0)


def is_locked(exc: BaseException) -> bool:
    """Is `exc` SQLite's "database is locked" (or "database table is locked")?"""
    return isinstance(exc, OperationalError) and "is locked" in str(exc)


def write_with_retry(write: Callable[[], T], *, what: str) -> T:
    """Run `write` (one autocommit statement, or a short transaction) again while SQLite answers
    "database is locked"; the last attempt's error is raised. Any other error is raised at once.

    Call it outside a transaction and without an open cursor: a retry inside one cannot help.
    """
    for delay in RETRY_DELAYS:
        try:
            return write()
        except OperationalError as exc:
            if not is_locked(exc):
                raise
            logger.warning("%s: database is locked, trying again in %.2f s", what, delay)
            time.sleep(delay)
    return write()


class JobCancelled(Exception):
    pass


class JobFailed(Exception):
    """Raised by a runner for a failure the user can act on; its message is shown to them.

    Any other exception is shown as a plain "the job failed" message; its traceback goes to the
    server log and to the job's `error_detail`, which only platform admins see.
    """

    def __init__(self, message: Text) -> None:
        """`message`: lazy text or a function, to be shown in each reader's language."""
        super().__init__(render(message))
        self.message = message


class JobContext:
    """Handed to a runner. `progress()` writes at most every 0.5 s so large loops stay cheap.

    Progress and log writes are advisory: one that meets a locked database is skipped (the next
    write carries the same state), never the reason a job fails. Write progress between reads, not
    while iterating an open cursor: on SQLite a write from a connection whose read started before
    another connection's write is refused at once (SQLITE_BUSY_SNAPSHOT), whatever the timeout.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._lines: list[str] = [job.log] if job.log else []
        # The same lines and step in each language of the platform, for whoever reads the job's page.
        earlier: dict[str, dict[str, str]] = job.texts or {}
        self._lines_in: dict[str, list[str]] = {}
        self._message_in: dict[str, str] = {}
        for code in languages():
            kept = earlier.get(code, {})
            self._lines_in[code] = [kept["log"]] if kept.get("log") else list(self._lines)
            self._message_in[code] = kept.get("message", job.message)
        self._last_write = 0.0
        self.skipped_writes = 0

    @property
    def params(self) -> dict[str, object]:
        return dict(self.job.params)

    def log(self, line: Text) -> None:
        """Add a line: a function (or lazy text) for one in words, rendered in every language."""
        stamp = timezone.localtime().strftime("%H:%M:%S")
        text = render(line)
        self._lines.append(f"[{stamp}] {text}")
        rendered = _in_each_language(line)
        for code, lines in self._lines_in.items():
            lines.append(f"[{stamp}] {rendered.get(code, text)}")
        self._flush(force=True)

    def progress(self, done: int, total: int, message: Text = "", *, force: bool = False) -> None:
        """`force`: write now (the start of a phase that may take seconds), not only after 0.5 s.
        `message`: the current step, a function (or lazy text) for one in words."""
        pct = 100 if total <= 0 else min(100, int(done * 100 / total))
        self.job.percentage = pct
        if message:
            self.set_message(message)
        self._flush(force=force)

    def set_message(self, message: Text) -> None:
        """Set the current step (not written until the next write)."""
        self.job.message = render(message)[:200]
        rendered = _in_each_language(message)
        for code in self._message_in:
            self._message_in[code] = rendered.get(code, self.job.message)[:200]

    @property
    def texts(self) -> dict[str, dict[str, str]]:
        """The step and the log in each language (`Job.texts`)."""
        return {
            code: {"message": self._message_in[code], "log": "\n".join(lines)[-100_000:]}
            for code, lines in self._lines_in.items()
        }

    def save_file(self, name: str, content: bytes) -> None:
        """Store the result file and record it on the job (retried: the result must not be lost)."""
        self.job.result_file.save(name, ContentFile(content), save=False)
        stored = self.job.result_file.name
        write_with_retry(
            lambda: Job.objects.filter(pk=self.job.pk).update(result_file=stored), what=f"job {self.job.pk} result"
        )

    def check_cancelled(self) -> None:
        if Job.objects.filter(pk=self.job.pk, status=JobStatus.CANCELLED).exists():
            raise JobCancelled()

    @property
    def log_text(self) -> str:
        return "\n".join(self._lines)[-100_000:]

    def _flush(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < 0.5:
            return
        self._last_write = now
        self.job.log = self.log_text
        self.job.texts = self.texts
        try:
            Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
                percentage=self.job.percentage, message=self.job.message, log=self.job.log, texts=self.job.texts
            )
        except OperationalError as exc:
            if not is_locked(exc):
                raise
            # Advisory: the lines stay in memory and go out with the next write (or the final one).
            self.skipped_writes += 1
            logger.warning("job %s: progress not written, database is locked", self.job.pk)


def _in_each_language(text: Text) -> dict[str, str]:
    """`text` in each language of the platform, or nothing when it reads the same in all."""
    return in_every_language(lambda: render(text)) if translatable(text) else {}
