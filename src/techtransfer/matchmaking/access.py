"""Who sees inquiries: members of both organisations, the assigned broker, platform admins.
"Forbidden" looks like "not found"."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Membership, User
from techtransfer.matchmaking.models import Inquiry
from techtransfer.matchmaking.services import is_participant


def inquiries_visible_to(user: User) -> QuerySet[Inquiry]:
    qs = Inquiry.objects.select_related("initiator", "recipient", "broker")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    orgs = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
    return qs.filter(Q(initiator_id__in=orgs) | Q(recipient_id__in=orgs) | Q(broker=user))


def get_inquiry_for_user(user: User, pk: int) -> Inquiry:
    inquiry = (
        Inquiry.objects.select_related("initiator", "recipient", "broker", "need", "achievement").filter(pk=pk).first()
    )
    if inquiry is None or not is_participant(user, inquiry):
        raise DomainError(Errors.NOT_FOUND)
    return inquiry
