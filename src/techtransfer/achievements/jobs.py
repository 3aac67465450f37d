"""Background jobs of the achievements registry: bulk import and export (see `io`).

Both run in the language of the person who started them (`params["language"]`), so the report's
messages and the exported labels read as the page did.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import IO, Any

from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from techtransfer.achievements import io
from techtransfer.achievements.access import may_export_organisation
from techtransfer.achievements.errors import AchievementErrors
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.ids import parse_id
from techtransfer.core.models import Organisation, User
from techtransfer.core.roles import is_member
from techtransfer.jobs.models import Job
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobCancelled, JobContext, JobFailed
from techtransfer.jobs.services import start_job

IMPORT_DIR = "imports/"


def start_import(
    *,
    actor: User,
    organisation: Organisation,
    upload: IO[bytes],
    name: str,
    fmt: io.FileFormat,
    mode: str,
    language: str,
) -> Job:
    """Store the (already checked) upload under MEDIA_ROOT/imports/ and start the import job.

    Only members of the organisation (and platform admins) may import into it; others get NOT_FOUND.
    The job deletes the stored file when it ends.
    """
    if not (actor.is_platform_admin or is_member(actor, organisation)):
        raise DomainError(Errors.NOT_FOUND)
    path = default_storage.save(f"{IMPORT_DIR}{uuid.uuid4().hex}.{fmt}", upload)
    params = {"path": path, "name": name[:200], "format": fmt, "organisation": organisation.pk, "mode": mode,
              "language": language}  # fmt: skip
    try:
        return start_job(actor=actor, kind="achievements.import", params=params, organisation=organisation)
    except Exception:
        default_storage.delete(path)
        raise


def start_export(*, actor: User, fmt: io.FileFormat, filters: Mapping[str, str], language: str) -> Job:
    """Start an export of what `io.export_queryset` gives `actor`: the public list (with the records
    of a government account's jurisdiction), or one organisation's records for its members and for
    government accounts whose jurisdiction holds it. Any other organisation is refused with
    EXPORT_NOT_ALLOWED (the same answer whether it exists or not) and no job is started.

    A filter the list's FilterSet does not take (an unknown `status` or other choice, a number out of
    range) is refused with VALIDATION, each message under `details["fields"][name]`, and no job is
    started: `io.export_queryset` would export nothing for it (a QA pass got an empty file).
    """
    org = filters.get("organisation", "")
    if org and not ((org_id := parse_id(org)) is not None and may_export_organisation(actor, org_id)):
        raise DomainError(AchievementErrors.EXPORT_NOT_ALLOWED)
    kept = {k: v for k, v in filters.items() if k in io.EXPORT_FILTERS and v}
    wrong = io.export_filter_errors(kept)
    if wrong:
        raise DomainError(Errors.VALIDATION, details={"fields": wrong})
    params = {**kept, "format": fmt, "language": language}
    return start_job(actor=actor, kind="achievements.export", params=params)


def _creator(ctx: JobContext) -> User:
    if not ctx.job.created_by_id:
        raise ValueError("this job needs the user who started it")
    return User.objects.get(pk=ctx.job.created_by_id)


@register("achievements.import", _("Import achievements"))
def import_achievements(ctx: JobContext) -> dict[str, Any]:
    """Import the stored upload into the organisation; the report (row, field, message) is the result file.

    Params: path (under MEDIA_ROOT/imports/), name (the uploaded file name), format (csv | xlsx),
    organisation (id), mode (all_or_nothing | accept_valid), language. The upload is deleted afterwards.
    A file refused as a whole (unreadable, unknown / missing / duplicate columns, too many rows) fails
    the job with the reason as its message (JobFailed); its report is kept for download.
    """
    params = ctx.params
    path = str(params["path"])
    if not path.startswith(IMPORT_DIR) or ".." in path:
        raise ValueError("the upload must be stored under imports/")
    user = _creator(ctx)
    fmt: io.FileFormat = "xlsx" if params.get("format") == "xlsx" else "csv"
    stamp = f"{timezone.localtime():%Y%m%d-%H%M%S}"
    with translation.override(str(params.get("language") or translation.get_language())):
        try:
            with default_storage.open(path, "rb") as f:
                content = f.read()
            ctx.log(
                lambda: (
                    str(_("%(name)s: %(size)s bytes, mode %(mode)s"))
                    % {"name": params.get("name", ""), "size": f"{len(content):,}", "mode": _mode_label(params["mode"])}
                )
            )
            outcome = io.import_file(
                actor=user,
                organisation_id=int(str(params["organisation"])),
                content=content,
                fmt=fmt,
                mode=str(params["mode"]),
                progress=ctx.progress,
                check_cancelled=ctx.check_cancelled,
            )
        finally:
            default_storage.delete(path)
        # Saved even when cancelled: rows committed before the cancel must not go unreported.
        ctx.save_file(f"import-report-{stamp}.csv", io.report_csv(outcome.problems))
        if outcome.cancelled:
            Job.objects.filter(pk=ctx.job.pk).update(result={**outcome.result(), "cancelled": True})
            raise JobCancelled()
        if outcome.file_refused:
            # Not a green "done, 0 created": the job fails, its message says why (the report has it too).
            Job.objects.filter(pk=ctx.job.pk).update(result=outcome.result())
            # The reasons are the report's, in the language the file was sent in; the sentence is the reader's.
            reason = outcome.refusal()
            raise JobFailed(lambda: _("Nothing was imported: %(reason)s") % {"reason": reason})

        def summary() -> str:
            return _("Rows: %(rows)d · created: %(created)d · problems: %(errors)d") % {
                "created": len(outcome.created),
                "errors": outcome.errors,
                "rows": outcome.rows,
            }

        ctx.progress(outcome.rows, outcome.rows, summary)
        ctx.log(summary)
        if params["mode"] == io.ImportMode.ALL_OR_NOTHING and outcome.errors and not outcome.created:
            # As for a refused file: not a green "succeeded, created: 0", but what happened and what to do.
            Job.objects.filter(pk=ctx.job.pk).update(result=outcome.result())
            rejected, rows = outcome.rejected_rows, outcome.rows
            raise JobFailed(
                lambda: (
                    ngettext(
                        "Nothing was imported: %(rejected)d of %(rows)d rows has errors and the import was all or "
                        "nothing. Correct the rows the report lists, then import the file again.",
                        "Nothing was imported: %(rejected)d of %(rows)d rows have errors and the import was all or "
                        "nothing. Correct the rows the report lists, then import the file again.",
                        rejected,
                    )
                    % {"rejected": rejected, "rows": rows}
                )
            )
    return outcome.result()


@register("achievements.export", _("Export achievements"))
def export_achievements(ctx: JobContext) -> dict[str, Any]:
    """Export the records `io.export_queryset` gives the user who started it, matching the saved filters.

    Params: format (csv | xlsx), language, and the filters of `io.EXPORT_FILTERS`.
    """
    params = ctx.params
    user = _creator(ctx)
    fmt: io.FileFormat = "xlsx" if params.get("format") == "xlsx" else "csv"
    filters = {k: str(params[k]) for k in io.EXPORT_FILTERS if params.get(k)}
    with translation.override(str(params.get("language") or translation.get_language())):
        qs = io.export_queryset(user, filters)
        total = qs.count()
        ctx.log(lambda: str(_("%(n)d records to export as %(format)s")) % {"n": total, "format": fmt})

        def rows() -> Any:
            for i, a in enumerate(qs.iterator(chunk_size=500), start=1):
                if i % 200 == 0:
                    ctx.check_cancelled()
                    ctx.progress(i, total, f"{i}/{total}")
                yield a

        content = io.export_file(rows(), fmt)
    ctx.progress(total, total, f"{total}/{total}")
    ctx.save_file(f"achievements-{timezone.localtime():%Y%m%d-%H%M%S}.{fmt}", content)
    return {"rows": total}


def _mode_label(mode: object) -> str:
    """The import mode as the form named it ("All or nothing: …"), not its key (accept_valid)."""
    labels = dict(io.ImportMode.choices)
    return str(labels.get(str(mode), mode))
