"""What a page says after a workflow step succeeded: where the record is now, not a bare "Done."."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


def done_now(record: Any) -> str:
    """ "Done: the record is now “Submitted”." for any record with a status field (`get_status_display`)."""
    return gettext("Done: the record is now “%(state)s”.") % {"state": record.get_status_display()}
