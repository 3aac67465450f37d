"""Reads for achievement pages, the API and (later) dashboards and search."""

from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import registration_numbers
from techtransfer.achievements.access import member_q
from techtransfer.achievements.choices import AchievementStatus, TransferMode
from techtransfer.achievements.models import Achievement, AchievementRevision, Disclosure
from techtransfer.audit.history import history
from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.jurisdiction import government_regions, jurisdiction_q
from techtransfer.core.models import Membership, Organisation, User
from techtransfer.core.roles import not_own_q

S = AchievementStatus


# The history's steps in words (the audit events keep their codes: achievement.<action>).
HISTORY_LABELS = {
    "achievement.create": _("Created"),
    "achievement.update": _("Edited"),
    "achievement.demo_publish": _("Published (demo data)"),
    "achievement.add_attachment": _("Attachment added"),
    "achievement.remove_attachment": _("Attachment removed"),
    "achievement.submit": _("Submitted"),
    "achievement.confirm": _("Confirmed by the organisation"),
    "achievement.decline": _("Declined by the organisation"),
    "achievement.start_review": _("Review started"),
    "achievement.pass_on": _("Passed on to the next level"),
    "achievement.publish": _("Published"),
    "achievement.return": _("Returned for changes"),
    "achievement.reject": _("Rejected"),
    "achievement.withdraw": _("Withdrawn"),
    "achievement.expire": _("Expired"),
    "achievement.renew": _("Renewed"),
    "achievement.renewal_reminder": _("Renewal reminder sent"),
    "achievement.propose_revision": _("Revision proposed"),
    "achievement.approve_revision": _("Revision approved"),
    "achievement.reject_revision": _("Revision rejected"),
}


def timeline(achievement: Achievement) -> list[AuditEvent]:
    """Every recorded step of one record, oldest first: what the applicant sees as its history. Each
    event carries `label`, its step in words (the code itself when no label is known)."""
    return history(achievement, HISTORY_LABELS)


# A disclosure's steps in words (its audit events: disclosure.<action>).
DISCLOSURE_HISTORY_LABELS = {
    "disclosure.create": _("Created"),
    "disclosure.update": _("Edited"),
    "disclosure.submit": _("Submitted"),
    "disclosure.start_assessment": _("Assessment started"),
    "disclosure.return": _("Returned for changes"),
    "disclosure.decide": _("Decided"),
    "disclosure.set_visibility": _("Visibility changed"),
    "disclosure.convert": _("Registry record created"),
}


def _share_changes(before: list[dict[str, str]], after: list[dict[str, str]]) -> list[str]:
    """What an edit did to the inventors, one line per person (name and affiliation) whose share
    changed, who was added or who was removed: “张三 60% → 50%”, “+王五 10%”, “−李四 40%”."""

    def shares(rows: list[dict[str, str]]) -> dict[tuple[str, str], str]:
        return {(r["name"], r.get("affiliation", "")): f"{Decimal(r['share']).normalize():f}%" for r in rows}

    old, new = shares(before or []), shares(after or [])
    lines = [f"{k[0]} {old[k]} → {new[k]}" for k in new if k in old and old[k] != new[k]]
    lines += [f"+{k[0]} {new[k]}" for k in new if k not in old]
    lines += [f"−{k[0]} {old[k]}" for k in old if k not in new]
    return lines


def disclosure_timeline(disclosure: Disclosure) -> list[AuditEvent]:
    """Every recorded step of one disclosure, oldest first, for its discloser and transfer office: each
    event carries `label` (the step in words), its comment (what must change, the reasons of the
    decision) and `share_changes`, the inventors whose shares an edit changed (see `_share_changes`).
    Nothing else of the changes is shown: the events of a decision hold the internal assessment notes."""
    events = history(disclosure, DISCLOSURE_HISTORY_LABELS)
    for e in events:
        inventors = (e.changes or {}).get("inventors") if e.action == "disclosure.update" else None
        e.share_changes = _share_changes(*inventors) if inventors else []  # type: ignore[attr-defined]
    return events


def holder_department(achievement: Achievement) -> Organisation | None:
    """The government department holding the record now (None when the organisation holds it)."""
    if achievement.holder_region_id is None:
        return None
    return Organisation.objects.filter(
        type=OrganisationType.GOVERNMENT, status=OrganisationStatus.VERIFIED, region_id=achievement.holder_region_id
    ).first()


