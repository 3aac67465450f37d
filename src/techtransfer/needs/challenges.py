"""Every write to challenges: set-up, agreement, proposals, panel, scoring, shortlist and award.

Clock: the server's `timezone.now()` decides every deadline question; callers cannot pass a time in
from outside (tests patch the clock). Locks are taken in one order — challenge, then proposal, then
expert — so two writers never wait on each other crosswise.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from techtransfer.audit.services import record_event
from techtransfer.core.choices import ReviewStatus
from techtransfer.core.errors import DomainError, ErrorCode, Errors
from techtransfer.core.models import Organisation, Region, User
from techtransfer.core.plausible import unusual_yuan
from techtransfer.core.roles import is_author, is_member, is_org_admin
from techtransfer.needs import notices
from techtransfer.needs.choices import ChallengeStatus, RankBand, SolverType
from techtransfer.needs.errors import NeedErrors
from techtransfer.needs.models import (
    CRITERION_NAME_LENGTH,
    AgreementAcceptance,
    Challenge,
    Criterion,
    Expert,
    Need,
    Proposal,
    Score,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# --- arithmetic -------------------------------------------------------------------------------------


def split_bounty(bounty: Decimal, split: Sequence[Decimal], winners: int) -> list[Decimal]:
    """Amounts for the first `winners` places of `split` (percent shares adding up to 100).

    Each place gets its share rounded down to the cent; when every place is awarded, the cents lost to
    rounding go to the first place, so the amounts add up to exactly the bounty. The sum never exceeds it.
    """
    if not 1 <= winners <= len(split):
        raise DomainError(NeedErrors.AWARD_INVALID)
    amounts = [(bounty * share / HUNDRED).quantize(CENT, rounding=ROUND_DOWN) for share in split[:winners]]
    if winners == len(split):
        amounts[0] += bounty - sum(amounts, Decimal(0))
    if sum(amounts, Decimal(0)) > bounty:
        raise DomainError(NeedErrors.AWARD_EXCEEDS)
    return amounts


def weighted_total(values: Mapping[int, int], criteria: Iterable[Criterion]) -> Decimal:
    """Σ value × weight / 100 over the criteria, to the cent (weights add up to 100, values 0–100)."""
    total = sum((Decimal(values[c.pk]) * c.weight for c in criteria), Decimal(0)) / HUNDRED
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _check_split(split: Sequence[Decimal]) -> list[Decimal]:
    shares = [Decimal(str(s)) for s in split]
    if not shares or any(s <= 0 for s in shares) or sum(shares, Decimal(0)) != HUNDRED:
        raise DomainError(NeedErrors.SPLIT_INVALID, details={"field": "split"})
    return shares


# --- roles --------------------------------------------------------------------------------------------


def is_seeker(user: User, challenge: Challenge) -> bool:
    """The seeking side: the need's author and the admins of its organisation (not every colleague)."""
    if not user.is_authenticated:
        return False
    need = challenge.need
    return bool(
        user.is_platform_admin
        or is_author(user, need.created_by_id, need.organisation_id)
        or is_org_admin(user, need.organisation_id)
    )


def expert_of(user: User, challenge: Challenge) -> Expert | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(challenge=challenge, user=user).first()


