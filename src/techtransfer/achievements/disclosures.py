"""Every write to service-invention disclosures (职务科技成果披露).

Flow: a researcher (any member of a university, research institute or hospital) drafts and
submits a disclosure → the transfer office starts the assessment → it decides (keep as know-how,
file a patent, publish, or assign the rights to the inventors under the ownership-reform pilot)
with reasons, or returns the disclosure for changes. The transfer office then sets who may read it
and may turn it into an achievement draft without retyping (`convert_to_achievement`).

The transfer office is the organisation's admins (role `org_admin`): the platform has no separate
transfer-office role, and brokers (`broker`) work for many organisations, so they must not see
undisclosed inventions. Platform admins may act as any transfer office.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import notices
from techtransfer.achievements.choices import SecrecyLevel
from techtransfer.achievements.forms import AchievementForm
from techtransfer.achievements.models import (
    Achievement,
    Disclosure,
    DisclosureDecision,
    DisclosureStatus,
    DisclosureVisibility,
)
from techtransfer.achievements.services import create_achievement
from techtransfer.audit.services import diff, record_event, snapshot
from techtransfer.core.choices import OrganisationType
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.models import Organisation, User
from techtransfer.core.roles import is_member, is_org_admin
from techtransfer.core.workflow import Workflow, transition

S = DisclosureStatus
V = DisclosureVisibility

DISCLOSING_TYPES = frozenset(
    {OrganisationType.UNIVERSITY, OrganisationType.RESEARCH_INSTITUTE, OrganisationType.HOSPITAL}
)
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
MAX_INVENTORS = 50
ABSTRACT_LIMIT = 2000
HUNDRED = Decimal("100")


class DisclosureErrors:
    ORG_TYPE = ErrorCode(
        "disclosure_org_type",
        _("Only universities, research institutes and hospitals take invention disclosures."),
        400,
    )
    NOT_EDITABLE = ErrorCode(
        "disclosure_not_editable", _("This disclosure cannot be edited in its current state."), 409
    )
    NOT_DECIDED = ErrorCode(
        "disclosure_not_decided", _("The transfer office has not decided on this disclosure yet."), 409
    )
    ALREADY_CONVERTED = ErrorCode(
        "disclosure_already_converted", _("A registry record was already created from this disclosure."), 409
    )
    VISIBILITY_NOT_ALLOWED = ErrorCode(
        "disclosure_visibility_not_allowed", _("This visibility is not allowed for this disclosure."), 409
    )
    PATENT_NOT_FILED = ErrorCode(
        "disclosure_patent_not_filed",
        _(
            "An invention to be filed as a patent cannot be made fully public before it is filed: "
            "its novelty would be lost."
        ),
        409,
    )


DISCLOSURE_WORKFLOW: Workflow[Disclosure] = Workflow(
    model=Disclosure,
    transitions=[
        transition("submit", [S.DRAFT, S.RETURNED], S.SUBMITTED, _("Submit to the transfer office")),
        transition("start_assessment", [S.SUBMITTED], S.UNDER_ASSESSMENT, _("Start the assessment")),
        transition("return", [S.SUBMITTED, S.UNDER_ASSESSMENT], S.RETURNED, _("Return for changes")),
        transition("decide", [S.UNDER_ASSESSMENT], S.DECIDED, _("Decide")),
    ],
)

# Fields a form may set on a draft (inventors are validated separately by `clean_inventors`).
DATA_FIELDS = ("title", "technical_field", "problem", "solution", "advantages", "prior_art", "commercial_potential")


# --- validation shared by the form and the services ------------------------------------------------


def _share(value: Any) -> Decimal | None:
    text = str(value).strip().rstrip("%％").strip()
    try:
        share = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not share.is_finite() or share <= 0 or share > HUNDRED or share != share.quantize(Decimal("0.01")):
        return None
    return share.quantize(Decimal("0.01"))


def clean_inventors(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Inventors in order as stored: names required, each person (name and affiliation) once, shares
    0.01–100 with two decimals, summing to 100.

    Raises `DomainError(VALIDATION)` with `details={"inventors": [messages]}`.
    """
    cleaned: list[dict[str, str]] = []
    problems: list[str] = []
    items = list(rows)
    if not items:
        problems.append(gettext("Name at least one inventor."))
    if len(items) > MAX_INVENTORS:
        problems.append(gettext("At most %(max)d inventors.") % {"max": MAX_INVENTORS})
    total = Decimal(0)
    seen: dict[tuple[str, str], int] = {}  # (name, affiliation) → the first line naming that person
    for n, row in enumerate(items, start=1):
        name = str(row.get("name", "")).strip()
        affiliation = str(row.get("affiliation", "")).strip()
        share = _share(row.get("share", ""))
        if not name or len(name) > 64:
            problems.append(gettext("Inventor %(n)d: give a name of at most 64 characters.") % {"n": n})
        if len(affiliation) > 200:
            problems.append(gettext("Inventor %(n)d: the affiliation is longer than 200 characters.") % {"n": n})
        if share is None:
            problems.append(
                gettext(
                    "Inventor %(n)d: the share must be a number above 0 and at most 100, with two decimals at most."
                )
                % {"n": n}
            )
            continue
        first = seen.setdefault((name, affiliation), n)
        if name and first != n:
            message = gettext("Inventor %(n)d repeats inventor %(first)d: name each inventor once.")
            problems.append(message % {"n": n, "first": first})
            continue
        total += share
        cleaned.append({"name": name, "share": str(share), "affiliation": affiliation})
    if not problems and total != HUNDRED:
        problems.append(
            gettext("The shares add up to %(total)s%%; they must add up to 100%%.")
            % {"total": f"{total.normalize():f}"}
        )
    if problems:
        raise DomainError(Errors.VALIDATION, details={"inventors": problems})
    return cleaned


