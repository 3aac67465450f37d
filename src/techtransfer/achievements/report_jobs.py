"""The `reports.remind_overdue` job: reminders for overdue project reports, with progress."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.reports import send_reminders
from techtransfer.core.models import User
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobContext


@register("reports.remind_overdue", _("Remind owners of overdue project reports"))
def remind_overdue(ctx: JobContext) -> dict[str, Any]:
    """Params: `programme_id` (optional for the system and platform admins) and `date` (ISO, optional).

    Started by a person, the job acts with that person's permissions; started without one (the
    scheduler), it reminds across every programme.
    """
    actor = User.objects.get(pk=ctx.job.created_by_id) if ctx.job.created_by_id else None
    raw_programme = ctx.params.get("programme_id")
    programme_id = int(str(raw_programme)) if raw_programme not in (None, "") else None
    raw_date = ctx.params.get("date")
    today = datetime.date.fromisoformat(str(raw_date)) if raw_date else None

    def progress(done: int, total: int) -> None:
        ctx.progress(done, total, f"{done}/{total}")
        if done % 50 == 0:
            ctx.check_cancelled()

    result = send_reminders(actor=actor, programme_id=programme_id, today=today, progress=progress)
    ctx.log(
        lambda: (
            str(_("Reminders sent: %(sent)d, already reminded today: %(today)d, without recipients: %(none)d"))
            % {"sent": result.sent, "today": result.already_today, "none": result.no_recipients}
        )
    )
    return result.as_dict()
