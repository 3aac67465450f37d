"""Market maintenance run by the worker: close auctions past their end, expire listings."""

import datetime

from techtransfer.jobs.periodic import register
from techtransfer.market import services


@register("market.close_auctions", every=datetime.timedelta(minutes=1))
def close_auctions() -> dict[str, int]:
    return {"closed": len(services.close_due_auctions())}


@register("market.expire_listings", every=datetime.timedelta(hours=24))
def expire_listings() -> dict[str, int]:
    return {"expired": len(services.expire_due_listings())}
