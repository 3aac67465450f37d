"""The worker's catch-up: apply outbox rows left pending (writer busy, crashed worker, lost task).

Runs when the worker starts and then at every heartbeat round (every few minutes). The e5 passages
of the re-ranking stage are embedded by a loop of their own, as long as any are queued.
"""

import datetime
import logging

from django.db import OperationalError

from techtransfer.jobs.periodic import register, register_loop
from techtransfer.search.backends.base import BackendBusy
from techtransfer.search.models import SearchOutbox
from techtransfer.search.outbox import apply_pending
from techtransfer.search.semantic import deep
from techtransfer.search.services import rebuild_if_needed
from techtransfer.search.subscriptions import send_digests

log = logging.getLogger(__name__)


@register("search.catch_up", every=datetime.timedelta(minutes=1))
def catch_up() -> dict[str, int]:
    applied = apply_pending()
    rebuilt = None
    # An index started afresh is rebuilt once no change waits for the tasks (a rebuild beside them
    # contends for the database and the index writer); if it still meets one, the next round retries.
    if not SearchOutbox.objects.filter(done_at__isnull=True).exists():
        try:
            rebuilt = rebuild_if_needed()
        except (BackendBusy, OperationalError) as exc:
            log.warning("search index rebuild deferred to the next round: %s", exc)
    return {
        "rebuilt": -1 if rebuilt is None else rebuilt,
        "rows": applied.rows,
        "upserted": applied.upserted,
        "deleted": applied.deleted,
    }


@register_loop("search.deep_vectors", idle=5.0)
def deep_vectors() -> int:
    """Embed the passages queued for the re-ranking stage (in its own worker thread: the C engine
    releases the GIL, so tasks keep running beside it)."""
    return deep.fill_pending(budget=30.0)


@register("search.subscription_digests", every=datetime.timedelta(minutes=15))
def subscription_digests() -> dict[str, int]:
    """Daily and weekly digests of subscription matches (each subscription is due on its own clock)."""
    return {"digests": send_digests()}
