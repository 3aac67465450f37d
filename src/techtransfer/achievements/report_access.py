"""Who sees funding programmes and funded projects. "Forbidden" looks like "not found".

- A programme and all its projects: the officials (`gov_official`) and admins of the government
  department that owns it, and platform admins. Other departments do not see it, whatever their
  jurisdiction: a programme is its department's business.
- A project: also every active member of its owner organisation, who may file its report.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from techtransfer.achievements.models import FundedProject, FundingProgramme
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Membership, User
from techtransfer.core.roles import is_member

PROGRAMME_ROLES = frozenset({Role.GOV_OFFICIAL, Role.ORG_ADMIN})
ProjectAction = Literal["view", "file", "manage"]


def managed_department_ids(user: User) -> list[int]:
    """Verified government departments in which the user is an official or admin (cached per user object)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[int] | None = user.__dict__.get("_managed_departments")
    if cached is None:
        cached = list(
            Membership.objects.filter(
                user=user,
                is_active=True,
                role__in=list(PROGRAMME_ROLES),
                organisation__type=OrganisationType.GOVERNMENT,
                organisation__status=OrganisationStatus.VERIFIED,
            ).values_list("organisation_id", flat=True)
        )
        user.__dict__["_managed_departments"] = cached
    return cached


def manages_programme(user: User, programme: FundingProgramme) -> bool:
    if user.is_authenticated and user.is_platform_admin:
        return True
    return programme.department_id in managed_department_ids(user)


def programmes_visible_to(user: User) -> QuerySet[FundingProgramme]:
    qs = FundingProgramme.objects.select_related("department")
    if user.is_authenticated and user.is_platform_admin:
        return qs
    return qs.filter(department_id__in=managed_department_ids(user))


def get_programme_for_user(user: User, pk: int) -> FundingProgramme:
    programme = programmes_visible_to(user).filter(pk=pk).first()
    if programme is None:
        raise DomainError(Errors.NOT_FOUND)
    return programme


def projects_owned_for(user: User) -> QuerySet[FundedProject]:
    """Projects whose owner organisation the user is an active member of."""
    if not user.is_authenticated:
        return FundedProject.objects.none()
    org_ids = Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True)
    return FundedProject.objects.filter(owner_id__in=list(org_ids)).select_related("programme", "owner")


def can_on_project(user: User, project: FundedProject, action: ProjectAction) -> bool:
    manages = manages_programme(user, project.programme)
    if action == "manage":
        return manages
    if action == "file":
        return is_member(user, project.owner_id)
    return manages or is_member(user, project.owner_id)


def get_project_for_user(user: User, pk: int, *, action: ProjectAction = "view") -> FundedProject:
    project = FundedProject.objects.select_related("programme", "programme__department", "owner").filter(pk=pk).first()
    if project is None or not can_on_project(user, project, "view") or not can_on_project(user, project, action):
        raise DomainError(Errors.NOT_FOUND)
    return project
