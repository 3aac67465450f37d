"""Every write to technology needs: drafts and the shared review workflow.

Flow: a member of the organisation drafts a need and submits it (the organisation must be verified)
→ a government reviewer whose jurisdiction covers the organisation's region starts the review → publishes,
returns it with a comment, or rejects it. The owning organisation may withdraw a published need.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core.choices import OrganisationStatus, ReviewStatus
from techtransfer.core.concurrency import check_unchanged
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.jurisdiction import may_act_on_region
from techtransfer.core.models import Organisation, User
from techtransfer.core.roles import decides_own, is_author, is_member, is_org_admin, organisation_refusal, refuse_own
from techtransfer.core.workflow import REVIEW_TRANSITIONS, Workflow, clear_review_comment
from techtransfer.needs import notices
from techtransfer.needs.errors import NeedErrors
from techtransfer.needs.models import Need

S = ReviewStatus
NEED_WORKFLOW: Workflow[Need] = Workflow(model=Need, transitions=REVIEW_TRANSITIONS)
DATA_FIELDS = (
    "title", "summary", "description", "indicators", "industry", "region", "budget_min", "budget_max",
    "cooperation_modes", "deadline", "confidentiality", "required_trl",
)  # fmt: skip
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})


def can_edit_need(user: User, need: Need) -> bool:
    return bool(
        user.is_authenticated
        and (
            is_author(user, need.created_by_id, need.organisation_id)
            or is_org_admin(user, need.organisation_id)
            or user.is_platform_admin
        )
    )


def awaits_verification(need: Need) -> bool:
    """Its organisation is not verified yet, so `submit_need` refuses it (`ORG_NOT_VERIFIED`): the need
    page offers no Submit then and tells the organisation's members why."""
    return need.organisation.status != OrganisationStatus.VERIFIED


def can_review_need(user: User, need: Need) -> bool:
    """Reviewers of the organisation's region, as for achievements, listings and contracts: the
    need's `region` is typed by the submitter (where the technology is wanted) and must not choose
    who reviews it."""
    return bool(user.is_authenticated and may_act_on_region(user, need.organisation.region_id))


@transaction.atomic
def create_need(
    *, actor: User, organisation_id: int, data: Mapping[str, Any], source: str = "", is_demo: bool = False
) -> Need:
    """A member of the organisation creates a draft from validated `data` (see forms.NeedForm.values())."""
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None or not (is_member(actor, org) or actor.is_platform_admin):
        raise DomainError(Errors.NOT_FOUND)
    values = {k: data[k] for k in DATA_FIELDS if k in data}
    values.setdefault("region", org.region)
    need = Need.objects.create(organisation=org, created_by=actor, source=source, is_demo=is_demo, **values)
    record_event(
        actor=actor, action="need.create", obj=need, organisation=org,
        changes=snapshot(need, ["title", "status", "region"]),
    )  # fmt: skip
    return need


@transaction.atomic
def update_need(*, actor: User, need_id: int, data: Mapping[str, Any], loaded_at: str | None = None) -> Need:
    """Edit a draft or returned need; published needs are withdrawn and re-drafted instead.
    `loaded_at`: the version the edit form started from (`core.concurrency`)."""
    need = Need.objects.select_for_update().filter(pk=need_id).first()
    if need is None or not can_edit_need(actor, need):
        raise DomainError(Errors.NOT_FOUND)
    if need.status not in EDITABLE_STATES:
        raise DomainError(NeedErrors.NOT_EDITABLE, details={"status": need.status})
    check_unchanged(need, loaded_at)
    values = {k: data[k] for k in DATA_FIELDS if k in data}
    before = snapshot(need, list(values))
    for k, v in values.items():
        setattr(need, k, v)
    changes = diff(before, snapshot(need, list(values)))
    if changes:
        need.save(update_fields=[*changes, "updated_at"])
        record_event(actor=actor, action="need.update", obj=need, organisation=need.organisation, changes=changes)
    return need


def _org(n: Need) -> Organisation:
    return n.organisation


def submit_need(*, actor: User, need_id: int, comment: str = "") -> Need:
    """The author or an org admin sends the need to the government reviewers of its organisation's
    region; those of the nearest department are told (`notices.need_submitted`)."""

    def guard(n: Need) -> None:
        if not can_edit_need(actor, n):
            raise DomainError(Errors.NOT_FOUND)
        if awaits_verification(n):
            raise organisation_refusal(NeedErrors.ORG_NOT_VERIFIED, actor, n.organisation)

    with transaction.atomic():
        need = NEED_WORKFLOW.apply(
            pk=need_id, action="submit", actor=actor, guard=guard, organisation=_org, comment=comment,
            update=clear_review_comment,
        )  # fmt: skip
        notices.need_submitted(need, actor)
    return need


def can_decide_need(user: User, need: Need) -> bool:
    """May `user` take up, return, reject or publish `need`? Its reviewers (`can_review_need`) who do
    not belong to its organisation (`decides_own`)."""
    return can_review_need(user, need) and not decides_own(user, need.organisation_id)


def _reviewer_guard(actor: User) -> Any:
    def guard(n: Need) -> None:
        if not can_review_need(actor, n):
            raise DomainError(Errors.NOT_FOUND)
        refuse_own(actor, n.organisation_id)

    return guard


def review_need(*, actor: User, need_id: int, action: str, comment: str = "") -> Need:
    """A reviewer of the organisation's jurisdiction: `start_review`, `publish`, `return` or `reject`.

    Publishing stamps `published_at`; returning and rejecting need a reason (as for achievements and
    listings), kept as the comment for the author.
    """
    if action not in ("start_review", "publish", "return", "reject"):
        raise DomainError(Errors.INVALID_TRANSITION, details={"action": action})
    if action in ("return", "reject") and not comment.strip():
        message = _("Say what must change.") if action == "return" else _("Give the reason.")
        raise DomainError(Errors.VALIDATION, details={"comment": [str(message)]})

    def update(n: Need) -> list[str]:
        if action == "publish":
            n.published_at = timezone.now()
            return ["published_at"]
        if action in ("return", "reject"):
            n.review_comment = comment
            return ["review_comment"]
        return []

    with transaction.atomic():
        need = NEED_WORKFLOW.apply(
            pk=need_id, action=action, actor=actor, guard=_reviewer_guard(actor), update=update, organisation=_org,
            comment=comment,
        )  # fmt: skip
        if action != "start_review":
            notices.need_reviewed(need, action)
    return need


def withdraw_need(*, actor: User, need_id: int, comment: str = "") -> Need:
    """The owning organisation takes a published need off the public list."""

    def guard(n: Need) -> None:
        if not can_edit_need(actor, n):
            raise DomainError(Errors.NOT_FOUND)

    return NEED_WORKFLOW.apply(
        pk=need_id, action="withdraw", actor=actor, guard=guard, organisation=_org, comment=comment
    )
