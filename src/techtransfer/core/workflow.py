"""The review-workflow helper every registry uses.

A `Workflow` is one explicit transition table for one status field. `Workflow.apply()` is the
recipe from STYLE.md in one place: lock the row, check the move is in the table, run the caller's
guard, set the new state, save with `update_fields`, write the audit event and schedule side
effects with `transaction.on_commit`.

`REVIEW_TRANSITIONS` is the shared table for registries (draft → submitted → under review →
published | returned | rejected; published → withdrawn | expired). Organisation verification uses
the same helper with its own table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core.choices import ReviewStatus
from techtransfer.core.errors import DomainError, Errors

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: Promise | str


def transition(action: str, sources: Iterable[str], target: str, label: Promise | str) -> Transition:
    return Transition(action=action, sources=frozenset(str(s) for s in sources), target=str(target), label=label)


REVIEW_TRANSITIONS: tuple[Transition, ...] = (
    transition("submit", [ReviewStatus.DRAFT, ReviewStatus.RETURNED], ReviewStatus.SUBMITTED, _("Submit")),
    transition("start_review", [ReviewStatus.SUBMITTED], ReviewStatus.UNDER_REVIEW, _("Start review")),
    transition("publish", [ReviewStatus.UNDER_REVIEW], ReviewStatus.PUBLISHED, _("Approve and publish")),
    transition(
        "return", [ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW], ReviewStatus.RETURNED, _("Return for changes")
    ),
    transition("reject", [ReviewStatus.UNDER_REVIEW], ReviewStatus.REJECTED, _("Reject")),
    transition("withdraw", [ReviewStatus.PUBLISHED], ReviewStatus.WITHDRAWN, _("Withdraw")),
    transition("expire", [ReviewStatus.PUBLISHED], ReviewStatus.EXPIRED, _("Expire")),
)


def clear_review_comment(obj: Any) -> list[str]:
    """The `update` of a submission: it answers the reviewer's last comment, which the record's page
    then no longer shows as current (the history keeps it). For records with a `review_comment`."""
    obj.review_comment = ""
    return ["review_comment"]


class Workflow(Generic[M]):
    """One transition table over one status field of one model."""

    def __init__(self, *, model: type[M], transitions: Iterable[Transition], field: str = "status") -> None:
        self.model = model
        self.field = field
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self.transitions:
                raise ValueError(f"duplicate action {t.action!r}")
            self.transitions[t.action] = t

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def allowed_actions(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def can(self, state: str, action: str) -> bool:
        t = self.transitions.get(action)
        return t is not None and state in t.sources

    def apply(
        self,
        *,
        pk: Any,
        action: str,
        actor: Any,
        guard: Callable[[M], None] | None = None,
        update: Callable[[M], Iterable[str]] | None = None,
        organisation: Callable[[M], Any] | None = None,
        comment: str = "",
        after_commit: Callable[[M], None] | None = None,
    ) -> M:
        """Move the object with primary key `pk` along `action`.

        `guard(obj)` raises `DomainError` to refuse (permissions, business rules); it sees the locked
        row. `update(obj)` sets further fields and returns their names. Raises
        `DomainError(INVALID_TRANSITION)` when the move is not in the table for the current state,
        and `DomainError(NOT_FOUND)` when the row does not exist. Writes one audit event named
        `<model>.<action>`; `after_commit(obj)` runs only if the transaction commits.
        """
        t = self.transitions.get(action)
        if t is None:
            raise DomainError(Errors.INVALID_TRANSITION, details={"action": action})
        with transaction.atomic():
            obj = self.model._default_manager.select_for_update().filter(pk=pk).first()
            if obj is None:
                raise DomainError(Errors.NOT_FOUND)
            state = self.state_of(obj)
            if state not in t.sources:
                shown = dict(obj._meta.get_field(self.field).flatchoices).get(state, state)  # type: ignore[union-attr]
                raise DomainError(
                    Errors.INVALID_TRANSITION, details={"action": action, "state": state, "state_label": str(shown)}
                )
            if guard is not None:
                guard(obj)
            before = snapshot(obj, [f.name for f in obj._meta.concrete_fields])
            setattr(obj, self.field, t.target)
            extra = list(update(obj)) if update is not None else []
            fields = [self.field, *extra]
            if any(f.name == "updated_at" for f in obj._meta.get_fields()):
                fields.append("updated_at")
            obj.save(update_fields=fields)
            record_event(
                actor=actor,
                action=f"{obj._meta.model_name}.{action}",
                obj=obj,
                organisation=organisation(obj) if organisation is not None else None,
                changes=diff(before, snapshot(obj, [self.field, *extra])),
                comment=comment,
            )
            if after_commit is not None:
                transaction.on_commit(lambda: after_commit(obj))
        return obj
