"""Every write to catalogues (成果目录): create, edit, entries, workflow, admissions.

A government official or reviewer of the owner department (or a platform admin) compiles a draft
from filters over published records (`add_entries_from_filters`) and by hand (`add_entry`), orders
the entries and writes an editorial note per entry, then publishes it. A published catalogue is
frozen; withdraw and reopen it to change it. Military-to-civilian catalogues admit verified
organisations one by one.

Each write locks the catalogue row first (then achievements, in primary-key order), so positions
stay 1..n without gaps under concurrent edits, and writes one audit event on the catalogue.
"""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import notices
from techtransfer.achievements.access import PUBLIC_Q, public_achievements
from techtransfer.achievements.catalogue_access import catalogue_entries, editable_departments, may_edit_catalogue
from techtransfer.achievements.models import Achievement, Catalogue, CatalogueAccess, CatalogueEntry
from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.models import Organisation, User
from techtransfer.core.workflow import Workflow, transition

MAX_ENTRIES = 500
NOTE_MAX = 1000
C = Catalogue.Status


class CatalogueErrors:
    NOT_DRAFT = ErrorCode(
        "catalogue_not_draft", _("Only a draft catalogue can be changed. Withdraw and reopen it first."), 409
    )
    NOT_PUBLISHED_RECORD = ErrorCode(
        "achievement_not_published", _("Only published, public achievements can be added to a catalogue."), 409
    )
    ALREADY_IN_CATALOGUE = ErrorCode("already_in_catalogue", _("This achievement is already in the catalogue."), 409)
    TOO_MANY_ENTRIES = ErrorCode(
        "catalogue_too_large", _("A catalogue holds at most 500 entries. Narrow the filters."), 409
    )
    EMPTY = ErrorCode("catalogue_empty", _("Add at least one achievement before publishing."), 409)
    STALE_ENTRIES = ErrorCode(
        "catalogue_stale_entries",
        _("Some entries are no longer published. Remove them before publishing."),
        409,
    )
    NOT_RESTRICTED = ErrorCode(
        "catalogue_not_restricted", _("Only military-to-civilian catalogues admit organisations."), 409
    )
    ORG_NOT_VERIFIED = ErrorCode("catalogue_org_not_verified", _("Only verified organisations can be admitted."), 409)
    ALREADY_ADMITTED = ErrorCode("already_admitted", _("This organisation is already admitted."), 409)


CATALOGUE_WORKFLOW: Workflow[Catalogue] = Workflow(
    model=Catalogue,
    transitions=[
        transition("publish", [C.DRAFT], C.PUBLISHED, _("Publish")),
        transition("withdraw", [C.PUBLISHED], C.WITHDRAWN, _("Withdraw")),
        transition("reopen", [C.WITHDRAWN], C.DRAFT, _("Reopen as draft")),
    ],
)

METADATA_FIELDS = ("title", "year", "kind", "description")


