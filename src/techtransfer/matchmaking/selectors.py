"""Broker workload, success numbers and ratings."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q

from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.models import User
from techtransfer.matchmaking.choices import InquiryStatus
from techtransfer.matchmaking.models import BrokerRating

S = InquiryStatus
OPEN_Q = ~Q(brokered_inquiries__status__in=[S.CONTRACT_SIGNED, S.CLOSED])


def broker_numbers() -> list[dict[str, Any]]:
    """Per broker: open inquiries, contracts signed, closed without contract, success rate (signed /
    finished), and the sides' ratings (average of 1–5, how many)."""
    brokers = (
        User.objects.filter(
            memberships__role=Role.BROKER, memberships__is_active=True,
            memberships__organisation__status=OrganisationStatus.VERIFIED,
        )
        .distinct()
        .annotate(
            open=Count("brokered_inquiries", distinct=True, filter=OPEN_Q),
            signed=Count("brokered_inquiries", distinct=True, filter=Q(brokered_inquiries__status=S.CONTRACT_SIGNED)),
            closed=Count("brokered_inquiries", distinct=True, filter=Q(brokered_inquiries__status=S.CLOSED)),
        )
        .order_by("-open", "username")
    )  # fmt: skip
    ratings = {
        r["broker_id"]: (r["average"], r["n"])
        for r in BrokerRating.objects.values("broker_id").annotate(average=Avg("score"), n=Count("pk"))
    }
    rows = []
    for b in brokers:
        finished = b.signed + b.closed
        average, rated = ratings.get(b.pk, (None, 0))
        rows.append({
            "broker": b, "open": b.open, "signed": b.signed, "closed": b.closed,
            "success_rate": round(100 * b.signed / finished) if finished else None,
            "rating": round(float(average), 1) if average is not None else None, "ratings": rated,
        })  # fmt: skip
    return rows
