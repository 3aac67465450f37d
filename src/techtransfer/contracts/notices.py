"""What contract registration tells people, through the shared notifications app: the registration
point's reviewers when a contract is submitted to it; the contract's author and its organisation's
admins when it is registered (with the number) or refused (with the reason). The actor is never told
of their own step. Titles are functions: each is written in each recipient's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techtransfer.contracts.models import Contract
from techtransfer.core.jurisdiction import reviewer_ids
from techtransfer.core.models import User
from techtransfer.core.roles import admin_ids
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

CONTRACT_WAITING = register_kind("contracts.waiting", _("Contracts waiting for my registration"))
CONTRACT_DECIDED = register_kind("contracts.decided", _("Registration decisions on my contracts"))


def submitted(contract: Contract, actor: User) -> None:
    """The reviewers of the registration point the contract was sent to (`submit_contract` chose it)."""
    point = contract.registration_point
    if point is None:
        return
    parties = contract.parties.exclude(organisation=None).values_list("organisation_id", flat=True)
    notify(
        user_ids=[pk for pk in reviewer_ids(point.region_id, [contract.organisation_id, *parties]) if pk != actor.pk],
        kind=CONTRACT_WAITING,
        title=lambda: str(_("Contract waiting for registration: “%(name)s”")) % {"name": contract.name},
        body=contract.organisation.name,
        url=reverse("contracts:detail", args=[contract.pk]),
    )


def decided(contract: Contract, actor: User, action: str) -> None:
    """`action`: register or refuse. Registered: the number is named; refused: the reason is the body."""
    if action == "register":
        number = contract.registration_number or ""
        title = lambda: (  # noqa: E731
            str(_("Contract “%(name)s” registered: %(number)s")) % {"name": contract.name, "number": number}
        )
        body = ""
    else:
        title = lambda: str(_("Contract “%(name)s” was not registered")) % {"name": contract.name}  # noqa: E731
        body = contract.decision_reason
    notify(
        user_ids=[pk for pk in {contract.created_by_id, *admin_ids([contract.organisation_id])} if pk != actor.pk],
        kind=CONTRACT_DECIDED,
        title=title,
        body=body,
        url=reverse("contracts:detail", args=[contract.pk]),
    )
