"""Reads used by pages and the API: a need's history; challenge statistics (aggregates only, never
proposal content)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.history import history
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationType
from techtransfer.core.models import Region, User
from techtransfer.needs.choices import SolverType
from techtransfer.needs.models import Challenge, Need, Proposal

HISTORY_LABELS = {
    "need.create": _("Created"),
    "need.update": _("Edited"),
    "need.submit": _("Submitted"),
    "need.start_review": _("Review started"),
    "need.publish": _("Published"),
    "need.return": _("Returned for changes"),
    "need.reject": _("Rejected"),
    "need.withdraw": _("Withdrawn"),
    "need.expire": _("Expired"),
}


def timeline(need: Need) -> list[AuditEvent]:
    """The need's recorded steps, oldest first, each with its `label` (`audit.history`)."""
    return history(need, HISTORY_LABELS)


def challenge_statistics(challenge: Challenge) -> dict[str, Any]:
    """Number of solvers, daily and cumulative submissions, solvers by city and by type.

    Counts only; safe to show to anyone who may see the challenge.
    """
    proposals = Proposal.objects.filter(challenge=challenge)
    daily = list(
        proposals.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("pk")).order_by("day")
    )
    running = 0
    trend = []
    for row in daily:
        running += row["n"]
        trend.append({"day": row["day"].isoformat(), "new": row["n"], "total": running})
    city_codes = Counter(code[:4] + "00" for code in proposals.values_list("region_id", flat=True))
    names = dict(Region.objects.filter(code__in=list(city_codes)).values_list("code", "name"))
    types = Counter(proposals.values_list("solver_type", flat=True))
    org_types = Counter(t for t in proposals.values_list("organisation__type", flat=True) if t)
    return {
        "solvers": proposals.values("solver_id").distinct().count(),
        "trend": trend,
        "regions": [{"name": names.get(c, c), "value": n} for c, n in city_codes.most_common()],
        "solver_types": [{"name": str(SolverType(t).label), "value": n} for t, n in types.most_common()],
        "organisation_types": [
            {"name": str(OrganisationType(t).label), "value": n} for t, n in org_types.most_common()
        ],
    }


def need_for_matchmaking(user: User, pk: int) -> Need:
    """A need `user` may see, for starting an inquiry about it (raises DomainError NOT_FOUND)."""
    from techtransfer.needs.access import get_need_for_user

    return get_need_for_user(user, pk)
