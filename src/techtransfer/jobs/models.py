"""Jobs users can watch, and the worker heartbeat."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.core.languages import for_reader


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

# What the job's page and the API show for a job that failed on an unexpected error (its `message` is
# then empty): the error itself is in the server log and in `Job.error_detail`, for platform admins.
FAILED_MESSAGE = _("The job failed because of an error on our side. It was logged; please try again later.")


class Job(models.Model):
    """A long piece of work a user started (import, export, reindex), with status, percentage and log.

    Created by `jobs.services.start_job`, which enqueues the `run_job` task after commit; the worker
    claims it with a conditional update so a job runs once even if its task is delivered twice.
    """

    Status = JobStatus

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    percentage = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("current step"), max_length=200, blank=True)
    log = models.TextField(_("log"), blank=True)
    # `message` and `log` in every language of the platform ({"en": {"message": ..., "log": ...}}):
    # what the job's page and the API show its reader (`shown_message`, `shown_log`); `message` and
    # `log` are in the owner's language, as the job wrote them (core.languages).
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    # The traceback of an unexpected failure: for platform admins (job page, Django admin), never
    # in `log` or `message`, which the job's owner and the API see.
    error_detail = models.TextField(_("error detail"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def shown_title(self) -> str:
        """The kind's title in the active language (`title` keeps the starter's, as it was started)."""
        from techtransfer.jobs.registry import kinds

        kind = kinds().get(self.kind)
        return str(kind.title) if kind is not None else self.title

    @property
    def shown_message(self) -> str:
        """`message` in the active language (the reader's), or for an unexpected failure the plain
        FAILED_MESSAGE; a job run before `texts` existed shows `message` as it was written."""
        if self.status == JobStatus.FAILED and not self.message:
            return str(FAILED_MESSAGE)
        return str(for_reader(self.texts, {}).get("message", self.message))

    @property
    def shown_log(self) -> str:
        """`log` in the active language (the reader's), else as it was written."""
        return str(for_reader(self.texts, {}).get("log", self.log))


class WorkerHeartbeat(models.Model):
    """Written every few seconds by each running worker so /healthz can tell whether one is alive."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class PeriodicRun(models.Model):
    """When each periodic maintenance function last ran (see jobs.periodic)."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
