"""Audit export as a background job with progress (CSV, UTF-8 with BOM so spreadsheet tools read Chinese)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.access import events_visible_to
from techtransfer.audit.filters import filter_events
from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobContext, JobFailed

COLUMNS = [
    "time",
    "actor",
    "organisation",
    "action",
    "object_type",
    "object_id",
    "object",
    "changes",
    "comment",
    "request_id",
    "ip",
]


CHUNK = 1000


def _chunks(qs: QuerySet[AuditEvent]) -> Iterator[list[AuditEvent]]:
    """`qs` (ordered by created_at, pk) in lists of CHUNK, each read to the end before it is used.

    Not `qs.iterator()`: it keeps a cursor open across the progress writes, and SQLite refuses a
    write from a connection whose read began before another connection wrote ("database is locked"
    at once, whatever the busy timeout: three exports started together failed that way).
    """
    last: AuditEvent | None = None
    while True:
        page = qs
        if last is not None:
            page = qs.filter(Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, pk__gt=last.pk))
        rows = list(page[:CHUNK])
        if rows:
            yield rows
        if len(rows) < CHUNK:
            return
        last = rows[-1]


@register("audit.export_csv", _("Export audit events (CSV)"))
def export_csv(ctx: JobContext) -> dict[str, Any]:
    """Export the events the job's creator may see, filtered by the saved filter parameters.

    The events are those that existed when the export started (later ones, such as the audit events
    of this job, are left out), so the count logged first is the number of rows written.
    """
    user = User.objects.get(pk=ctx.job.created_by_id) if ctx.job.created_by_id else None
    if user is None:
        raise JobFailed(_("An export needs the person who started it."))
    params = {k: str(v) for k, v in ctx.params.items()}
    try:
        qs = filter_events(events_visible_to(user), params)
    except DomainError as exc:  # parameters saved before they were checked when the export started
        raise JobFailed(_("The export's filters are not valid.")) from exc
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    qs = qs.filter(pk__lte=newest).order_by("created_at", "pk")
    total = qs.count()
    ctx.log(lambda: _("%(n)d events to export") % {"n": total})
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    done = 0
    for rows in _chunks(qs):
        for e in rows:
            writer.writerow(
                [
                    timezone.localtime(e.created_at).isoformat(),
                    e.actor.username if e.actor else "",
                    e.organisation.name if e.organisation else "",
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    json.dumps(e.changes, ensure_ascii=False),
                    e.comment,
                    e.request_id,
                    e.ip or "",
                ]
            )
        done += len(rows)
        ctx.check_cancelled()
        ctx.progress(done, total, f"{done}/{total}")
    ctx.progress(total, total, f"{total}/{total}")
    ctx.save_file(f"audit-{timezone.now():%Y%m%d-%H%M%S}.csv", buf.getvalue().encode("utf-8"))
    return {"rows": done}