def _check_data(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in DATA_FIELDS if k in data}
    problems = {
        k: [gettext("This field is required.")] for k in ("title", "technical_field", "problem", "solution")
        if k in values and not str(values[k]).strip()
    }  # fmt: skip
    if problems:
        raise DomainError(Errors.VALIDATION, details=problems)
    return values


# --- who acts -------------------------------------------------------------------------------------------


def _org(d: Disclosure) -> Organisation:
    return d.organisation


def is_discloser(user: User, d: Disclosure) -> bool:
    """The discloser acts on their disclosure only while still a member of its organisation."""
    return bool(user.is_authenticated and d.discloser_id == user.pk and is_member(user, d.organisation_id))


def is_transfer_office(user: User, d: Disclosure) -> bool:
    return bool(user.is_authenticated and (is_org_admin(user, d.organisation_id) or user.is_platform_admin))


def _office_guard(actor: User) -> Any:
    def guard(d: Disclosure) -> None:
        if not is_transfer_office(actor, d):
            raise DomainError(Errors.NOT_FOUND)

    return guard


# --- drafts ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_disclosure(
    *, actor: User, organisation_id: int, data: Mapping[str, Any], inventors: Iterable[Mapping[str, Any]]
) -> Disclosure:
    """A member of a university, research institute or hospital drafts a disclosure. Writes `disclosure.create`."""
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None or not is_member(actor, org):
        raise DomainError(Errors.NOT_FOUND)
    if org.type not in DISCLOSING_TYPES:
        raise DomainError(DisclosureErrors.ORG_TYPE)
    values = _check_data(data)
    missing = [k for k in ("title", "technical_field", "problem", "solution") if k not in values]
    if missing:
        raise DomainError(Errors.VALIDATION, details={k: [gettext("This field is required.")] for k in missing})
    disclosure = Disclosure.objects.create(
        organisation=org, discloser=actor, inventors=clean_inventors(inventors), **values
    )
    record_event(
        actor=actor,
        action="disclosure.create",
        obj=disclosure,
        organisation=org,
        changes=snapshot(disclosure, ["title", "status"]),
    )
    return disclosure


@transaction.atomic
def update_disclosure(
    *,
    actor: User,
    disclosure_id: int,
    data: Mapping[str, Any],
    inventors: Iterable[Mapping[str, Any]] | None = None,
) -> Disclosure:
    """The discloser edits a draft or a returned disclosure. Writes `disclosure.update` when something changed."""
    d = Disclosure.objects.select_for_update().filter(pk=disclosure_id).first()
    if d is None or not is_discloser(actor, d):
        raise DomainError(Errors.NOT_FOUND)
    if d.status not in EDITABLE_STATES:
        raise DomainError(DisclosureErrors.NOT_EDITABLE, details={"status": d.status})
    values = _check_data(data)
    if inventors is not None:
        values["inventors"] = clean_inventors(inventors)
    before = snapshot(d, list(values))
    for k, v in values.items():
        setattr(d, k, v)
    changes = diff(before, snapshot(d, list(values)))
    if changes:
        d.save(update_fields=[*changes, "updated_at"])
        record_event(actor=actor, action="disclosure.update", obj=d, organisation=d.organisation, changes=changes)
    return d


# --- workflow --------------------------------------------------------------------------------------------