def mine(user: User) -> QuerySet[Achievement]:
    """Records of the user's organisations, newest change first; each with `holder_name`, the name of
    the department holding it (as `holder_department` finds it; None when no department does)."""
    org_ids = list(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
    department = Organisation.objects.filter(
        type=OrganisationType.GOVERNMENT, status=OrganisationStatus.VERIFIED, region_id=OuterRef("holder_region_id")
    ).order_by("name", "pk")
    return (
        Achievement.objects.filter(member_q(user, org_ids))
        .select_related("organisation", "holder_region")
        .annotate(holder_name=Subquery(department.values("name")[:1]))
        .order_by("-updated_at", "-pk")
    )


def review_queue(user: User) -> QuerySet[Achievement]:
    """Records held by the levels this user reviews (submitted or under review), not of their own
    organisations (`decides_own`)."""
    codes = [r.code for r in government_regions(user, frozenset({str(Role.GOV_REVIEWER)}))]
    q = Q(holder_region_id__in=codes)
    if user.is_platform_admin:
        q = Q(holder_region__isnull=False)
    return (
        Achievement.objects.filter(q, not_own_q(user), status__in=[S.SUBMITTED, S.UNDER_REVIEW])
        .select_related("organisation", "holder_region")
        .order_by("updated_at", "pk")
    )


def pending_revisions(user: User) -> QuerySet[AchievementRevision]:
    return (
        AchievementRevision.objects.filter(
            jurisdiction_q(user, "achievement__region"),
            not_own_q(user, "achievement__organisation"),
            status=AchievementRevision.Status.PENDING,
        )
        .select_related("achievement", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def waiting_for_confirmation(user: User) -> QuerySet[Achievement]:
    admin_of = Membership.objects.filter(user=user, is_active=True, role=Role.ORG_ADMIN).values("organisation_id")
    return (
        Achievement.objects.filter(organisation_id__in=admin_of, status=S.PENDING_CONFIRMATION)
        .select_related("created_by")
        .order_by("updated_at", "pk")
    )


def achievement_for_matchmaking(user: User, pk: int) -> Achievement:
    """An achievement `user` may see, for starting an inquiry about it (raises DomainError NOT_FOUND)."""
    from techtransfer.achievements.access import get_achievement_for_user

    return get_achievement_for_user(user, pk)


def is_public_achievement(pk: int) -> bool:
    """Is the achievement published and public (not internal, not secret): may a public page show it?"""
    from techtransfer.achievements.access import public_achievements

    return public_achievements().filter(pk=pk).exists()


# --- used by contracts (the path achievement → listing → deal → contract) --------------------------


def registered_achievement_id(number: str, *, organisation_id: int | None = None) -> int | None:
    """The id of the achievement with this registration number (of this organisation, if given). The
    number is read as typed (`registration_numbers.normalise`: full-width digits, spaces between
    groups); None, without a query, for anything that is not 12 digits. A form that should say why a
    number is wrong reads it first with `registration_numbers.read` or `RegistrationNumberField`."""
    number = registration_numbers.normalise(number)
    if not registration_numbers.is_valid(number):
        return None
    qs = Achievement.objects.filter(registration_number=number)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.values_list("pk", flat=True).first()


def is_registered_achievement_of(achievement_id: int, organisation_id: int) -> bool:
    return Achievement.objects.filter(
        pk=achievement_id, organisation_id=organisation_id, registration_number__isnull=False
    ).exists()


def revision_changes(revision: AchievementRevision) -> list[tuple[str, str]]:
    """(field label, proposed value in words) of each change of a pending revision: the reviewer reads
    "拟转化方式: 转让、许可", not "transfer_modes: ['assignment', 'licence']"."""
    out = []
    for name, value in revision.changes.items():
        try:
            field = Achievement._meta.get_field(name)
        except FieldDoesNotExist:
            out.append((name, str(value)))
            continue
        labels = dict(getattr(field, "flatchoices", None) or [])
        if name == "transfer_modes":
            labels = dict(TransferMode.choices)
        values = value if isinstance(value, list) else [value]
        shown = "、".join(str(labels.get(v, v)) for v in values if v not in (None, ""))
        out.append((str(getattr(field, "verbose_name", name)), shown or "—"))
    return out
