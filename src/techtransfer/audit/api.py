"""Read-only API over audit events; no endpoint can change or delete one."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from techtransfer.audit.access import events_visible_to, may_browse_audit
from techtransfer.audit.filters import AuditEventFilterSet
from techtransfer.audit.models import AuditEvent
from techtransfer.core.api_support import DateTimeIn, PageNumberPagination, require_user
from techtransfer.core.errors import DomainError, Errors

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    created_at: datetime.datetime
    actor: str | None
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any] = Field(
        description=(
            "What changed, as stored: keys are the object's field names (or the service's own keys), values "
            "raw (choice codes, ids of related records, times in ISO 8601 UTC); a value [before, after] is a "
            "change. Not translated: the audit log page and the CSV export's last column read them in words."
        )
    )
    comment: str
    request_id: str
    ip: str | None

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str | None:
        return obj.actor.username if obj.actor else None


class AuditFilters(Schema):
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None
    organisation: int | None = None
    request_id: str | None = None
    since: DateTimeIn | None = None
    until: DateTimeIn | None = None


class AuditExportFilters(AuditFilters):
    """The filters of an export (POST /audit/exports): those of the list, the page's two dates, and
    nothing else (an unknown name is refused, not ignored: the export would hold every event)."""

    model_config = ConfigDict(extra="forbid")

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_params(self) -> dict[str, str]:
        """The filters set, as the text the FilterSet reads (and the job keeps in its parameters)."""
        return {
            k: v.isoformat() if isinstance(v, datetime.date) else str(v)
            for k, v in self.model_dump(exclude_none=True).items()
        }


@router.get("/audit/events", response=list[AuditEventOut])
@paginate(PageNumberPagination)
def list_events(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEvent]:
    user = require_user(request)
    if not may_browse_audit(user):
        raise DomainError(Errors.PERMISSION_DENIED)
    data = {
        k: (v.isoformat() if isinstance(v, datetime.datetime) else v)
        for k, v in filters.dict().items()
        if v is not None
    }
    fs = AuditEventFilterSet(data, queryset=events_visible_to(user))
    if not fs.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in fs.errors.items()}
        raise DomainError(Errors.VALIDATION, details={"fields": fields})
    return fs.qs