@dataclass(frozen=True)
class CatalogueCriteria:
    """Filters over published achievements; empty values do not filter. Built by CatalogueFilterForm."""

    q: str = ""
    plan_industry: str = ""
    emerging_industry: str = ""
    discipline: str = ""
    discipline_category: str = ""
    achievement_kind: str = ""
    stage: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    region_prefix: str = ""
    transfer_mode: str = ""
    published_year: int | None = None
    embodiment: str = ""
    evaluation_level: str = ""

    def as_json(self) -> dict[str, Any]:
        """The filters that were set, as stored in `Catalogue.criteria` and in audit events."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


# --- reads used by services and views ------------------------------------------------------------


def matching_achievements(criteria: CatalogueCriteria) -> QuerySet[Achievement]:
    """Published, public achievements matching `criteria`, by region then registration number.

    The transfer mode is a JSON list; where the database cannot test list membership (SQLite)
    `matching_ids` applies that filter in Python.
    """
    qs = public_achievements()
    c = criteria
    if c.q:
        qs = qs.filter(Q(name__icontains=c.q) | Q(abstract__icontains=c.q))
    simple = {
        "plan_industry": c.plan_industry,
        "emerging_industry": c.emerging_industry,
        "discipline": c.discipline,
        "discipline_category": c.discipline_category,
        "kind": c.achievement_kind,
        "stage": c.stage,
        "embodiment": c.embodiment,
        "evaluation_level": c.evaluation_level,
    }
    qs = qs.filter(**{k: v for k, v in simple.items() if v})
    if c.trl_min is not None:
        qs = qs.filter(trl__gte=c.trl_min)
    if c.trl_max is not None:
        qs = qs.filter(trl__lte=c.trl_max)
    if c.region_prefix:
        qs = qs.filter(region__code__startswith=c.region_prefix)
    if c.published_year is not None:
        start = timezone.make_aware(datetime.datetime(c.published_year, 1, 1))
        end = timezone.make_aware(datetime.datetime(c.published_year + 1, 1, 1))
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    if c.transfer_mode and connection.features.supports_json_field_contains:
        qs = qs.filter(transfer_modes__contains=[c.transfer_mode])
    return qs.order_by("region__code", "registration_number", "pk")


def matching_ids(criteria: CatalogueCriteria, *, exclude_catalogue: Catalogue | None = None) -> list[int]:
    """Primary keys of the matching achievements, in catalogue order, minus those already in a catalogue."""
    qs = matching_achievements(criteria)
    if exclude_catalogue is not None:
        qs = qs.exclude(catalogue_entries__catalogue=exclude_catalogue)
    rows = list(qs.values_list("pk", "transfer_modes"))
    mode = criteria.transfer_mode
    return [pk for pk, modes in rows if not mode or mode in (modes or [])]


# --- helpers --------------------------------------------------------------------------------------


def _lock_for_edit(actor: User, catalogue_id: int, *, draft_only: bool = True) -> Catalogue:
    """Lock the catalogue row; refuse (as not found) anyone who may not edit it."""
    catalogue = Catalogue.objects.select_for_update().filter(pk=catalogue_id).first()
    if catalogue is None or not may_edit_catalogue(actor, catalogue):
        raise DomainError(Errors.NOT_FOUND)
    if draft_only and catalogue.status != C.DRAFT:
        raise DomainError(CatalogueErrors.NOT_DRAFT, details={"status": catalogue.status})
    return catalogue


def _entry_catalogue_id(entry_id: int) -> int:
    catalogue_id = CatalogueEntry.objects.filter(pk=entry_id).values_list("catalogue_id", flat=True).first()
    if catalogue_id is None:
        raise DomainError(Errors.NOT_FOUND)
    return catalogue_id


def _next_position(catalogue: Catalogue) -> int:
    last = catalogue.entries.aggregate(m=Max("position"))["m"]
    return int(last or 0) + 1


def _owner(catalogue: Catalogue) -> Organisation:
    return catalogue.owner


# --- create and edit --------------------------------------------------------------------------------


def _clean_metadata(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in METADATA_FIELDS if k in data}
    if "title" in values:
        values["title"] = str(values["title"]).strip()
        if not values["title"]:
            raise DomainError(Errors.VALIDATION, details={"title": [str(_("Give the catalogue a title."))]})
    if "kind" in values and values["kind"] not in Catalogue.Kind.values:
        raise DomainError(Errors.VALIDATION, details={"kind": [str(_("Unknown catalogue kind."))]})
    if "year" in values and not 2000 <= int(values["year"]) <= 2100:
        raise DomainError(Errors.VALIDATION, details={"year": [str(_("Give a year between 2000 and 2100."))]})
    return values


@transaction.atomic
def create_catalogue(*, actor: User, owner_id: int, data: dict[str, Any]) -> Catalogue:
    """An official or reviewer of the government department `owner_id` starts a draft catalogue.

    `data` holds title, year, kind and description (validated by CatalogueForm). Writes
    `catalogue.create`. Raises NOT_FOUND when `actor` may not compile catalogues for that department.
    """
    owner = editable_departments(actor).filter(pk=owner_id).first()
    if owner is None:
        raise DomainError(Errors.NOT_FOUND)
    values = _clean_metadata(data)
    catalogue = Catalogue.objects.create(owner=owner, created_by=actor, **values)
    record_event(
        actor=actor,
        action="catalogue.create",
        obj=catalogue,
        organisation=owner,
        changes=snapshot(catalogue, ["title", "year", "kind", "owner", "status"]),
    )
    return catalogue


@transaction.atomic
def update_catalogue(*, actor: User, catalogue_id: int, data: dict[str, Any]) -> Catalogue:
    """Change title, year, kind or description of a draft; writes `catalogue.update` when something changed."""
    catalogue = _lock_for_edit(actor, catalogue_id)
    values = _clean_metadata(data)
    before = snapshot(catalogue, list(values))
    for k, v in values.items():
        setattr(catalogue, k, v)
    changes = diff(before, snapshot(catalogue, list(values)))
    if changes:
        catalogue.save(update_fields=[*changes, "updated_at"])
        record_event(
            actor=actor, action="catalogue.update", obj=catalogue, organisation=catalogue.owner, changes=changes
        )
    return catalogue


# --- entries ------------------------------------------------------------------------------------------


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DomainError(Errors.VALIDATION, details={"note": [str(_("At most 1,000 characters."))], "field": "note"})
    return note


@transaction.atomic
def add_entry(*, actor: User, catalogue_id: int, achievement_id: int, note: str = "") -> CatalogueEntry:
    """Add one published, public achievement at the end of a draft catalogue (manual curation).

    Locks the catalogue, then the achievement (so that it cannot be withdrawn meanwhile). Writes
    `catalogue.add_entry`.
    """
    catalogue = _lock_for_edit(actor, catalogue_id)
    note = _clean_note(note)
    achievement = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if achievement is None:
        raise DomainError(Errors.NOT_FOUND)
    if not Achievement.objects.filter(PUBLIC_Q, pk=achievement.pk).exists():
        raise DomainError(CatalogueErrors.NOT_PUBLISHED_RECORD, details={"status": achievement.status})
    if catalogue.entries.filter(achievement=achievement).exists():
        raise DomainError(CatalogueErrors.ALREADY_IN_CATALOGUE)
    if catalogue.entries.count() >= MAX_ENTRIES:
        raise DomainError(CatalogueErrors.TOO_MANY_ENTRIES, details={"max": MAX_ENTRIES})
    entry = CatalogueEntry.objects.create(
        catalogue=catalogue, achievement=achievement, position=_next_position(catalogue), note=note, added_by=actor
    )
    record_event(
        actor=actor,
        action="catalogue.add_entry",
        obj=catalogue,
        organisation=catalogue.owner,
        changes={"achievement": [None, achievement.pk], "position": [None, entry.position]},
    )
    return entry


@transaction.atomic
def add_entries_from_filters(*, actor: User, catalogue_id: int, criteria: CatalogueCriteria) -> int:
    """Append every published, public achievement matching `criteria` that is not yet in the draft.

    Returns how many were added (0 changes nothing). The filters and the count are appended to
    `Catalogue.criteria`; writes one `catalogue.add_entries` event listing the achievement ids.
    Refuses (TOO_MANY_ENTRIES, nothing added) when the catalogue would exceed MAX_ENTRIES.
    """
    catalogue = _lock_for_edit(actor, catalogue_id)
    ids = matching_ids(criteria, exclude_catalogue=catalogue)
    if not ids:
        return 0
    existing = catalogue.entries.count()
    if existing + len(ids) > MAX_ENTRIES:
        raise DomainError(
            CatalogueErrors.TOO_MANY_ENTRIES, details={"max": MAX_ENTRIES, "existing": existing, "matching": len(ids)}
        )
    # Lock the achievements (primary-key order) and keep those still published once locked.
    still_public = set(
        Achievement.objects.select_for_update().filter(PUBLIC_Q, pk__in=ids).order_by("pk").values_list("pk", flat=True)
    )
    ids = [pk for pk in ids if pk in still_public]
    start = _next_position(catalogue)
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(catalogue=catalogue, achievement_id=pk, position=start + i, added_by=actor)
            for i, pk in enumerate(ids)
        ]
    )
    applied = {**criteria.as_json(), "added": len(ids), "at": timezone.now().isoformat(timespec="seconds")}
    catalogue.criteria = [*(catalogue.criteria or []), applied]
    catalogue.save(update_fields=["criteria", "updated_at"])
    record_event(
        actor=actor,
        action="catalogue.add_entries",
        obj=catalogue,
        organisation=catalogue.owner,
        changes={"criteria": criteria.as_json(), "added": len(ids), "achievements": ids},
    )
    return len(ids)


@transaction.atomic
def remove_entry(*, actor: User, entry_id: int) -> Catalogue:
    """Remove an entry from a draft; later entries move up one place. Writes `catalogue.remove_entry`."""
    catalogue = _lock_for_edit(actor, _entry_catalogue_id(entry_id))
    entry = catalogue.entries.filter(pk=entry_id).first()
    if entry is None:
        raise DomainError(Errors.NOT_FOUND)
    position, achievement_id = entry.position, entry.achievement_id
    entry.delete()
    catalogue.entries.filter(position__gt=position).update(position=F("position") - 1)
    record_event(
        actor=actor,
        action="catalogue.remove_entry",
        obj=catalogue,
        organisation=catalogue.owner,
        changes={"achievement": [achievement_id, None], "position": [position, None]},
    )
    return catalogue


@transaction.atomic
def move_entry(*, actor: User, entry_id: int, position: int) -> CatalogueEntry:
    """Move an entry of a draft to `position` (clamped to 1..n); the others shift to close the gap.

    Writes `catalogue.move_entry` when the position changed.
    """
    catalogue = _lock_for_edit(actor, _entry_catalogue_id(entry_id))
    entry = catalogue.entries.filter(pk=entry_id).first()
    if entry is None:
        raise DomainError(Errors.NOT_FOUND)
    count = catalogue.entries.count()
    target = max(1, min(int(position), count))
    old = entry.position
    if target == old:
        return entry
    if target < old:
        catalogue.entries.filter(position__gte=target, position__lt=old).update(position=F("position") + 1)
    else:
        catalogue.entries.filter(position__gt=old, position__lte=target).update(position=F("position") - 1)
    entry.position = target
    entry.save(update_fields=["position"])
    record_event(
        actor=actor,
        action="catalogue.move_entry",
        obj=catalogue,
        organisation=catalogue.owner,
        changes={"achievement": entry.achievement_id, "position": [old, target]},
    )
    return entry


@transaction.atomic
def set_entry_note(*, actor: User, entry_id: int, note: str) -> CatalogueEntry:
    """Set the editorial note (编者按) of an entry of a draft; writes `catalogue.set_note` when it changed."""
    catalogue = _lock_for_edit(actor, _entry_catalogue_id(entry_id))
    note = _clean_note(note)
    entry = catalogue.entries.filter(pk=entry_id).first()
    if entry is None:
        raise DomainError(Errors.NOT_FOUND)
    if entry.note != note:
        old = entry.note
        entry.note = note
        entry.save(update_fields=["note"])
        record_event(
            actor=actor,
            action="catalogue.set_note",
            obj=catalogue,
            organisation=catalogue.owner,
            changes={"achievement": entry.achievement_id, "note": [old, note]},
        )
    return entry


# --- workflow ----------------------------------------------------------------------------------------


def _editor_guard(actor: User) -> Any:
    def guard(c: Catalogue) -> None:
        if not may_edit_catalogue(actor, c):
            raise DomainError(Errors.NOT_FOUND)

    return guard


@transaction.atomic
def publish_catalogue(*, actor: User, catalogue_id: int, comment: str = "") -> Catalogue:
    """Publish a draft: it needs at least one entry and every entry must still be published and public.

    Sets `published_at`; writes `catalogue.publish`. For a military-to-civilian catalogue, the admins of
    the admitted organisations are notified that they may now read it.
    """

    def guard(c: Catalogue) -> None:
        _editor_guard(actor)(c)
        total = c.entries.count()
        if total == 0:
            raise DomainError(CatalogueErrors.EMPTY)
        public = catalogue_entries(c).count()
        if public != total:
            stale = c.entries.exclude(pk__in=catalogue_entries(c).values("pk")).select_related("achievement")
            raise DomainError(CatalogueErrors.STALE_ENTRIES, details={"entries": [e.achievement.name for e in stale]})

    def update(c: Catalogue) -> list[str]:
        c.published_at = timezone.now()
        return ["published_at"]

    catalogue = CATALOGUE_WORKFLOW.apply(
        pk=catalogue_id, action="publish", actor=actor, guard=guard, update=update, organisation=_owner, comment=comment
    )
    notices.catalogue_opened(catalogue)
    return catalogue


def withdraw_catalogue(*, actor: User, catalogue_id: int, comment: str = "") -> Catalogue:
    """Take a published catalogue off the public list; writes `catalogue.withdraw`."""
    return CATALOGUE_WORKFLOW.apply(
        pk=catalogue_id, action="withdraw", actor=actor, guard=_editor_guard(actor), organisation=_owner,
        comment=comment,
    )  # fmt: skip


def reopen_catalogue(*, actor: User, catalogue_id: int, comment: str = "") -> Catalogue:
    """Turn a withdrawn catalogue back into a draft so that it can be changed; writes `catalogue.reopen`."""
    return CATALOGUE_WORKFLOW.apply(
        pk=catalogue_id, action="reopen", actor=actor, guard=_editor_guard(actor), organisation=_owner,
        comment=comment,
    )  # fmt: skip


def apply_transition(*, actor: User, catalogue_id: int, action: str, comment: str = "") -> Catalogue:
    """Dispatch a workflow action chosen in the editor."""
    functions = {"publish": publish_catalogue, "withdraw": withdraw_catalogue, "reopen": reopen_catalogue}
    fn = functions.get(action)
    if fn is None:
        raise DomainError(Errors.INVALID_TRANSITION, details={"action": action})
    return fn(actor=actor, catalogue_id=catalogue_id, comment=comment)


# --- access to military-to-civilian catalogues -------------------------------------------------------


@transaction.atomic
def admit_organisation(*, actor: User, catalogue_id: int, organisation_id: int) -> CatalogueAccess:
    """Admit a verified organisation to a military-to-civilian catalogue (in any state).

    Its members then see the catalogue once published. Writes `catalogue.admit`; if the catalogue is
    published, the organisation's admins are notified (otherwise when it is published).
    """
    catalogue = _lock_for_edit(actor, catalogue_id, draft_only=False)
    if not catalogue.is_restricted:
        raise DomainError(CatalogueErrors.NOT_RESTRICTED)
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None:
        raise DomainError(Errors.NOT_FOUND)
    if org.status != OrganisationStatus.VERIFIED:
        raise DomainError(CatalogueErrors.ORG_NOT_VERIFIED, details={"status": org.status})
    if CatalogueAccess.objects.filter(catalogue=catalogue, organisation=org).exists():
        raise DomainError(CatalogueErrors.ALREADY_ADMITTED)
    grant = CatalogueAccess.objects.create(catalogue=catalogue, organisation=org, admitted_by=actor)
    record_event(
        actor=actor,
        action="catalogue.admit",
        obj=catalogue,
        organisation=catalogue.owner,
        changes={"organisation": [None, org.pk]},
    )
    notices.catalogue_opened(catalogue, [org.pk])
    return grant


@transaction.atomic
def revoke_organisation(*, actor: User, catalogue_id: int, organisation_id: int) -> Catalogue:
    """Withdraw an organisation's admission; writes `catalogue.revoke`."""
    catalogue = _lock_for_edit(actor, catalogue_id, draft_only=False)
    deleted, _rows = CatalogueAccess.objects.filter(catalogue=catalogue, organisation_id=organisation_id).delete()
    if not deleted:
        raise DomainError(Errors.NOT_FOUND)
    record_event(
        actor=actor,
        action="catalogue.revoke",
        obj=catalogue,
        organisation=catalogue.owner,
        changes={"organisation": [organisation_id, None]},
    )
    return catalogue
