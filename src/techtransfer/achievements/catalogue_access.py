"""Who sees and edits catalogues. "Forbidden" looks like "not found".

- Anyone: published catalogues, except military-to-civilian ones (军转民推广目录).
- A published military-to-civilian catalogue: members of the owner department, members of the
  verified organisations the owner admitted (`CatalogueAccess`), platform admins.
- Drafts and withdrawn catalogues: the editors of the owner department only.
- Editors: government officials and reviewers of the owner department (a verified government
  science department), and platform admins.

Readers see only entries whose achievement is still published and public; editors also see the
stale ones so that they can remove them.
"""

from typing import Literal

from django.db.models import Q, QuerySet

from techtransfer.achievements.choices import AchievementStatus, SecrecyLevel
from techtransfer.achievements.models import Catalogue, CatalogueAccess, CatalogueEntry
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Membership, Organisation, User

CatalogueAction = Literal["view", "edit"]

EDITOR_ROLES: frozenset[str] = frozenset({str(Role.GOV_OFFICIAL), str(Role.GOV_REVIEWER)})


def _is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_platform_admin)


def editable_departments(user: User) -> QuerySet[Organisation]:
    """The verified government departments in which `user` may compile catalogues."""
    depts = Organisation.objects.filter(type=OrganisationType.GOVERNMENT, status=OrganisationStatus.VERIFIED)
    if _is_admin(user):
        return depts
    if not user.is_authenticated or not user.is_active:
        return depts.none()
    return depts.filter(
        memberships__user=user, memberships__is_active=True, memberships__role__in=list(EDITOR_ROLES)
    ).distinct()


def _editor_of(user: User, owner_id: int) -> bool:
    cache: dict[int, bool] = user.__dict__.setdefault("_catalogue_editor_cache", {})
    if owner_id not in cache:
        cache[owner_id] = editable_departments(user).filter(pk=owner_id).exists()
    return cache[owner_id]


def may_edit_catalogue(user: User, catalogue: Catalogue) -> bool:
    """Government officials and reviewers of the owner department, and platform admins."""
    if _is_admin(user):
        return True
    if not user.is_authenticated:
        return False
    return _editor_of(user, catalogue.owner_id)


def _member_org_ids(user: User) -> QuerySet[Membership, int]:
    return Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True)


def _admitted(user: User, catalogue: Catalogue) -> bool:
    return CatalogueAccess.objects.filter(
        catalogue=catalogue,
        organisation__status=OrganisationStatus.VERIFIED,
        organisation_id__in=_member_org_ids(user),
    ).exists()


def may_view_catalogue(user: User, catalogue: Catalogue) -> bool:
    if _is_admin(user):
        return True
    if catalogue.status != Catalogue.Status.PUBLISHED:
        return may_edit_catalogue(user, catalogue)
    if not catalogue.is_restricted:
        return True
    if not user.is_authenticated:
        return False
    if Membership.objects.filter(user=user, is_active=True, organisation_id=catalogue.owner_id).exists():
        return True
    return _admitted(user, catalogue)


def catalogues_visible_to(user: User) -> QuerySet[Catalogue]:
    """Every catalogue `user` may open, in any state."""
    qs = Catalogue.objects.select_related("owner")
    if _is_admin(user):
        return qs
    published = Q(status=Catalogue.Status.PUBLISHED)
    restricted = Q(kind=Catalogue.Kind.MILITARY_TO_CIVILIAN)
    q = published & ~restricted
    if user.is_authenticated and user.is_active:
        members_of = _member_org_ids(user)
        admitted = CatalogueAccess.objects.filter(
            organisation_id__in=members_of, organisation__status=OrganisationStatus.VERIFIED
        ).values("catalogue_id")
        q |= published & restricted & (Q(owner_id__in=members_of) | Q(pk__in=admitted))
        q |= Q(owner_id__in=editable_departments(user).values("pk"))
    return qs.filter(q)


def published_catalogues_visible_to(user: User) -> QuerySet[Catalogue]:
    """The published catalogues `user` may read: the public list."""
    return catalogues_visible_to(user).filter(status=Catalogue.Status.PUBLISHED)


def get_catalogue_for_user(user: User, pk: int, *, action: CatalogueAction = "view") -> Catalogue:
    catalogue = Catalogue.objects.select_related("owner", "owner__region").filter(pk=pk).first()
    if catalogue is None or not may_view_catalogue(user, catalogue):
        raise DomainError(Errors.NOT_FOUND)
    if action == "edit" and not may_edit_catalogue(user, catalogue):
        raise DomainError(Errors.NOT_FOUND)
    return catalogue


def catalogue_entries(catalogue: Catalogue, *, include_stale: bool = False) -> QuerySet[CatalogueEntry]:
    """Entries in order with what a page or an export shows, in a fixed number of queries.

    Readers (`include_stale=False`) get only entries whose achievement is still published and public.
    """
    qs = CatalogueEntry.objects.filter(catalogue=catalogue).select_related(
        "achievement", "achievement__organisation", "achievement__region__parent__parent"
    )
    if not include_stale:
        qs = qs.filter(achievement__status=AchievementStatus.PUBLISHED, achievement__secrecy=SecrecyLevel.PUBLIC)
    return qs.order_by("position", "pk")


def is_public(entry: CatalogueEntry) -> bool:
    """Is the entry's achievement still published and public (shown to readers and exported)?"""
    a = entry.achievement
    return a.status == AchievementStatus.PUBLISHED and a.secrecy == SecrecyLevel.PUBLIC
