"""Daily registry maintenance run by the worker: renewal reminders, then expiry."""

import datetime

from techtransfer.achievements import services
from techtransfer.jobs.periodic import register


@register("achievements.renewal", every=datetime.timedelta(hours=24))
def renewal_and_expiry() -> dict[str, int]:
    return {"reminded": len(services.send_renewal_reminders()), "expired": len(services.expire_due())}
