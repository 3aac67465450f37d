"""Broker workload, success numbers and ratings: of inquiries, and of the market deals a later app
registers (`brokerage`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from techtransfer.core.choices import OrganisationStatus, Role
from techtransfer.core.models import Membership, User
from techtransfer.matchmaking.brokerage import BrokeredDeals, brokered_deals
from techtransfer.matchmaking.choices import InquiryStatus
from techtransfer.matchmaking.models import BrokerRating

S = InquiryStatus
OPEN_Q = ~Q(brokered_inquiries__status__in=[S.CONTRACT_SIGNED, S.CLOSED])
# The numbers of a broker's row that an agency's row sums.
SUMMED = (
    "open", "signed", "closed", "deals_negotiating", "deals_agreed", "deals_cancelled", "ratings", "rating_sum",
)  # fmt: skip


def broker_numbers() -> list[dict[str, Any]]:
    """Per broker: open inquiries, contracts signed, closed without contract, success rate (signed /
    finished), market deals negotiating, agreed and cancelled (`brokerage.brokered_deals`), and the
    sides' ratings of both inquiries and deals (average of 1–5, how many), each rating weighed once.
    Three queries, and those of the registered counters (the market's two), whatever the number of
    brokers, deals and ratings."""
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
        r["broker_id"]: (r["total"], r["n"])
        for r in BrokerRating.objects.values("broker_id").annotate(total=Sum("score"), n=Count("pk"))
    }
    agencies = dict(
        Membership.objects.filter(role=Role.BROKER, is_active=True, organisation__status=OrganisationStatus.VERIFIED)
        .order_by("user_id", "pk")
        .values_list("user_id", "organisation__name")
    )  # one agency a broker (the first membership when several)
    deals = brokered_deals()
    rows = []
    for b in brokers:
        total, rated = ratings.get(b.pk, (0, 0))
        d = deals.get(b.pk, BrokeredDeals())
        rows.append(_rated({
            "broker": b, "agency": agencies.get(b.pk, ""), "open": b.open, "signed": b.signed, "closed": b.closed,
            "deals_negotiating": d.negotiating, "deals_agreed": d.agreed, "deals_cancelled": d.cancelled,
            "ratings": rated + d.ratings, "rating_sum": total + d.rating_sum,
        }))  # fmt: skip
    return rows


def _rated(row: dict[str, Any]) -> dict[str, Any]:
    """`row` (a broker's or an agency's sums) with its success rate (signed / finished) and rating
    (the average of its ratings, one decimal), None where there is nothing to divide by."""
    finished = row["signed"] + row["closed"]
    row["success_rate"] = round(100 * row["signed"] / finished) if finished else None
    row["rating"] = round(row["rating_sum"] / row["ratings"], 1) if row["ratings"] else None
    return row


def agency_numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The brokers' numbers (`broker_numbers`) summed per service agency: brokers, open inquiries,
    contracts signed, closed without contract, success rate, market deals negotiating, agreed and
    cancelled, and the average of all their ratings; agencies with the most contracts signed first."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = out.setdefault(r["agency"], {"agency": r["agency"], "brokers": 0, **dict.fromkeys(SUMMED, 0)})
        a["brokers"] += 1
        for key in SUMMED:
            a[key] += r.get(key, 0)
    return sorted((_rated(a) for a in out.values()), key=lambda a: (-a["signed"], a["agency"]))
