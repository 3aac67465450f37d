"""Every write to the achievements registry: drafts, the review workflow, numbers, revisions, renewal.

Flow: a member drafts and submits → the org admin confirms → the reviewers of each level of the
region's review route (county → city → province, configurable) start the review and approve, the
last level publishes and a registration number is assigned. Any reviewer step may return the
record with comments; the last may reject. Published records are edited through revisions.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import notices
from techtransfer.achievements.choices import KIND_DIGIT, AchievementStatus, disciplines, stage_for_trl
from techtransfer.achievements.errors import AchievementErrors
from techtransfer.achievements.models import (
    Achievement,
    AchievementRevision,
    Attachment,
    Contributor,
    IPItem,
    RegistrationCounter,
    ReviewRoute,
)
from techtransfer.audit.services import diff, jsonable, record_event, snapshot
from techtransfer.core.choices import OrganisationStatus, OrganisationType, RegionLevel, Role
from techtransfer.core.concurrency import check_unchanged
from techtransfer.core.counters import take_serials
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import may_act_on_region, reviews_for_region
from techtransfer.core.models import Membership, Organisation, Region, User
from techtransfer.core.roles import is_author, is_member, is_org_admin, organisation_refusal, refuse_own
from techtransfer.core.uploads import check_uploaded_file, upload_name
from techtransfer.core.workflow import REVIEW_TRANSITIONS, Workflow, clear_review_comment, transition

S = AchievementStatus

ACHIEVEMENT_WORKFLOW: Workflow[Achievement] = Workflow(
    model=Achievement,
    transitions=[
        transition("submit", [S.DRAFT, S.RETURNED], S.PENDING_CONFIRMATION, _("Submit to my organisation")),
        transition("confirm", [S.PENDING_CONFIRMATION], S.SUBMITTED, _("Confirm and send for review")),
        transition("decline", [S.PENDING_CONFIRMATION], S.RETURNED, _("Send back to the author")),
        transition("pass_on", [S.UNDER_REVIEW], S.SUBMITTED, _("Approve and pass to the next level")),
        # start_review, publish, return, reject, withdraw, expire: the shared review table.
        *[t for t in REVIEW_TRANSITIONS if t.action != "submit"],
    ],
)

# Fields a form, an import row or an API payload may set directly.
DATA_FIELDS = (
    "kind", "name", "recommending_unit", "research_start", "research_end", "secrecy", "attribute", "keywords",
    "embodiment", "evaluation_level", "stage", "trl", "discipline", "plan_industry", "emerging_industry",
    "sector_code", "funding_source", "funding_programme", "funding_project_number", "transfer_modes", "price",
    "price_negotiable", "abstract", "contact_name", "contact_phone", "contact_email",
)  # fmt: skip
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
VALIDITY = datetime.timedelta(days=365)


# --- review routes -------------------------------------------------------------------------------


def _ancestors(region: Region) -> dict[str, Region]:
    """`region` and those containing it, by level."""
    return {r.level: r for r in region.lineage()}


def review_levels(region: Region) -> list[Region]:
    """The regions whose science departments review records from `region`, lowest first."""
    chain = _ancestors(region)
    route = (
        ReviewRoute.objects.filter(region__in=list(chain.values())).select_related("region").order_by("-region__code")
    )
    routes = {r.region.level: r for r in route}
    chosen = next(
        (routes[lvl] for lvl in (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE) if lvl in routes), None
    )
    levels = chosen.levels if chosen else [RegionLevel.PROVINCE]
    candidates = [chain[lvl] for lvl in levels if lvl in chain]
    with_department = set(
        Organisation.objects.filter(
            type=OrganisationType.GOVERNMENT, status=OrganisationStatus.VERIFIED, region__in=candidates
        ).values_list("region_id", flat=True)
    )
    return [r for r in candidates if r.code in with_department]


def body_code_for(region: Region) -> str:
    chain = _ancestors(region)
    route = (
        ReviewRoute.objects.filter(region__in=list(chain.values()))
        .exclude(body_code="")
        .order_by("-region__code")
        .first()
    )
    return route.body_code if route else chain[RegionLevel.PROVINCE].code[:3]


def next_registration_number(*, body_code: str, year: int, kind: str) -> str:
    """12 digits: body code (3) + year (4) + type digit (1) + serial (4). Call inside a transaction.

    The counter row is locked (`select_for_update`) and incremented with F(); two approvals at the
    same moment wait for each other and get consecutive serials.
    """
    return reserve_registration_numbers(body_code=body_code, year=year, kind=kind, count=1)[0]


# --- drafts ----------------------------------------------------------------------------------------


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in DATA_FIELDS if k in data}
    if "trl" in values and not data.get("stage"):
        values["stage"] = stage_for_trl(int(values["trl"]))
    if "discipline" in values:
        values["discipline_category"] = disciplines().get(values["discipline"], "")
    return values


# The columns of the rows `_set_children` writes in an event's changes (the audit log reads them so).
CONTRIBUTOR_FIELDS = ("kind", "name", "affiliation", "contribution")
IP_FIELDS = ("kind", "title", "application_number", "publication_number")


def _rows(items: Iterable[Mapping[str, Any]], fields: tuple[str, ...]) -> list[list[str]]:
    return [[str(i.get(f, "") or "") for f in fields] for i in items]


def _set_children(
    achievement: Achievement,
    contributors: Iterable[Mapping[str, Any]] | None,
    ip_items: Iterable[Mapping[str, Any]] | None,
    *,
    new_record: bool = False,
) -> dict[str, list[list[list[str]]]]:
    """Replace the contributors and IP items given (None: left as they are) when they differ from the
    stored ones, in order; the lists that changed, as [before, after] rows for the audit event.
    `new_record`: the record was just created, so it has none to read or delete (4 queries fewer a
    record: the import's saving phase holds the write lock the shorter)."""
    changes: dict[str, list[list[list[str]]]] = {}
    if contributors is not None:
        contributors = list(contributors)
        old = (
            []
            if new_record
            else _rows(
                achievement.contributors.order_by("kind", "position").values(*CONTRIBUTOR_FIELDS),
                CONTRIBUTOR_FIELDS,
            )
        )
        new = _rows(sorted(contributors, key=lambda c: str(c["kind"])), CONTRIBUTOR_FIELDS)
        if old != new:
            changes["contributors"] = [old, new]
            if not new_record:
                achievement.contributors.all().delete()
            positions: dict[str, int] = {}
            rows = []
            for c in contributors:
                kind = str(c["kind"])
                positions[kind] = positions.get(kind, 0) + 1
                rows.append(
                    Contributor(
                        achievement=achievement,
                        kind=kind,
                        position=positions[kind],
                        name=c["name"],
                        affiliation=c.get("affiliation", ""),
                        contribution=c.get("contribution", ""),
                    )
                )
            Contributor.objects.bulk_create(rows)
    if ip_items is not None:
        ip_items = list(ip_items)
        old = [] if new_record else _rows(achievement.ip_items.order_by("pk").values(*IP_FIELDS), IP_FIELDS)
        new = _rows(ip_items, IP_FIELDS)
        if old != new:
            changes["ip_items"] = [old, new]
            if not new_record:
                achievement.ip_items.all().delete()
            IPItem.objects.bulk_create(
                [
                    IPItem(
                        achievement=achievement,
                        kind=i["kind"],
                        title=i.get("title", ""),
                        application_number=i.get("application_number", ""),
                        publication_number=i.get("publication_number", ""),
                    )
                    for i in ip_items
                ]
            )
    return changes


@transaction.atomic
def create_achievement(
    *,
    actor: User,
    organisation_id: int,
    data: Mapping[str, Any],
    contributors: Iterable[Mapping[str, Any]] | None = None,
    ip_items: Iterable[Mapping[str, Any]] | None = None,
    source: str = "",
    is_demo: bool = False,
) -> Achievement:
    """A member of the organisation creates a draft from validated `data` (see forms.AchievementForm)."""
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None or not (is_member(actor, org) or actor.is_platform_admin):
        raise DomainError(Errors.NOT_FOUND)
    achievement = Achievement.objects.create(
        organisation=org, region_id=org.region_id, created_by=actor, source=source, is_demo=is_demo, **_normalise(data)
    )
    _set_children(achievement, contributors, ip_items, new_record=True)
    record_event(
        actor=actor,
        action="achievement.create",
        obj=achievement,
        organisation=org,
        changes=snapshot(achievement, ["name", "kind", "status"]),
    )
    return achievement


def discard_imported_drafts(*, actor: User, achievement_ids: Iterable[int], comment: str, batch: int = 200) -> int:
    """Remove drafts an import created (the compensation of an all-or-nothing import whose saving,
    done in short transactions so that it does not hold the database's write lock for tens of
    seconds, failed or was cancelled part-way: see `io.import_rows` and ADR 0013).

    Only records still drafts created by `actor` are removed (one still being worked on is not
    someone's lost import); each removal writes `achievement.discard_import` with `comment`, in
    transactions of `batch` records. Contributors and IP items go with their record (cascade); the
    search outbox hears of the removal through the audit event. Returns how many were removed.
    """
    ids = list(achievement_ids)
    removed = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            drafts = list(
                Achievement.objects.select_for_update()
                .filter(pk__in=ids[start : start + batch], status=S.DRAFT, created_by=actor)
                .select_related("organisation")
                .order_by("pk")
            )
            for a in drafts:
                record_event(
                    actor=actor,
                    action="achievement.discard_import",
                    obj=a,
                    organisation=a.organisation,
                    changes=snapshot(a, ["name", "kind", "status"]),
                    comment=comment[:500],
                )
            Achievement.objects.filter(pk__in=[a.pk for a in drafts]).delete()
            removed += len(drafts)
    return removed


def can_edit(user: User, achievement: Achievement) -> bool:
    return (
        is_author(user, achievement.created_by_id, achievement.organisation_id)
        or is_org_admin(user, achievement.organisation_id)
        or user.is_platform_admin
    )


def awaits_verification(a: Achievement) -> bool:
    """Its organisation is not verified yet, so `submit_achievement` refuses it (`ORG_NOT_VERIFIED`):
    the record page offers no Submit then and tells the organisation's members why."""
    return a.organisation.status != OrganisationStatus.VERIFIED


@transaction.atomic
def update_achievement(
    *,
    actor: User,
    achievement_id: int,
    data: Mapping[str, Any],
    contributors: Iterable[Mapping[str, Any]] | None = None,
    ip_items: Iterable[Mapping[str, Any]] | None = None,
    loaded_at: str | None = None,
) -> Achievement:
    """Edit a draft or a returned record. Published records change through `propose_revision`.
    `loaded_at`: the version the edit form started from (`core.concurrency`)."""
    achievement = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if achievement is None or not can_edit(actor, achievement):
        raise DomainError(Errors.NOT_FOUND)
    if achievement.status not in EDITABLE_STATES:
        raise DomainError(AchievementErrors.NOT_EDITABLE, details={"status": achievement.status})
    check_unchanged(achievement, loaded_at)
    values = _normalise(data)
    before = snapshot(achievement, list(values))
    for k, v in values.items():
        setattr(achievement, k, v)
    changes = diff(before, snapshot(achievement, list(values)))
    if changes:
        achievement.save(update_fields=[*changes, "updated_at"])
    children = _set_children(achievement, contributors, ip_items)
    if children and not changes:
        achievement.save(update_fields=["updated_at"])  # a new version for `check_unchanged`, reindexed
    changes.update(children)
    if changes:
        record_event(
            actor=actor,
            action="achievement.update",
            obj=achievement,
            organisation=achievement.organisation,
            changes=changes,
        )
    return achievement


# --- attachments ----------------------------------------------------------------------------------

MAX_ATTACHMENTS = 10


@transaction.atomic
def add_attachment(*, actor: User, achievement_id: int, file: UploadedFile) -> Attachment:
    """Attach a PDF or image to a draft or returned record; the type is checked from the content."""
    a = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if a is None or not can_edit(actor, a):
        raise DomainError(Errors.NOT_FOUND)
    if a.status not in EDITABLE_STATES:
        raise DomainError(AchievementErrors.NOT_EDITABLE, details={"status": a.status})
    if a.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(AchievementErrors.TOO_MANY_ATTACHMENTS, details={"max": MAX_ATTACHMENTS})
    name = upload_name(file.name)
    mime = check_uploaded_file(file, name=name, size=file.size or 0)
    attachment = Attachment(achievement=a, name=name, mime=mime, size=file.size or 0, uploaded_by=actor)
    attachment.file.save(name, file, save=False)
    attachment.save()
    record_event(
        actor=actor,
        action="achievement.add_attachment",
        obj=a,
        organisation=a.organisation,
        changes={"attachment": name, "mime": mime, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, attachment_id: int) -> None:
    """Remove an attachment from a draft or returned record (the file is deleted after commit)."""
    attachment = Attachment.objects.select_related("achievement").filter(pk=attachment_id).first()
    if attachment is None or not can_edit(actor, attachment.achievement):
        raise DomainError(Errors.NOT_FOUND)
    a = Achievement.objects.select_for_update().get(pk=attachment.achievement_id)
    if a.status not in EDITABLE_STATES:
        raise DomainError(AchievementErrors.NOT_EDITABLE, details={"status": a.status})
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    record_event(
        actor=actor, action="achievement.remove_attachment", obj=a, organisation=a.organisation,
        changes={"attachment": attachment.name},
    )  # fmt: skip
    if path:
        transaction.on_commit(partial(storage.delete, path))


# --- workflow ----------------------------------------------------------------------------------------


def _org(a: Achievement) -> Organisation:
    return a.organisation


def _step(
    action: str,
    *,
    actor: User,
    achievement_id: int,
    guard: Callable[[Achievement], None],
    update: Callable[[Achievement], list[str]] | None = None,
    comment: str = "",
) -> Achievement:
    """One workflow step and its notices (`notices.achievement_step`: whoever waits next, the applicant)
    in one transaction: a refused or failed step tells nobody."""
    with transaction.atomic():
        a = ACHIEVEMENT_WORKFLOW.apply(
            pk=achievement_id, action=action, actor=actor, guard=guard, update=update, organisation=_org,
            comment=comment,
        )  # fmt: skip
        notices.achievement_step(a, action, actor=actor)
    return a


def submit_achievement(*, actor: User, achievement_id: int, comment: str = "") -> Achievement:
    """The author (or an org admin) submits to the organisation, whose admins are told; an org admin's
    submission is also confirmed (and the reviewers told).

    Both steps and the notices are one transaction: when the confirmation is refused (no reviewer)
    nothing changes and nobody is told.
    """

    def guard(a: Achievement) -> None:
        if not can_edit(actor, a):
            raise DomainError(Errors.NOT_FOUND)
        if awaits_verification(a):
            raise organisation_refusal(AchievementErrors.ORG_NOT_VERIFIED, actor, a.organisation)

    with transaction.atomic():
        a = ACHIEVEMENT_WORKFLOW.apply(
            pk=achievement_id, action="submit", actor=actor, guard=guard, organisation=_org, comment=comment,
            update=clear_review_comment,
        )  # fmt: skip
        if is_org_admin(actor, a.organisation_id):
            # Confirmed at once: `confirm` tells the reviewers, and no admin waits for it.
            return confirm_achievement(actor=actor, achievement_id=a.pk)
        notices.achievement_step(a, "submit", actor=actor)
    return a


def confirm_achievement(*, actor: User, achievement_id: int, comment: str = "") -> Achievement:
    """The org admin confirms; the record goes to the first level of its region's review route, whose
    reviewers are told."""
    holder: dict[str, Region] = {}

    def guard(a: Achievement) -> None:
        if not (is_org_admin(actor, a.organisation_id) or actor.is_platform_admin):
            raise DomainError(Errors.NOT_FOUND)
        levels = review_levels(a.region)
        if not levels:
            raise DomainError(AchievementErrors.NO_REVIEWER)
        holder["first"] = levels[0]

    def update(a: Achievement) -> list[str]:
        a.holder_region = holder["first"]
        return ["holder_region"]

    return _step("confirm", actor=actor, achievement_id=achievement_id, guard=guard, update=update, comment=comment)


def decline_achievement(*, actor: User, achievement_id: int, comment: str) -> Achievement:
    """The org admin sends a submission back to its author saying what must change (required, as for a
    government return); the applicant is told."""
    if not comment.strip():
        raise DomainError(Errors.VALIDATION, details={"comment": [str(_("Say what must change."))]})

    def guard(a: Achievement) -> None:
        if not (is_org_admin(actor, a.organisation_id) or actor.is_platform_admin):
            raise DomainError(Errors.NOT_FOUND)

    def update(a: Achievement) -> list[str]:
        a.review_comment = comment
        return ["review_comment"]

    return _step("decline", actor=actor, achievement_id=achievement_id, guard=guard, update=update, comment=comment)


def _holder_guard(actor: User) -> Any:
    def guard(a: Achievement) -> None:
        if a.holder_region_id is None or not reviews_for_region(actor, a.holder_region_id):
            raise DomainError(Errors.NOT_FOUND)
        refuse_own(actor, a.organisation_id)

    return guard


def start_review(*, actor: User, achievement_id: int) -> Achievement:
    """A reviewer of the level that holds the record takes it up."""
    return ACHIEVEMENT_WORKFLOW.apply(
        pk=achievement_id, action="start_review", actor=actor, guard=_holder_guard(actor), organisation=_org
    )


def passes_on(a: Achievement) -> bool:
    """Would approving `a` at the level that holds it pass it to a next level (rather than publish)?"""
    levels = [r.code for r in review_levels(a.region)]
    current = a.holder_region_id
    return current in levels and levels.index(current) < len(levels) - 1


def approve_achievement(*, actor: User, achievement_id: int, comment: str = "") -> Achievement:
    """Approve at the holding level: pass to the next level, or publish at the last one.

    Publishing assigns the registration number (locked counter, unique), `published_at` and a
    validity of one year (renewed yearly by the organisation). The applicant is told either way, the
    next level's reviewers when it is passed on.
    """
    with transaction.atomic():
        a = (
            Achievement.objects.select_for_update(of=("self",))
            .select_related("region")
            .filter(pk=achievement_id)
            .first()
        )
        if a is None:
            raise DomainError(Errors.NOT_FOUND)
        _holder_guard(actor)(a)
        levels = [r.code for r in review_levels(a.region)]
        current = a.holder_region_id
        later = levels[levels.index(current) + 1 :] if current in levels else []
        if later:

            def pass_update(x: Achievement) -> list[str]:
                x.holder_region_id = later[0]
                x.review_comment = comment
                return ["holder_region", "review_comment"]

            return _step(
                "pass_on", actor=actor, achievement_id=a.pk, guard=_holder_guard(actor), update=pass_update,
                comment=comment,
            )  # fmt: skip

        def publish_update(x: Achievement) -> list[str]:
            now = timezone.now()
            x.registration_number = next_registration_number(
                body_code=body_code_for(x.region), year=timezone.localdate(now).year, kind=x.kind
            )
            x.published_at = now
            x.valid_until = timezone.localdate(now) + VALIDITY
            x.holder_region = None
            x.review_comment = comment
            return ["registration_number", "published_at", "valid_until", "holder_region", "review_comment"]

        return _step(
            "publish", actor=actor, achievement_id=a.pk, guard=_holder_guard(actor), update=publish_update,
            comment=comment,
        )  # fmt: skip


def return_achievement(*, actor: User, achievement_id: int, comment: str) -> Achievement:
    """The holding level returns the record to the applicant with comments (required); the applicant is told."""
    if not comment.strip():
        raise DomainError(Errors.VALIDATION, details={"comment": [str(_("Say what must change."))]})

    def update(a: Achievement) -> list[str]:
        a.review_comment = comment
        a.holder_region = None
        return ["review_comment", "holder_region"]

    return _step(
        "return", actor=actor, achievement_id=achievement_id, guard=_holder_guard(actor), update=update, comment=comment
    )


def reject_achievement(*, actor: User, achievement_id: int, comment: str) -> Achievement:
    """The holding level rejects the record for good (reason required); the applicant is told."""
    if not comment.strip():
        raise DomainError(Errors.VALIDATION, details={"comment": [str(_("Give the reason."))]})

    def update(a: Achievement) -> list[str]:
        a.review_comment = comment
        a.holder_region = None
        return ["review_comment", "holder_region"]

    return _step(
        "reject", actor=actor, achievement_id=achievement_id, guard=_holder_guard(actor), update=update, comment=comment
    )


def withdraw_achievement(*, actor: User, achievement_id: int, comment: str) -> Achievement:
    """The organisation withdraws a published record from public view (its number stays reserved).

    The reason is required: it stays in the record's history for the public registry's reviewers."""
    if not comment.strip():
        raise DomainError(Errors.VALIDATION, details={"comment": [str(_("Give the reason."))]})

    def guard(a: Achievement) -> None:
        if not (is_org_admin(actor, a.organisation_id) or actor.is_platform_admin):
            raise DomainError(Errors.NOT_FOUND)

    return ACHIEVEMENT_WORKFLOW.apply(
        pk=achievement_id, action="withdraw", actor=actor, guard=guard, organisation=_org, comment=comment
    )


def expire_achievement(*, achievement_id: int) -> Achievement:
    """The system expires a published record whose validity ended (see `expire_due`)."""
    return ACHIEVEMENT_WORKFLOW.apply(pk=achievement_id, action="expire", actor=None, organisation=_org)


@transaction.atomic
def renew_achievement(*, actor: User, achievement_id: int) -> Achievement:
    """The organisation confirms the record is still current: validity extends one year from today."""
    a = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if a is None or not (is_org_admin(actor, a.organisation_id) or actor.is_platform_admin):
        raise DomainError(Errors.NOT_FOUND)
    if a.status != S.PUBLISHED:
        raise DomainError(Errors.INVALID_TRANSITION, details={"action": "renew", "state": a.status})
    before = snapshot(a, ["valid_until"])
    a.valid_until = timezone.localdate() + VALIDITY
    a.renewal_reminded_at = None
    a.save(update_fields=["valid_until", "renewal_reminded_at", "updated_at"])
    record_event(
        actor=actor,
        action="achievement.renew",
        obj=a,
        organisation=a.organisation,
        changes=diff(before, snapshot(a, ["valid_until"])),
    )
    return a


def expire_due(*, today: datetime.date | None = None) -> list[int]:
    """Expire every published record whose `valid_until` has passed; returns their ids."""
    today = today or timezone.localdate()
    ids = list(Achievement.objects.filter(status=S.PUBLISHED, valid_until__lt=today).values_list("pk", flat=True))
    for pk in ids:
        expire_achievement(achievement_id=pk)
    return ids


REMIND_BEFORE = datetime.timedelta(days=30)


def send_renewal_reminders(*, today: datetime.date | None = None) -> list[int]:
    """E-mail the admins of organisations whose published records expire within 30 days, once per record.

    Marks `renewal_reminded_at` with a conditional update, so two runs never remind twice; renewing
    clears the mark for the next year. Returns the ids reminded.
    """
    today = today or timezone.localdate()
    due = Achievement.objects.filter(
        status=S.PUBLISHED, valid_until__lte=today + REMIND_BEFORE, renewal_reminded_at__isnull=True
    ).select_related("organisation")
    reminded: list[int] = []
    for a in due:
        with transaction.atomic():
            if not Achievement.objects.filter(pk=a.pk, renewal_reminded_at__isnull=True).update(
                renewal_reminded_at=timezone.now()
            ):
                continue
            recipients = sorted(
                {
                    *Membership.objects.filter(
                        organisation_id=a.organisation_id, role=Role.ORG_ADMIN, is_active=True
                    ).values_list("user__email", flat=True),
                    a.contact_email,
                }
                - {""}
            )
            record_event(
                actor=None,
                action="achievement.renewal_reminder",
                obj=a,
                organisation=a.organisation,
                changes={"valid_until": str(a.valid_until), "recipients": len(recipients)},
            )
            subject = gettext("Please confirm that “%(name)s” is still current") % {"name": a.name}
            body = gettext(
                "The registry entry %(number)s “%(name)s” is valid until %(date)s. Open %(link)s and choose "
                "“Confirm still current” to keep it public for another year."
            ) % {
                "number": a.registration_number,
                "name": a.name,
                "date": a.valid_until,
                "link": f"{settings.SITE_URL}/achievements/{a.pk}/",
            }
            transaction.on_commit(
                partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
            )
            reminded.append(a.pk)
    return reminded


# --- revisions of published records -------------------------------------------------------------------


@transaction.atomic
def propose_revision(*, actor: User, achievement_id: int, data: Mapping[str, Any]) -> AchievementRevision:
    """Changes to a published record wait for review; the published version stays public meanwhile.

    The reviewers who may decide them are told (`notices.revision_proposed`)."""
    a = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if a is None or not can_edit(actor, a):
        raise DomainError(Errors.NOT_FOUND)
    if a.status != S.PUBLISHED:
        raise DomainError(AchievementErrors.NOT_EDITABLE, details={"status": a.status})
    if a.revisions.filter(status=AchievementRevision.Status.PENDING).exists():
        raise DomainError(AchievementErrors.REVISION_PENDING)
    values = _normalise(data)
    current = snapshot(a, list(values))
    proposed = {k: v for k, v in snapshot_values(values).items() if current.get(k) != v}
    if not proposed:
        raise DomainError(AchievementErrors.NOTHING_CHANGED)
    revision = AchievementRevision.objects.create(achievement=a, changes=proposed, submitted_by=actor)
    record_event(
        actor=actor,
        action="achievement.propose_revision",
        obj=a,
        organisation=a.organisation,
        changes={k: [current.get(k), v] for k, v in proposed.items()},
    )
    notices.revision_proposed(revision, actor=actor)
    return revision


def snapshot_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as JSON stores them (dates and decimals as text), to compare with `snapshot`."""
    return {k: jsonable(v) for k, v in values.items()}


@transaction.atomic
def decide_revision(*, actor: User, revision_id: int, approve: bool, comment: str = "") -> AchievementRevision:
    """A reviewer whose jurisdiction covers the record approves (applies) or rejects a revision.

    A rejection needs the reason (the comment). The change's author and the organisation's admins are
    told of the decision, with the comment (`notices.revision_decided`)."""
    comment = comment.strip()
    if not approve and not comment:
        raise DomainError(Errors.VALIDATION, details={"comment": [str(_("Give the reason."))]})
    revision = (
        AchievementRevision.objects.select_for_update(of=("self",))
        .select_related("achievement")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None or not may_act_on_region(actor, revision.achievement.region_id):
        raise DomainError(Errors.NOT_FOUND)
    refuse_own(actor, revision.achievement.organisation_id)
    if revision.status != AchievementRevision.Status.PENDING:
        raise DomainError(Errors.INVALID_TRANSITION, details={"action": "decide", "state": revision.status})
    a = Achievement.objects.select_for_update().get(pk=revision.achievement_id)
    revision.status = AchievementRevision.Status.APPROVED if approve else AchievementRevision.Status.REJECTED
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.comment = comment
    revision.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    changes: dict[str, Any] = {}
    if approve:
        form_values = _revision_values(a, revision.changes)
        before = snapshot(a, list(form_values))
        for k, v in form_values.items():
            setattr(a, k, v)
        a.save(update_fields=[*form_values, "updated_at"])
        changes = diff(before, snapshot(a, list(form_values)))
    record_event(
        actor=actor,
        action="achievement.approve_revision" if approve else "achievement.reject_revision",
        obj=a,
        organisation=a.organisation,
        changes=changes,
        comment=comment,
    )
    notices.revision_decided(revision, actor=actor)
    return revision


def _revision_values(a: Achievement, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Turn JSON-stored values back into field values (dates, decimals) through the model fields."""
    values: dict[str, Any] = {}
    for name, raw in stored.items():
        field = a._meta.get_field(name)
        values[name] = field.to_python(raw)  # type: ignore[union-attr]
    return values


# --- bulk numbering (demo loading) ----------------------------------------------------------------------


def reserve_registration_numbers(*, body_code: str, year: int, kind: str, count: int) -> list[str]:
    """`count` consecutive registration numbers at once, from the same counter and in the same format
    as `next_registration_number`. Call inside a transaction; the counter row is locked and advanced once.

    For publishing many records in one go (demo data): one locked update instead of one per record.
    """
    digit = KIND_DIGIT[kind]  # type: ignore[index]
    key = {"body_code": body_code, "year": year, "type_digit": digit}
    serials = take_serials(RegistrationCounter, key=key, maximum=9999, count=count)
    if serials is None:
        raise DomainError(AchievementErrors.SERIALS_EXHAUSTED)
    return [f"{body_code}{year:04d}{digit}{serial:04d}" for serial in serials]
