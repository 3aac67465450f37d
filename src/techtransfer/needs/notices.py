"""What needs and challenges tell people, through the shared notifications app.

Messages name the need or challenge and link to a permission-checked page; they never carry proposal
content, a solver's identity to other solvers, or scores of others. Titles are functions: each is
written in each recipient's language.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techtransfer.core.jurisdiction import nearest_reviewer_ids
from techtransfer.core.models import User
from techtransfer.needs.models import Challenge, Need, Proposal
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

NEED_WAITING = register_kind("needs.waiting", _("Needs waiting for my review"))
NEED_REVIEWED = register_kind("needs.reviewed", _("Review decisions on my needs"))
PROPOSAL_RECEIVED = register_kind("needs.proposal_received", _("New proposals to my challenges"))
PANEL = register_kind("needs.panel", _("Expert panels I am put on"))
RESULTS = register_kind("needs.results", _("Results of challenges I took part in"))


def need_submitted(need: Need, actor: User) -> None:
    """The reviewers of the nearest department covering the organisation's region (`can_review_need`
    lets any covering reviewer act; the nearest is the one expected to); not the submitter."""
    notify(
        user_ids=[
            pk for pk in nearest_reviewer_ids(need.organisation.region_id, [need.organisation_id]) if pk != actor.pk
        ],
        kind=NEED_WAITING,
        title=lambda: str(_("Need waiting for your review: “%(title)s”")) % {"title": need.title},
        body=need.organisation.name,
        url=reverse("needs:detail", args=[need.pk]),
    )


def need_reviewed(need: Need, action: str) -> None:
    notify(
        user_ids=[need.created_by_id],
        kind=NEED_REVIEWED,
        title=lambda: (
            str(_("Your need “%(title)s”: %(status)s")) % {"title": need.title, "status": need.get_status_display()}
        ),
        body=need.review_comment if action in ("return", "reject") else "",
        url=reverse("needs:detail", args=[need.pk]),
    )


def proposal_received(challenge: Challenge) -> None:
    notify(
        user_ids=[challenge.need.created_by_id],
        kind=PROPOSAL_RECEIVED,
        title=lambda: str(_("A new proposal was submitted to “%(title)s”")) % {"title": challenge.need.title},
        url=reverse("challenges:detail", args=[challenge.pk]),
    )


def put_on_panel(challenge: Challenge, user_id: int) -> None:
    notify(
        user_ids=[user_id],
        kind=PANEL,
        title=lambda: str(_("You are on the expert panel of “%(title)s”")) % {"title": challenge.need.title},
        url=reverse("challenges:detail", args=[challenge.pk]),
    )


def results_out(challenge: Challenge) -> None:
    solvers = Proposal.objects.filter(challenge=challenge).values_list("solver_id", flat=True)
    notify(
        user_ids=list(solvers),
        kind=RESULTS,
        title=lambda: (
            str(_("Results of “%(title)s” are out; your feedback is ready")) % {"title": challenge.need.title}
        ),
        url=reverse("challenges:detail", args=[challenge.pk]),
    )