def is_open(challenge: Challenge, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return challenge.status == ChallengeStatus.OPEN and now <= challenge.deadline


def _locked_challenge(pk: int) -> Challenge:
    challenge = Challenge.objects.select_for_update(of=("self",)).select_related("need").filter(pk=pk).first()
    if challenge is None:
        raise DomainError(Errors.NOT_FOUND)
    return challenge


def _org(challenge: Challenge) -> Organisation:
    return challenge.need.organisation


# --- set-up -------------------------------------------------------------------------------------------


@transaction.atomic
def create_challenge(
    *,
    actor: User,
    need_id: int,
    bounty: Decimal,
    split: Sequence[Decimal],
    deadline: datetime.datetime,
    eligible_types: Sequence[str],
    eligible_regions: Sequence[str],
    agreement: str,
    criteria: Sequence[tuple[str, int]],
    confirm_bounty: bool = False,
) -> Challenge:
    """The seeker runs its published need as a challenge. Criteria weights must add up to 100; each
    criterion is named, in at most `CRITERION_NAME_LENGTH` characters. A bounty below 1,000 yuan or of
    100 million yuan or more (`core.plausible.unusual_yuan`: most likely typed in 10,000 yuan, or with
    digits too many) is refused unless `confirm_bounty`."""
    need = Need.objects.select_for_update(of=("self",)).select_related("organisation").filter(pk=need_id).first()
    if need is None or not (
        actor.is_platform_admin
        or is_author(actor, need.created_by_id, need.organisation_id)
        or is_org_admin(actor, need.organisation_id)
    ):
        raise DomainError(Errors.NOT_FOUND)
    if need.status != ReviewStatus.PUBLISHED:
        raise DomainError(NeedErrors.NOT_PUBLISHED)
    if Challenge.objects.filter(need=need).exists():
        raise DomainError(NeedErrors.CHALLENGE_EXISTS)
    shares = _check_split(split)
    if not confirm_bounty and (unusual := unusual_yuan(bounty)) is not None:
        details = {"field": "bounty", "bounty": str(bounty.quantize(CENT)), "unusual": unusual}
        raise DomainError(NeedErrors.BOUNTY_UNUSUAL, details=details)
    if deadline <= timezone.now():
        raise DomainError(NeedErrors.DEADLINE_IN_PAST, details={"field": "deadline"})
    weights = [w for _n, w in criteria]
    if not criteria or any(w <= 0 for w in weights) or sum(weights) != 100:
        raise DomainError(NeedErrors.WEIGHTS_INVALID, details={"field": "criteria"})
    # Checked here, not cut: a longer name failed the column on PostgreSQL (a server error) and was
    # stored whole on SQLite.
    criteria = [(n.strip(), w) for n, w in criteria]
    if any(not n or len(n) > CRITERION_NAME_LENGTH for n, _w in criteria):
        raise DomainError(NeedErrors.CRITERION_NAME_INVALID, details={"field": "criteria"})
    challenge = Challenge.objects.create(
        need=need, bounty=bounty.quantize(CENT), split=[str(s) for s in shares], deadline=deadline,
        eligible_types=[str(t) for t in eligible_types], eligible_regions=list(eligible_regions),
        agreement=agreement, created_by=actor,
    )  # fmt: skip
    Criterion.objects.bulk_create(
        [Criterion(challenge=challenge, position=i, name=n, weight=w) for i, (n, w) in enumerate(criteria, 1)]
    )
    record_event(
        actor=actor, action="challenge.create", obj=challenge, organisation=need.organisation,
        changes={"bounty": str(challenge.bounty), "split": challenge.split, "deadline": deadline,
                 "criteria": [list(c) for c in criteria]},
    )  # fmt: skip
    return challenge


@transaction.atomic
def add_expert(*, actor: User, challenge_id: int, username: str) -> Expert:
    """The seeker puts an account on the panel. Solvers of the challenge cannot be experts, nor can
    members of the seeking organisation (it would score the proposals it is to pay for)."""
    challenge = _locked_challenge(challenge_id)
    if not is_seeker(actor, challenge):
        raise DomainError(Errors.NOT_FOUND)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise DomainError(NeedErrors.UNKNOWN_USER, details={"field": "username"})
    if Expert.objects.filter(challenge=challenge, user=user).exists():
        raise DomainError(NeedErrors.EXPERT_EXISTS, details={"field": "username"})
    if Proposal.objects.filter(challenge=challenge, solver=user).exists():
        raise DomainError(NeedErrors.EXPERT_IS_SOLVER, details={"field": "username"})
    if is_member(user, challenge.need.organisation_id):
        raise DomainError(NeedErrors.EXPERT_OF_SEEKER, details={"field": "username"})
    expert = Expert.objects.create(challenge=challenge, user=user)
    notices.put_on_panel(challenge, user.pk)
    record_event(
        actor=actor, action="challenge.add_expert", obj=challenge, organisation=_org(challenge),
        changes={"expert": user.username},
    )  # fmt: skip
    return expert


@transaction.atomic
def accept_agreement(*, actor: User, challenge_id: int) -> AgreementAcceptance:
    """A solver accepts the agreement (idempotent); only then does the full problem show."""
    challenge = Challenge.objects.select_related("need").filter(pk=challenge_id).first()
    if challenge is None or not actor.is_authenticated:
        raise DomainError(Errors.NOT_FOUND)
    acceptance, created = AgreementAcceptance.objects.get_or_create(challenge=challenge, user=actor)
    if created:
        record_event(actor=actor, action="challenge.accept_agreement", obj=challenge)
    return acceptance


def has_accepted(user: User, challenge: Challenge) -> bool:
    return bool(user.is_authenticated and AgreementAcceptance.objects.filter(challenge=challenge, user=user).exists())


# --- proposals ------------------------------------------------------------------------------------------


def _check_eligible(actor: User, challenge: Challenge, data: Mapping[str, Any]) -> None:
    solver_type = str(data["solver_type"])
    if solver_type not in challenge.eligible_types:
        raise DomainError(NeedErrors.NOT_ELIGIBLE, details={"field": "solver_type"})
    org = data.get("organisation")
    if solver_type == SolverType.ORGANISATION and (org is None or not is_member(actor, org)):
        raise DomainError(NeedErrors.NOT_ELIGIBLE, details={"field": "organisation"})
    region: Region = org.region if solver_type == SolverType.ORGANISATION and org is not None else data["region"]
    if challenge.eligible_regions and not any(
        region.code.startswith(_prefix(code)) for code in challenge.eligible_regions
    ):
        raise DomainError(NeedErrors.NOT_ELIGIBLE, details={"field": "region"})


def _prefix(code: str) -> str:
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def _solver_region(data: Mapping[str, Any]) -> Region:
    org = data.get("organisation")
    if str(data["solver_type"]) == SolverType.ORGANISATION and org is not None:
        region: Region = org.region
        return region
    region = data["region"]
    return region


@transaction.atomic
def submit_proposal(*, actor: User, challenge_id: int, data: Mapping[str, Any]) -> Proposal:
    """An eligible solver who accepted the agreement submits one proposal before the deadline.

    Members of the seeking organisation and experts of the challenge's panel are refused.
    `data`: solver_type, organisation (for organisations), team_members, region, title, approach.
    The deadline check runs on the locked challenge row with the server clock.
    """
    challenge = _locked_challenge(challenge_id)
    if challenge.need.status != ReviewStatus.PUBLISHED or not actor.is_authenticated:
        raise DomainError(Errors.NOT_FOUND)
    now = timezone.now()
    if not is_open(challenge, now):
        raise DomainError(NeedErrors.DEADLINE_PASSED)
    if is_member(actor, challenge.need.organisation_id):
        raise DomainError(NeedErrors.OWN_CHALLENGE)
    # The reverse of `add_expert`'s refusal of solvers: an expert would score a rival's proposal.
    if Expert.objects.filter(challenge=challenge, user=actor).exists():
        raise DomainError(NeedErrors.SOLVER_IS_EXPERT)
    if not has_accepted(actor, challenge):
        raise DomainError(NeedErrors.AGREEMENT_REQUIRED)
    _check_eligible(actor, challenge, data)
    if Proposal.objects.filter(challenge=challenge, solver=actor).exists():
        raise DomainError(NeedErrors.ALREADY_SUBMITTED)
    proposal = Proposal.objects.create(
        challenge=challenge, solver=actor, solver_type=data["solver_type"],
        organisation=data.get("organisation") if data["solver_type"] == SolverType.ORGANISATION else None,
        team_members=data.get("team_members", "") if data["solver_type"] == SolverType.TEAM else "",
        region=_solver_region(data), title=data["title"], approach=data["approach"], submitted_at=now,
        revised_at=now,
    )  # fmt: skip
    # The audit row names the proposal but never copies its content.
    record_event(actor=actor, action="proposal.submit", obj=proposal, changes={"version": 1})
    notices.proposal_received(challenge)
    return proposal


@transaction.atomic
def revise_proposal(*, actor: User, proposal_id: int, expected_version: int, data: Mapping[str, Any]) -> Proposal:
    """The solver revises its proposal until the deadline.

    The proposal row is locked and `expected_version` must be the current version: of two revisions
    started from the same version, the second is refused with `proposal_stale` instead of silently
    overwriting the first.
    """
    head = Proposal.objects.filter(pk=proposal_id, solver=actor).values_list("challenge_id", flat=True).first()
    if head is None:
        raise DomainError(Errors.NOT_FOUND)
    challenge = _locked_challenge(head)
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    if not is_open(challenge, timezone.now()):
        raise DomainError(NeedErrors.DEADLINE_PASSED)
    if proposal.version != expected_version:
        raise DomainError(NeedErrors.STALE_VERSION, details={"current_version": proposal.version})
    _check_eligible(actor, challenge, data)
    proposal.title = data["title"]
    proposal.approach = data["approach"]
    proposal.team_members = data.get("team_members", "") if proposal.solver_type == SolverType.TEAM else ""
    proposal.version = expected_version + 1
    proposal.revised_at = timezone.now()
    # Conditional on the version as well as locked: databases without row locks (SQLite) stay safe.
    changed = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        title=proposal.title, approach=proposal.approach, team_members=proposal.team_members,
        version=proposal.version, revised_at=proposal.revised_at,
    )  # fmt: skip
    if changed != 1:
        raise DomainError(NeedErrors.STALE_VERSION, details={"current_version": expected_version + 1})
    record_event(
        actor=actor, action="proposal.revise", obj=proposal, changes={"version": [expected_version, proposal.version]}
    )
    return proposal