@transaction.atomic
def submit_disclosure(*, actor: User, disclosure_id: int) -> Disclosure:
    """The discloser sends the draft to the transfer office, whose admins are notified."""

    def guard(d: Disclosure) -> None:
        if not is_discloser(actor, d):
            raise DomainError(Errors.NOT_FOUND)

    def update(d: Disclosure) -> list[str]:
        d.submitted_at = timezone.now()
        return ["submitted_at"]

    d = DISCLOSURE_WORKFLOW.apply(
        pk=disclosure_id, action="submit", actor=actor, guard=guard, update=update, organisation=_org
    )
    notices.disclosure_submitted(d, actor=actor)
    return d


def start_assessment(*, actor: User, disclosure_id: int) -> Disclosure:
    """The transfer office takes up a submitted disclosure."""
    return DISCLOSURE_WORKFLOW.apply(
        pk=disclosure_id, action="start_assessment", actor=actor, guard=_office_guard(actor), organisation=_org
    )


@transaction.atomic
def return_disclosure(*, actor: User, disclosure_id: int, comment: str) -> Disclosure:
    """The transfer office sends the disclosure back to the discloser; the comment (required) says what must change.

    The discloser is notified, with the comment."""
    if not comment.strip():
        raise DomainError(Errors.VALIDATION, details={"comment": [gettext("Say what must change.")]})

    def update(d: Disclosure) -> list[str]:
        d.return_comment = comment.strip()
        return ["return_comment"]

    d = DISCLOSURE_WORKFLOW.apply(
        pk=disclosure_id, action="return", actor=actor, guard=_office_guard(actor), update=update,
        organisation=_org, comment=comment,
    )  # fmt: skip
    notices.disclosure_returned(d)
    return d


@transaction.atomic
def decide_disclosure(
    *, actor: User, disclosure_id: int, decision: str, reasons: str, assessment_notes: str = ""
) -> Disclosure:
    """The transfer office decides what happens to the invention; reasons are required.

    Writes `disclosure.decide` with the reasons as comment and notifies the discloser (decision and
    reasons, never the internal assessment notes). Deciding again refuses with INVALID_TRANSITION
    (details: the current state).
    """
    if decision not in DisclosureDecision.values:
        raise DomainError(Errors.VALIDATION, details={"decision": [gettext("Choose a decision.")]})
    if not reasons.strip():
        raise DomainError(Errors.VALIDATION, details={"reasons": [gettext("Give the reasons for the decision.")]})

    def update(d: Disclosure) -> list[str]:
        d.decision = decision
        d.decision_reasons = reasons.strip()
        d.assessment_notes = assessment_notes.strip()
        d.decided_by = actor
        d.decided_at = timezone.now()
        fields = ["decision", "decision_reasons", "assessment_notes", "decided_by", "decided_at"]
        return fields

    d = DISCLOSURE_WORKFLOW.apply(
        pk=disclosure_id, action="decide", actor=actor, guard=_office_guard(actor), update=update,
        organisation=_org, comment=reasons.strip(),
    )  # fmt: skip
    notices.disclosure_decided(d)
    return d


def allowed_visibilities(d: Disclosure) -> list[str]:
    """Private and government at any time after submission; public levels only after a decision that is not know-how.

    An invention to be filed as a patent never becomes fully public here: publishing its technical
    solution and inventors before the filing destroys its novelty (专利法 第二十二条), and the
    platform does not record the filing, so the public sees at most the summary the office writes.
    """
    if d.status in EDITABLE_STATES:
        return [V.PRIVATE]
    if d.status != S.DECIDED or d.decision == DisclosureDecision.KEEP_KNOW_HOW:
        return [V.PRIVATE, V.GOVERNMENT]
    if d.decision == DisclosureDecision.FILE_PATENT:
        return [V.PRIVATE, V.GOVERNMENT, V.PUBLIC_SUMMARY]
    return list(V.values)


def patent_blocks_public(d: Disclosure) -> bool:
    """Is full publication refused because the invention is to be filed as a patent (see `allowed_visibilities`)?"""
    return d.status == S.DECIDED and d.decision == DisclosureDecision.FILE_PATENT


