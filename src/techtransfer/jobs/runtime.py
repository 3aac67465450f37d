"""What a job runner gets: progress reporting, a log and a place for its result file."""

from __future__ import annotations

import time

from django.core.files.base import ContentFile
from django.utils import timezone

from techtransfer.jobs.models import Job, JobStatus


class JobCancelled(Exception):
    pass


class JobContext:
    """Handed to a runner. `progress()` writes at most every 0.5 s so large loops stay cheap."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._lines: list[str] = [job.log] if job.log else []
        self._last_write = 0.0

    @property
    def params(self) -> dict[str, object]:
        return dict(self.job.params)

    def log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self._lines.append(f"[{stamp}] {line}")
        self._flush(force=True)

    def progress(self, done: int, total: int, message: str = "") -> None:
        pct = 100 if total <= 0 else min(100, int(done * 100 / total))
        self.job.percentage = pct
        if message:
            self.job.message = message[:200]
        self._flush(force=False)

    def save_file(self, name: str, content: bytes) -> None:
        self.job.result_file.save(name, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)

    def check_cancelled(self) -> None:
        if Job.objects.filter(pk=self.job.pk, status=JobStatus.CANCELLED).exists():
            raise JobCancelled()

    def _flush(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < 0.5:
            return
        self._last_write = now
        self.job.log = "\n".join(self._lines)[-100_000:]
        Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
            percentage=self.job.percentage, message=self.job.message, log=self.job.log
        )
