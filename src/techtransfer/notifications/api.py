"""Inbox endpoints: one's own notifications only."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.notifications import services
from techtransfer.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    """Title and body in the request's language (`Accept-Language`), as the inbox shows them."""

    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_title(obj: Notification) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_body(obj: Notification) -> str:
        return obj.shown_body


class CountOut(Schema):
    unread: int


@router.get("/notifications", response=list[NotificationOut])
@paginate(PageNumberPagination)
def list_notifications(request: HttpRequest) -> QuerySet[Notification]:
    return Notification.objects.filter(user=require_user(request))


@router.get("/notifications/unread-count", response=CountOut)
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": services.unread_count(require_user(request))}


@router.post("/notifications/{pk}/read", response=CountOut)
def read(request: HttpRequest, pk: int) -> dict[str, int]:
    user = require_user(request)
    services.mark_read(actor=user, notification_id=pk)
    return {"unread": services.unread_count(user)}
