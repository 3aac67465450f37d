"""The reindex job kind: rebuild the search index from the database, watched on the job page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobContext


@register("search.reindex", _("Rebuild the search index"))
def reindex_job(ctx: JobContext) -> dict[str, Any]:
    from techtransfer.search.services import reindex_when_free

    def progress(done: int, total: int | None) -> None:
        ctx.check_cancelled()
        ctx.progress(done, total or done + 1, lambda: _("Indexed %(done)d records") % {"done": done})

    def waiting() -> None:
        ctx.progress(0, 1, _("Waiting for the worker to finish writing the index…"))

    return {"indexed": reindex_when_free(progress=progress, waiting=waiting)}
