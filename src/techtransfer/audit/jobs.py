"""Audit export as a background job with progress (CSV, UTF-8 with BOM so spreadsheet tools read Chinese)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.access import events_visible_to
from techtransfer.audit.filters import filter_events
from techtransfer.core.models import User
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobContext

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


@register("audit.export_csv", _("Export audit events (CSV)"))
def export_csv(ctx: JobContext) -> dict[str, Any]:
    """Export the events the job's creator may see, filtered by the saved filter parameters."""
    user = User.objects.get(pk=ctx.job.created_by_id) if ctx.job.created_by_id else None
    if user is None:
        raise ValueError("export needs a user")
    params = {k: str(v) for k, v in ctx.params.items()}
    qs = filter_events(events_visible_to(user), params).order_by("created_at", "pk")
    total = qs.count()
    ctx.log(f"{total} events to export")
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for i, e in enumerate(qs.iterator(chunk_size=1000), start=1):
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
        if i % 200 == 0:
            ctx.check_cancelled()
            ctx.progress(i, total, f"{i}/{total}")
    ctx.progress(total, total, f"{total}/{total}")
    ctx.save_file(f"audit-{timezone.now():%Y%m%d-%H%M%S}.csv", buf.getvalue().encode("utf-8"))
    return {"rows": total}
