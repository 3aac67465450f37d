"""The worker's catch-up: apply outbox rows left pending (writer busy, crashed worker, lost task).

Runs when the worker starts and then at every heartbeat round (every few minutes).
"""

import datetime

from techtransfer.jobs.periodic import register
from techtransfer.search.outbox import apply_pending
from techtransfer.search.subscriptions import send_digests


@register("search.catch_up", every=datetime.timedelta(minutes=1))
def catch_up() -> dict[str, int]:
    applied = apply_pending()
    return {"rows": applied.rows, "upserted": applied.upserted, "deleted": applied.deleted}


@register("search.subscription_digests", every=datetime.timedelta(minutes=15))
def subscription_digests() -> dict[str, int]:
    """Daily and weekly digests of subscription matches (each subscription is due on its own clock)."""
    return {"digests": send_digests()}