# --- panel ----------------------------------------------------------------------------------------------


def scoring_closed(expert: Expert, challenge: Challenge) -> ErrorCode | None:
    """Why `expert` may not score the challenge's proposals now, or None when they may: before the
    deadline, after the award, before declaring their conflicts. `score_proposal` refuses with it;
    the proposal page says it instead of offering a form that would be refused. The rest (a
    conflict with this proposal, a score already given) depends on the proposal."""
    if _before_deadline(challenge):
        return NeedErrors.BEFORE_DEADLINE
    if challenge.status != ChallengeStatus.OPEN:
        return NeedErrors.SCORE_LOCKED
    if expert.conflicts_declared_at is None:
        return NeedErrors.CONFLICT_NOT_DECLARED
    return None


def _before_deadline(challenge: Challenge) -> bool:
    return challenge.status == ChallengeStatus.OPEN and timezone.now() <= challenge.deadline


def _after_deadline(challenge: Challenge) -> None:
    if _before_deadline(challenge):
        raise DomainError(NeedErrors.BEFORE_DEADLINE)


@transaction.atomic
def declare_conflicts(*, actor: User, challenge_id: int, proposal_ids: Iterable[int], note: str = "") -> Expert:
    """An expert declares, once and after the deadline, the proposals it has a conflict of interest with
    (possibly none). The declaration is final; scoring those proposals is then refused."""
    challenge = _locked_challenge(challenge_id)
    expert = Expert.objects.select_for_update().filter(challenge=challenge, user=actor).first()
    if expert is None:
        raise DomainError(Errors.NOT_FOUND)
    _after_deadline(challenge)
    if expert.conflicts_declared_at is not None:
        raise DomainError(NeedErrors.SCORE_LOCKED)
    ids = set(proposal_ids)
    conflicts = list(Proposal.objects.filter(challenge=challenge, pk__in=ids))
    if len(conflicts) != len(ids):
        raise DomainError(Errors.NOT_FOUND)
    expert.conflicts_declared_at = timezone.now()
    expert.conflict_note = note[:500]
    expert.save(update_fields=["conflicts_declared_at", "conflict_note"])
    expert.conflicts.set(conflicts)
    record_event(
        actor=actor, action="challenge.declare_conflicts", obj=challenge, organisation=_org(challenge),
        changes={"conflicts": sorted(ids), "note": note[:500]},
    )  # fmt: skip
    return expert


