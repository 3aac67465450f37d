"""Who may see a job: the person who started it, and platform admins."""

from __future__ import annotations

from django.db.models import QuerySet

from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import User
from techtransfer.jobs.models import Job


def jobs_visible_to(user: User) -> QuerySet[Job]:
    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_platform_admin:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def get_job_for_user(user: User, pk: int) -> Job:
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise DomainError(Errors.NOT_FOUND)
    return job
