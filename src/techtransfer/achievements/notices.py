"""What achievements, disclosures and catalogues tell people, through the shared notifications app.

Each notice goes to someone who waits on another person's decision, names the record and links to its
permission-checked page. Recipients are checked against the same access rules as the page (`access`,
`disclosure_access`, `catalogue_access`): nobody is told of a record they may not open.
Titles and bodies are functions, so that each is written in each recipient's language. Called by the
services inside their transaction: a change that rolls back notifies nobody.

- A disclosure submitted: the transfer office of its organisation, i.e. the organisation's active
  admins (`is_transfer_office`). Platform admins may also act as any transfer office, but they are not
  the organisation's office and would be told of every disclosure on the platform; they are left out.
- A disclosure returned for changes (with the comment) or decided (with the decision and reasons):
  the discloser, while they may still read it in full (they lose it when they leave the organisation).
- An achievement's registration steps: the organisation's admins when a member submits one for
  confirmation; the reviewers of the department that holds it next when it is confirmed or passed on;
  its author and the organisation's admins, while they may open it, when it is declined, returned,
  rejected, passed on or published (the comment is the body). Whoever took the step is left out.
- A change proposed to a published record (a revision): the reviewers of the nearest department
  covering the record's region who may decide it (`access.can_decide_revision`); its decision (the
  comment is the body): the change's author and the organisation's admins, while they may open it.
- A military-to-civilian catalogue (the only kind with admissions) opened to an organisation: the
  admins of each admitted, verified organisation, when the catalogue is published (on publishing, for
  every organisation admitted; on admitting, if it is published already). A draft is seen only by its
  editors, so admissions to a draft are told when it is published.
- A funded project's achievement report overdue, when its programme's department sends reminders
  (`reports.remind_project`): the owner organisation's admins, in their inbox and by e-mail as each
  chose; the organisation's contact address gets the e-mail only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.access import can_decide_revision, can_on_achievement
from techtransfer.achievements.catalogue_access import may_view_catalogue
from techtransfer.achievements.disclosure_access import DisclosureAction, can_on_disclosure
from techtransfer.achievements.models import (
    Achievement,
    AchievementRevision,
    Catalogue,
    CatalogueAccess,
    Disclosure,
    FundedProject,
)
from techtransfer.achievements.selectors import holder_department
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.jurisdiction import nearest_reviewer_ids, reviewer_ids
from techtransfer.core.models import User
from techtransfer.core.roles import admin_ids
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

DISCLOSURE_SUBMITTED = register_kind(
    "achievements.disclosure_submitted", _("Invention disclosures submitted to my organisation's transfer office")
)
DISCLOSURE_OUTCOME = register_kind(
    "achievements.disclosure_outcome", _("The transfer office's answers to my invention disclosures")
)
ACHIEVEMENT_WAITING = register_kind("achievements.waiting", _("Achievements waiting for my confirmation or review"))
ACHIEVEMENT_OUTCOME = register_kind("achievements.outcome", _("Review decisions on my achievements"))
CATALOGUE_ADMITTED = register_kind(
    "achievements.catalogue_admitted", _("Restricted catalogues my organisation may read")
)
REPORT_OVERDUE = register_kind(
    "achievements.report_overdue", _("Reminders of my organisation's overdue achievement reports")
)


def _disclosure_url(d: Disclosure) -> str:
    return reverse("disclosures:detail", args=[d.pk])


def _may_read_disclosure(user_ids: Iterable[int], d: Disclosure, action: DisclosureAction) -> list[int]:
    users = User.objects.filter(pk__in=list(user_ids), is_active=True)
    return [u.pk for u in users if can_on_disclosure(u, d, action)]


def disclosure_submitted(d: Disclosure, *, actor: User) -> None:
    """Tell the organisation's transfer office (its admins) that a disclosure waits for them.

    The actor is left out: an admin who discloses an invention of their own knows it is submitted."""
    office = [pk for pk in admin_ids([d.organisation_id]) if pk != actor.pk]
    notify(
        user_ids=_may_read_disclosure(office, d, "assess"),
        kind=DISCLOSURE_SUBMITTED,
        title=lambda: str(_("Invention disclosure submitted: “%(title)s”")) % {"title": d.title},
        body=lambda: str(_("%(discloser)s submitted it for assessment.")) % {"discloser": d.discloser},
        url=_disclosure_url(d),
    )


def disclosure_returned(d: Disclosure) -> None:
    """Tell the discloser what must change; the comment is the body."""
    notify(
        user_ids=_may_read_disclosure([d.discloser_id], d, "view_full"),
        kind=DISCLOSURE_OUTCOME,
        title=lambda: str(_("Your invention disclosure “%(title)s” was returned for changes")) % {"title": d.title},
        body=d.return_comment,
        url=_disclosure_url(d),
    )


def disclosure_decided(d: Disclosure) -> None:
    """Tell the discloser the decision and its reasons (which the discloser sees on the page too)."""
    notify(
        user_ids=_may_read_disclosure([d.discloser_id], d, "view_full"),
        kind=DISCLOSURE_OUTCOME,
        title=lambda: (
            str(_("Your invention disclosure “%(title)s” was decided: %(decision)s"))
            % {"title": d.title, "decision": d.get_decision_display()}
        ),
        body=d.decision_reasons,
        url=_disclosure_url(d),
    )


def catalogue_opened(catalogue: Catalogue, organisation_ids: Iterable[int] | None = None) -> None:
    """Tell the admins of admitted organisations (all of them, or those in `organisation_ids`) that the
    published military-to-civilian catalogue is open to their organisation. Does nothing otherwise."""
    if not catalogue.is_restricted or catalogue.status != Catalogue.Status.PUBLISHED:
        return
    grants = CatalogueAccess.objects.filter(catalogue=catalogue, organisation__status=OrganisationStatus.VERIFIED)
    if organisation_ids is not None:
        grants = grants.filter(organisation_id__in=list(organisation_ids))
    admins = admin_ids(grants.values_list("organisation_id", flat=True))
    readers = [u.pk for u in User.objects.filter(pk__in=admins) if may_view_catalogue(u, catalogue)]
    notify(
        user_ids=readers,
        kind=CATALOGUE_ADMITTED,
        title=lambda: str(_("Your organisation may now read the catalogue “%(title)s”")) % {"title": catalogue.title},
        body=lambda: (
            str(_("Compiled by %(owner)s. Members of your organisation see it when logged in."))
            % {"owner": catalogue.owner.name}
        ),
        url=reverse("catalogues:detail", args=[catalogue.pk]),
    )


# What the applicant reads after each step; the reviewer's comment, if any, is the body.
_OUTCOME_TITLES = {
    "return": _("Your achievement “%(name)s” was returned for changes"),
    "decline": _("Your achievement “%(name)s” was sent back by your organisation"),
    "reject": _("Your achievement “%(name)s” was rejected"),
    "pass_on": _("Your achievement “%(name)s” was passed on to %(holder)s"),
    "publish": _("Your achievement “%(name)s” is registered and published (%(number)s)"),
}


def _may_view_achievement(user_ids: Iterable[int], a: Achievement) -> list[int]:
    users = User.objects.filter(pk__in=list(user_ids), is_active=True)
    return [u.pk for u in users if can_on_achievement(u, a, "view")]


def achievement_step(a: Achievement, action: str, *, actor: User) -> None:
    """Tell whoever now waits on `a` after the workflow step `action`, and its applicant what became of it.

    Waiting: the organisation's admins after a member's `submit` (an admin's submission is confirmed
    at once, and `confirm` tells); the reviewers of the department that holds it next after `confirm`
    and `pass_on` (`reviewer_ids`: exactly that region's department). Told of the outcome: its author
    and the organisation's admins, while they may open it, after `decline`, `return`, `reject`,
    `pass_on` (naming the department) and `publish` (with the registration number); the comment of
    the step is the body. The actor is never told of their own step. Called inside the step's
    transaction."""
    url = reverse("achievements:detail", args=[a.pk])
    waiting: list[int] = []
    if action == "submit":
        waiting = admin_ids([a.organisation_id])
    elif action in ("confirm", "pass_on") and a.holder_region_id:
        waiting = reviewer_ids(a.holder_region_id, [a.organisation_id])
    notify(
        user_ids=[pk for pk in waiting if pk != actor.pk],
        kind=ACHIEVEMENT_WAITING,
        title=lambda: str(_("Achievement waiting for you: “%(name)s”")) % {"name": a.name},
        body=lambda: str(_("%(org)s · %(status)s")) % {"org": a.organisation.name, "status": a.get_status_display()},
        url=url,
    )
    if action not in _OUTCOME_TITLES:
        return
    holder = holder_department(a)
    values = {"name": a.name, "holder": holder.name if holder else "", "number": a.registration_number}
    applicant = {a.created_by_id, *admin_ids([a.organisation_id])} - {actor.pk}
    notify(
        user_ids=_may_view_achievement(applicant, a),
        kind=ACHIEVEMENT_OUTCOME,
        title=lambda: str(_OUTCOME_TITLES[action]) % values,
        body=a.review_comment,
        url=url,
    )


def revision_proposed(revision: AchievementRevision, *, actor: User) -> None:
    """Tell the reviewers who may decide a change to a published record that it waits for them: those
    of the nearest department covering the record's region (as a need's submission), never the actor."""
    a = revision.achievement
    candidates = [pk for pk in nearest_reviewer_ids(a.region_id or "", [a.organisation_id]) if pk != actor.pk]
    users = User.objects.filter(pk__in=candidates, is_active=True)
    notify(
        user_ids=[u.pk for u in users if can_decide_revision(u, a)],
        kind=ACHIEVEMENT_WAITING,
        title=lambda: str(_("Changes to a published achievement waiting for you: “%(name)s”")) % {"name": a.name},
        body=lambda: str(_("%(org)s · proposed by %(person)s")) % {"org": a.organisation.name, "person": actor},
        url=reverse("achievements:detail", args=[a.pk]),
    )


def revision_decided(revision: AchievementRevision, *, actor: User) -> None:
    """Tell the change's author and the organisation's admins (while they may open the record) whether
    it was approved or rejected; the reviewer's comment (the reason, for a rejection) is the body."""
    a = revision.achievement
    approved = revision.status == AchievementRevision.Status.APPROVED
    applicant = {revision.submitted_by_id, *admin_ids([a.organisation_id])} - {actor.pk}
    notify(
        user_ids=_may_view_achievement(applicant, a),
        kind=ACHIEVEMENT_OUTCOME,
        title=lambda: (
            str(
                _("The changes to your achievement “%(name)s” were approved")
                if approved
                else _("The changes to your achievement “%(name)s” were rejected")
            )
            % {"name": a.name}
        ),
        body=revision.comment,
        url=reverse("achievements:detail", args=[a.pk]),
    )


def report_overdue(project: FundedProject, *, admins: list[int]) -> None:
    """Tell the owner organisation's active admins (user ids, as `reports.addressees` found them) that
    the achievement report of `project` is overdue."""
    notify(
        user_ids=admins,
        kind=REPORT_OVERDUE,
        title=lambda: str(_("Overdue achievement report: %(number)s")) % {"number": project.number},
        body=lambda: (
            str(
                _(
                    "The achievement report of project %(number)s “%(title)s” (%(programme)s) was due on %(due)s "
                    "and has not been filed."
                )
            )
            % {
                "number": project.number,
                "title": project.title,
                "programme": project.programme.name,
                "due": project.report_due.isoformat(),
            }
        ),
        url=reverse("reports:project_detail", args=[project.pk]),
    )