@transaction.atomic
def score_proposal(*, actor: User, proposal_id: int, values: Mapping[int, int], comment: str = "") -> Score:
    """An assigned expert without a conflict scores a proposal by every criterion, once.

    Refused before the deadline, after the award, before the expert declared conflicts, for a proposal
    the expert declared a conflict with, and a second time (scores lock once submitted).
    """
    head = Proposal.objects.filter(pk=proposal_id).values_list("challenge_id", flat=True).first()
    if head is None:
        raise DomainError(Errors.NOT_FOUND)
    challenge = _locked_challenge(head)
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    expert = Expert.objects.select_for_update().filter(challenge=challenge, user=actor).first()
    if expert is None:
        raise DomainError(Errors.NOT_FOUND)
    closed = scoring_closed(expert, challenge)
    if closed is not None:
        raise DomainError(closed)
    if expert.conflicts.filter(pk=proposal.pk).exists():
        raise DomainError(NeedErrors.CONFLICTED)
    if Score.objects.filter(proposal=proposal, expert=expert).exists():
        raise DomainError(NeedErrors.SCORE_LOCKED)
    criteria = list(challenge.criteria.all())
    clean: dict[int, int] = {}
    for c in criteria:
        v = values.get(c.pk)
        if v is None or not 0 <= int(v) <= 100:
            raise DomainError(NeedErrors.SCORE_INVALID, details={"field": f"values.{c.pk}", "criterion": c.pk})
        clean[c.pk] = int(v)
    score = Score.objects.create(
        proposal=proposal, expert=expert, values={str(k): v for k, v in clean.items()},
        total=weighted_total(clean, criteria), comment=comment,
    )  # fmt: skip
    record_event(
        actor=actor, action="proposal.score", obj=proposal, organisation=_org(challenge),
        changes={"expert": actor.username, "total": str(score.total)},
    )  # fmt: skip
    return score


