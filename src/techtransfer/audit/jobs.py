"""Audit export as a background job with progress (CSV, UTF-8 with BOM so spreadsheet tools read Chinese).

The columns are machine names and raw values (`changes` as JSON, as the API gives it), and a last column,
the changes as the log page reads them, headed and written in the language of the person who started
the export (recorded in the job's parameters when it starts, as the achievements exports do)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.access import events_visible_to
from techtransfer.audit.filters import filter_events
from techtransfer.audit.models import AuditEvent
from techtransfer.audit.templatetags.audit_tags import name_related, readable_changes
from techtransfer.core import wording
from techtransfer.core.errors import DomainError
from techtransfer.core.models import User
from techtransfer.core.spreadsheets import FormulaSafeWriter
from techtransfer.jobs.models import Job
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobContext, JobFailed
from techtransfer.jobs.services import start_job

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
# The job's parameter holding the language of its readable column; the others are the filters.
LANGUAGE = "language"


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


def start_export(*, actor: User, filters: Mapping[str, str], language: str) -> Job:
    """Start `audit.export_csv` over the events `actor` may see, filtered by `filters` (checked by the
    caller: `filters.clean_filters`); its readable column in `language`, the starter's page (or API
    request) language."""
    return start_job(actor=actor, kind="audit.export_csv", params={**filters, LANGUAGE: language})


def _write(writer: Any, rows: list[AuditEvent]) -> None:
    """Write a chunk of events: the records their changes name are loaded for the chunk at once
    (`name_related`: one query a related model, not one a row)."""
    name_related(rows)
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
                "\n".join(wording.labelled(label, text) for label, text in readable_changes(e)),
            ]
        )


@register("audit.export_csv", _("Export audit events (CSV)"))
def export_csv(ctx: JobContext) -> dict[str, Any]:
    """Export the events the job's creator may see, filtered by the saved filter parameters, the last
    column in the saved language.

    The events are those that existed when the export started (later ones, such as the audit events
    of this job, are left out), so the count logged first is the number of rows written.
    """
    user = User.objects.get(pk=ctx.job.created_by_id) if ctx.job.created_by_id else None
    if user is None:
        raise JobFailed(_("An export needs the person who started it."))
    params = {k: str(v) for k, v in ctx.params.items() if k != LANGUAGE}
    # An export started before the language was recorded: its owner's (the job runs in it).
    language = str(ctx.params.get(LANGUAGE) or translation.get_language())
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
    writer = FormulaSafeWriter(buf)  # names, comments and changes are typed by users
    with translation.override(language):
        writer.writerow([*COLUMNS, gettext("what changed")])
    done = 0
    for rows in _chunks(qs):
        with translation.override(language):
            _write(writer, rows)
        done += len(rows)
        ctx.check_cancelled()
        ctx.progress(done, total, f"{done}/{total}")
    ctx.progress(total, total, f"{total}/{total}")
    ctx.save_file(f"audit-{timezone.now():%Y%m%d-%H%M%S}.csv", buf.getvalue().encode("utf-8"))
    return {"rows": done}
