"""REST endpoints for regions, organisations, members and invitations. Thin: parse, fetch, call, return."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from techtransfer.core import access, selectors, services
from techtransfer.core.api_support import PageNumberPagination, require_user
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.filters import OrganisationFilterSet
from techtransfer.core.models import Membership, Organisation, Region
from techtransfer.core.schemas import (
    InvitationIn,
    InvitationOut,
    MembershipOut,
    MembershipUpdateIn,
    MeOut,
    OrganisationOut,
    OrganisationRegisterIn,
    OrganisationUpdateIn,
    RegionOut,
    RegisteredOut,
    SuspendIn,
    TransitionIn,
)

router = Router(tags=["organisations"])


class OrganisationFilters(Schema):
    q: str | None = None
    type: str | None = None
    status: str | None = None
    region: str | None = None


class RegionFilters(Schema):
    parent: str | None = None
    level: str | None = None


@router.get("/regions", response=list[RegionOut], tags=["regions"])
@paginate(PageNumberPagination)
def list_regions(request: HttpRequest, filters: Query[RegionFilters]) -> QuerySet[Region]:
    """Administrative divisions (GB/T 2260). Without `parent`, the provinces."""
    if filters.parent:
        return selectors.children_of(filters.parent)
    qs = Region.objects.all() if filters.level else selectors.provinces()
    return qs.filter(level=filters.level) if filters.level else qs


@router.get("/regions/{code}", response=RegionOut, tags=["regions"])
def get_region(request: HttpRequest, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError(Errors.NOT_FOUND)
    return region


@router.get("/organisations", response=list[OrganisationOut])
@paginate(PageNumberPagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> QuerySet[Organisation]:
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    fs = OrganisationFilterSet(data, queryset=access.organisations_visible_to(request.user))  # type: ignore[arg-type]
    if not fs.is_valid():
        raise DomainError(Errors.VALIDATION, details={"fields": {k: [str(m) for m in v] for k, v in fs.errors.items()}})
    return fs.qs


@router.post("/organisations", response={201: RegisteredOut})
def register_organisation(request: HttpRequest, payload: OrganisationRegisterIn) -> tuple[int, dict[str, Any]]:
    """Self-service registration of an organisation and its first admin (no login needed)."""
    org, user = services.register_organisation(
        name=payload.name,
        name_en=payload.name_en,
        type=payload.type,
        uscc_code=payload.uscc,
        region_code=payload.region,
        address=payload.address,
        website=payload.website,
        description=payload.description,
        contact_phone=payload.contact_phone,
        admin_username=payload.admin_username,
        admin_email=payload.admin_email,
        admin_password=payload.admin_password,
        admin_display_name=payload.admin_display_name,
    )
    return 201, {"organisation": org, "admin": user}


@router.get("/organisations/{org_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, org_id: int) -> Organisation:
    return access.get_organisation_for_user(request.user, org_id)  # type: ignore[arg-type]


@router.patch("/organisations/{org_id}", response=OrganisationOut)
def update_organisation(request: HttpRequest, org_id: int, payload: OrganisationUpdateIn) -> Organisation:
    user = require_user(request)
    access.get_organisation_for_user(user, org_id, action="manage")
    return services.update_organisation(actor=user, organisation_id=org_id, data=payload.dict(exclude_none=True))


@router.post("/organisations/{org_id}/verify", response=OrganisationOut)
def verify_organisation(request: HttpRequest, org_id: int, payload: TransitionIn) -> Organisation:
    user = require_user(request)
    access.get_organisation_for_user(user, org_id, action="review")
    return services.verify_organisation(actor=user, organisation_id=org_id, comment=payload.comment)


@router.post("/organisations/{org_id}/suspend", response=OrganisationOut)
def suspend_organisation(request: HttpRequest, org_id: int, payload: SuspendIn) -> Organisation:
    user = require_user(request)
    access.get_organisation_for_user(user, org_id, action="review")
    return services.suspend_organisation(actor=user, organisation_id=org_id, reason=payload.comment)


@router.post("/organisations/{org_id}/reinstate", response=OrganisationOut)
def reinstate_organisation(request: HttpRequest, org_id: int, payload: TransitionIn) -> Organisation:
    user = require_user(request)
    access.get_organisation_for_user(user, org_id, action="review")
    return services.reinstate_organisation(actor=user, organisation_id=org_id, comment=payload.comment)


@router.get("/organisations/{org_id}/members", response=list[MembershipOut])
@paginate(PageNumberPagination)
def list_members(request: HttpRequest, org_id: int) -> QuerySet[Membership]:
    user = require_user(request)
    org = access.get_organisation_for_user(user, org_id, action="view_members")
    return access.members_of(user, org)


@router.post("/organisations/{org_id}/invitations", response={201: InvitationOut})
def invite(request: HttpRequest, org_id: int, payload: InvitationIn) -> tuple[int, dict[str, Any]]:
    """Invite a person by e-mail. The response carries the one-time token; it is also e-mailed."""
    user = require_user(request)
    access.get_organisation_for_user(user, org_id, action="manage")
    invitation, raw = services.invite_member(actor=user, organisation_id=org_id, email=payload.email, role=payload.role)
    return 201, {
        "id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "expires_at": invitation.expires_at,
        "token": raw,
    }


@router.patch("/memberships/{membership_id}", response=MembershipOut)
def update_membership(request: HttpRequest, membership_id: int, payload: MembershipUpdateIn) -> Membership:
    user = require_user(request)
    return services.change_member_role(actor=user, membership_id=membership_id, role=payload.role)


@router.delete("/memberships/{membership_id}", response=MembershipOut)
def deactivate_membership(request: HttpRequest, membership_id: int) -> Membership:
    user = require_user(request)
    return services.deactivate_member(actor=user, membership_id=membership_id)


@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = require_user(request)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_platform_admin": user.is_platform_admin,
        "memberships": list(selectors.memberships_for(user)),
    }