@transaction.atomic
def set_shortlist(*, actor: User, challenge_id: int, proposal_ids: Iterable[int]) -> list[int]:
    """The seeker marks the shortlist after the deadline (replacing any earlier one)."""
    challenge = _locked_challenge(challenge_id)
    if not is_seeker(actor, challenge):
        raise DomainError(Errors.NOT_FOUND)
    _after_deadline(challenge)
    if challenge.status != ChallengeStatus.OPEN:
        raise DomainError(Errors.INVALID_TRANSITION)
    ids = sorted(set(proposal_ids))
    if Proposal.objects.filter(challenge=challenge, pk__in=ids).count() != len(ids):
        raise DomainError(Errors.NOT_FOUND)
    Proposal.objects.filter(challenge=challenge).update(shortlisted=False)
    Proposal.objects.filter(challenge=challenge, pk__in=ids).update(shortlisted=True)
    record_event(
        actor=actor, action="challenge.shortlist", obj=challenge, organisation=_org(challenge),
        changes={"shortlist": ids},
    )  # fmt: skip
    return ids


def _band(rank: int | None, scored: int) -> str:
    if rank is None:
        return RankBand.NOT_SCORED
    if rank <= math.ceil(scored * 0.25):
        return RankBand.TOP_QUARTER
    if rank <= math.ceil(scored * 0.5):
        return RankBand.TOP_HALF
    return RankBand.LOWER_HALF


@transaction.atomic
def award_challenge(*, actor: User, challenge_id: int, winner_ids: Sequence[int], announcement: str = "") -> Challenge:
    """The seeker awards one or more shortlisted proposals, in order of place, and announces the result.

    Amounts come from `split_bounty` (never above the bounty). Every proposal gets its feedback at the
    same time: mean expert score, rank, rank band and the experts' comments.
    """
    challenge = _locked_challenge(challenge_id)
    if not is_seeker(actor, challenge):
        raise DomainError(Errors.NOT_FOUND)
    _after_deadline(challenge)
    if challenge.status != ChallengeStatus.OPEN:
        raise DomainError(Errors.INVALID_TRANSITION)
    # Each refusal names its cause (a QA pass got the winners-count message for all three).
    if not 1 <= len(winner_ids) <= len(challenge.split_decimals()):
        raise DomainError(NeedErrors.AWARD_INVALID)
    if len(set(winner_ids)) != len(winner_ids):
        raise DomainError(NeedErrors.AWARD_DUPLICATE, details={"field": "winners"})
    proposals = list(Proposal.objects.select_for_update().filter(challenge=challenge).order_by("pk"))
    by_id = {p.pk: p for p in proposals}
    if any(w not in by_id for w in winner_ids):
        raise DomainError(NeedErrors.AWARD_UNKNOWN, details={"field": "winners"})
    if any(not by_id[w].shortlisted for w in winner_ids):
        raise DomainError(NeedErrors.AWARD_NOT_SHORTLISTED, details={"field": "winners"})
    amounts = split_bounty(challenge.bounty, challenge.split_decimals(), len(winner_ids))
    scores: dict[int, list[Score]] = {}
    for s in Score.objects.filter(proposal__challenge=challenge).order_by("expert_id"):
        scores.setdefault(s.proposal_id, []).append(s)
    means = {
        pid: (sum((s.total for s in ss), Decimal(0)) / len(ss)).quantize(CENT, rounding=ROUND_HALF_UP)
        for pid, ss in scores.items()
    }
    ranked = sorted(means, key=lambda pid: (-means[pid], by_id[pid].submitted_at, pid))
    rank_of = {pid: i for i, pid in enumerate(ranked, 1)}
    experts = {e.pk: i for i, e in enumerate(challenge.experts.order_by("pk"), 1)}
    for p in proposals:
        p.score = means.get(p.pk)
        p.rank = rank_of.get(p.pk)
        p.rank_band = RankBand.WINNER if p.pk in winner_ids else _band(p.rank, len(ranked))
        p.award_amount = amounts[winner_ids.index(p.pk)] if p.pk in winner_ids else None
        p.feedback = "\n".join(
            f"#{experts.get(s.expert_id, 0)}: {s.comment}" for s in scores.get(p.pk, []) if s.comment.strip()
        )
    Proposal.objects.bulk_update(proposals, ["score", "rank", "rank_band", "award_amount", "feedback"])
    challenge.status = ChallengeStatus.AWARDED
    challenge.announcement = announcement
    challenge.announced_at = timezone.now()
    challenge.save(update_fields=["status", "announcement", "announced_at"])
    record_event(
        actor=actor, action="challenge.award", obj=challenge, organisation=_org(challenge),
        changes={"winners": list(winner_ids), "amounts": [str(a) for a in amounts]},
    )  # fmt: skip
    notices.results_out(challenge)
    return challenge
