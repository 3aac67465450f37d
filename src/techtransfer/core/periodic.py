"""Core's periodic maintenance."""

import datetime

from techtransfer.core import once
from techtransfer.jobs.periodic import register


@register("core.forget_sent_forms", every=datetime.timedelta(hours=24))
def forget_sent_forms() -> int:
    return once.forget_old()