@transaction.atomic
def set_visibility(*, actor: User, disclosure_id: int, visibility: str, public_summary: str = "") -> Disclosure:
    """The transfer office sets who may read the disclosure (see `disclosure_access`).

    The public-summary level needs a summary text; full publication of an invention to be filed as a
    patent is refused with PATENT_NOT_FILED. Writes `disclosure.set_visibility`.
    """
    d = (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=disclosure_id)
        .first()
    )
    if d is None or not is_transfer_office(actor, d):
        raise DomainError(Errors.NOT_FOUND)
    if visibility not in V.values:
        raise DomainError(Errors.VALIDATION, details={"visibility": [gettext("Choose a visibility level.")]})
    if visibility == V.PUBLIC and patent_blocks_public(d):
        raise DomainError(DisclosureErrors.PATENT_NOT_FILED, details={"visibility": visibility, "status": d.status})
    if visibility not in allowed_visibilities(d):
        raise DomainError(
            DisclosureErrors.VISIBILITY_NOT_ALLOWED, details={"visibility": visibility, "status": d.status}
        )
    summary = public_summary.strip()
    if visibility == V.PUBLIC_SUMMARY and not summary:
        raise DomainError(
            Errors.VALIDATION, details={"public_summary": [gettext("Write the summary the public will see.")]}
        )
    if len(summary) > 1000:
        raise DomainError(Errors.VALIDATION, details={"public_summary": [gettext("At most 1,000 characters.")]})
    before = snapshot(d, ["visibility", "public_summary"])
    d.visibility = visibility
    d.public_summary = summary
    changes = diff(before, snapshot(d, ["visibility", "public_summary"]))
    if changes:
        d.save(update_fields=[*changes, "updated_at"])
        record_event(
            actor=actor, action="disclosure.set_visibility", obj=d, organisation=d.organisation, changes=changes
        )
    return d


# --- into the registry -----------------------------------------------------------------------------------


def trimmed_abstract(text: str, limit: int = ABSTRACT_LIMIT) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when it was cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _share_text(share: str) -> str:
    return f"{Decimal(share).normalize():f}%"


def achievement_values(d: Disclosure) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The achievement data and contributors a disclosure maps to, validated by `AchievementForm`.

    name ← title, abstract ← description (≤ 2,000 characters), keywords ← technical field, contact ←
    discloser, secrecy internal for know-how; contributors: the organisation, then the inventors in
    order with their shares as contribution.
    """
    defaults = {
        f.name: f.get_default()
        for f in Achievement._meta.concrete_fields
        if f.has_default() and f.name in AchievementForm.Meta.fields
    }
    data = {
        **defaults,
        "name": d.title,
        "abstract": trimmed_abstract(d.description),
        "keywords": [d.technical_field[:40]],
        "contact_name": str(d.discloser)[:64],
        "contact_email": d.discloser.email,
        "secrecy": SecrecyLevel.INTERNAL if d.decision == DisclosureDecision.KEEP_KNOW_HOW else SecrecyLevel.PUBLIC,
    }
    form = AchievementForm(data=data, labelled=True)  # its refusal is shown alone, away from any form
    if not form.is_valid():
        raise DomainError(Errors.VALIDATION, details={k: [str(e) for e in v] for k, v in form.errors.items()})
    contributors = [{"kind": "organisation", "name": d.organisation.name, "affiliation": "", "contribution": ""}]
    contributors += [
        {"kind": "person", "name": i["name"], "affiliation": i["affiliation"], "contribution": _share_text(i["share"])}
        for i in d.inventors
    ]
    return form.values(), contributors


@transaction.atomic
def convert_to_achievement(*, actor: User, disclosure_id: int) -> Achievement:
    """The transfer office turns a decided disclosure into an achievement draft, once, and links it.

    The disclosure row is locked so two clicks create one record. The draft belongs to the
    disclosure's organisation and is created by `services.create_achievement` (which writes
    `achievement.create`); this writes `disclosure.convert`.
    """
    d = (
        Disclosure.objects.select_for_update()
        .select_related("organisation", "discloser")
        .filter(pk=disclosure_id)
        .first()
    )
    if d is None or not is_transfer_office(actor, d):
        raise DomainError(Errors.NOT_FOUND)
    if d.achievement_id is not None:
        raise DomainError(DisclosureErrors.ALREADY_CONVERTED, details={"achievement": d.achievement_id})
    if d.status != S.DECIDED:
        raise DomainError(DisclosureErrors.NOT_DECIDED, details={"status": d.status})
    data, contributors = achievement_values(d)
    achievement = create_achievement(
        actor=actor,
        organisation_id=d.organisation_id,
        data=data,
        contributors=contributors,
    )
    d.achievement = achievement
    d.save(update_fields=["achievement", "updated_at"])
    record_event(
        actor=actor,
        action="disclosure.convert",
        obj=d,
        organisation=d.organisation,
        changes={"achievement": [None, achievement.pk]},
    )
    return achievement
