"""Challenge pages: set-up, the challenge page (agreement, proposal, panel, shortlist, award), the
private proposal page with scoring and feedback, and the statistics page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techtransfer.core.choices import ReviewStatus
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import apply_domain_error
from techtransfer.core.ids import parse_id
from techtransfer.core.models import User
from techtransfer.needs import access, challenge_access, challenges, selectors
from techtransfer.needs.challenge_forms import (
    AwardForm,
    ChallengeForm,
    ConflictForm,
    ExpertForm,
    ProposalForm,
    ScoreForm,
)
from techtransfer.needs.choices import ChallengeStatus
from techtransfer.needs.errors import NeedErrors
from techtransfer.needs.models import Challenge, Proposal, Score

PAGE_SIZE = 20


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    try:
        return challenge_access.get_challenge_for_user(request.user, pk)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    try:
        return challenge_access.get_proposal_for_user(request.user, pk)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc


@require_GET
def challenge_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Challenge.objects.filter(need__status=ReviewStatus.PUBLISHED)
        .exclude(status=ChallengeStatus.CANCELLED)
        .select_related("need__organisation", "need__region")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "needs/challenge_list.html", {"page": page, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest, need_pk: int) -> HttpResponse:
    try:
        need = access.get_need_for_user(request.user, need_pk, action="edit")  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc
    existing = Challenge.objects.filter(need=need).only("pk").first()
    if existing is not None:  # one challenge a need (`create_challenge`): show it rather than a form to refuse
        messages.info(request, str(NeedErrors.CHALLENGE_EXISTS.message))
        return redirect("challenges:detail", existing.pk)
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            challenge = challenges.create_challenge(
                actor=request.user, need_id=need.pk, bounty=d["bounty"], split=d["split"],  # type: ignore[arg-type]
                deadline=d["deadline"], eligible_types=d["eligible_types"], eligible_regions=d["eligible_regions"],
                agreement=d["agreement"], criteria=d["criteria"], confirm_bounty=d["confirm_bounty"],
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The challenge is open."))
            return redirect("challenges:detail", challenge.pk)
    return render(request, "needs/challenge_form.html", {"form": form, "need": need})


def _proposal_form(request: HttpRequest, challenge: Challenge, mine: Proposal | None) -> ProposalForm:
    initial: dict[str, Any] = {}
    if mine is not None:
        initial = {
            "solver_type": mine.solver_type, "organisation": mine.organisation_id, "team_members": mine.team_members,
            "region": mine.region_id, "title": mine.title, "approach": mine.approach, "version": mine.version,
        }  # fmt: skip
    return ProposalForm(
        request.POST if request.method == "POST" else None,
        initial=initial, user=request.user, challenge_types=list(challenge.eligible_types),
    )  # fmt: skip


def _detail_context(request: HttpRequest, challenge: Challenge, **extra: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    seeker = challenges.is_seeker(user, challenge)
    expert = challenges.expert_of(user, challenge)
    mine = Proposal.objects.filter(challenge=challenge, solver=user).first() if user.is_authenticated else None
    now = timezone.now()
    is_open = challenges.is_open(challenge, now)
    proposals = list(challenge_access.proposals_visible_to(user, challenge).prefetch_related("scores")) if (
        seeker or expert
    ) else []  # fmt: skip
    scored_by_me: set[int] = set()
    if expert is not None:
        scored_by_me = set(Score.objects.filter(expert=expert).values_list("proposal_id", flat=True))
    context: dict[str, Any] = {
        "challenge": challenge,
        "need": challenge.need,
        "criteria": list(challenge.criteria.all()),
        "is_open": is_open,
        "seeker": seeker,
        "expert": expert,
        "accepted": challenges.has_accepted(user, challenge),
        "sees_problem": challenge_access.may_see_problem(user, challenge),
        "mine": mine,
        "proposals": proposals,
        "scored_by_me": scored_by_me,
        # Only shortlisted proposals can win: until a shortlist is saved the award form says so.
        "has_shortlist": any(p.shortlisted for p in proposals),
        "winners": list(
            Proposal.objects.filter(challenge=challenge, award_amount__isnull=False)
            .select_related("solver", "organisation")
            .order_by("-award_amount", "rank")
        )
        if challenge.status == ChallengeStatus.AWARDED
        else [],
        # Each expert's number of declared conflicts: "none" is a declaration too, said as such.
        "panel": list(
            challenge.experts.select_related("user").annotate(conflict_count=Count("conflicts")).order_by("pk")
        )
        if seeker
        else [],
        "solver_count": Proposal.objects.filter(challenge=challenge).count(),
    }
    if user.is_authenticated and is_open and not seeker and expert is None:
        context.setdefault("proposal_form", _proposal_form(request, challenge, mine))
    if seeker:
        context.setdefault("expert_form", ExpertForm())
        context.setdefault("award_form", AwardForm())
    if expert is not None and expert.conflicts_declared_at is None and not is_open:
        context.setdefault("conflict_form", ConflictForm(proposals=proposals))
    context.update(extra)
    return context


@require_GET
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    return render(request, "needs/challenge_detail.html", _detail_context(request, challenge))


@login_required
@require_POST
def challenge_accept(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    challenges.accept_agreement(actor=request.user, challenge_id=challenge.pk)  # type: ignore[arg-type]
    messages.success(request, _("Agreement accepted. The full problem is shown below."))
    return redirect("challenges:detail", challenge.pk)


@login_required
@require_POST
def proposal_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a new proposal or revise one's own; a refused form keeps what the solver typed."""
    challenge = _challenge(request, pk)
    user: User = request.user  # type: ignore[assignment]
    mine = Proposal.objects.filter(challenge=challenge, solver=user).first()
    form = _proposal_form(request, challenge, mine)
    if form.is_valid():
        try:
            if mine is None:
                challenges.submit_proposal(actor=user, challenge_id=challenge.pk, data=form.values())
                messages.success(request, _("Proposal submitted. You may revise it until the deadline."))
            else:
                challenges.revise_proposal(
                    actor=user, proposal_id=mine.pk, expected_version=form.cleaned_data.get("version") or 0,
                    data=form.values(),
                )  # fmt: skip
                messages.success(request, _("Proposal revised."))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("challenges:detail", challenge.pk)
    ctx = _detail_context(request, challenge, proposal_form=form)
    return render(request, "needs/challenge_detail.html", ctx, status=400)


def _seeker_post(request: HttpRequest, pk: int) -> tuple[Challenge, User]:
    challenge = _challenge(request, pk)
    user: User = request.user  # type: ignore[assignment]
    if not challenges.is_seeker(user, challenge):
        raise Http404
    return challenge, user


@login_required
@require_POST
def expert_add(request: HttpRequest, pk: int) -> HttpResponse:
    challenge, user = _seeker_post(request, pk)
    form = ExpertForm(request.POST)
    if form.is_valid():
        try:
            challenges.add_expert(actor=user, challenge_id=challenge.pk, username=form.cleaned_data["username"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Expert added to the panel."))
            return redirect("challenges:detail", challenge.pk)
    return render(
        request, "needs/challenge_detail.html", _detail_context(request, challenge, expert_form=form), status=400
    )


@login_required
@require_POST
def conflicts_declare(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    user: User = request.user  # type: ignore[assignment]
    proposals = list(challenge_access.proposals_visible_to(user, challenge))
    form = ConflictForm(request.POST, proposals=proposals)
    if form.is_valid():
        try:
            challenges.declare_conflicts(
                actor=user, challenge_id=challenge.pk,
                proposal_ids=[int(x) for x in form.cleaned_data["conflicts"]], note=form.cleaned_data["note"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.refusal)
        else:
            messages.success(request, _("Conflicts of interest declared."))
    return redirect("challenges:detail", challenge.pk)


@login_required
@require_POST
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    challenge, user = _seeker_post(request, pk)
    ids = [n for n in map(parse_id, request.POST.getlist("proposal")) if n is not None]
    try:
        challenges.set_shortlist(actor=user, challenge_id=challenge.pk, proposal_ids=ids)
    except DomainError as exc:
        messages.error(request, exc.refusal)
    else:
        messages.success(request, _("Shortlist saved."))
    return redirect("challenges:detail", challenge.pk)


@login_required
@require_POST
def award(request: HttpRequest, pk: int) -> HttpResponse:
    challenge, user = _seeker_post(request, pk)
    data = request.POST.copy()
    if "place" in data:
        # One select per winning place; empty places are not awarded.
        data["winners"] = ",".join(v for v in request.POST.getlist("place") if v)
    form = AwardForm(data)
    if form.is_valid():
        try:
            challenges.award_challenge(
                actor=user, challenge_id=challenge.pk, winner_ids=form.cleaned_data["winners"],
                announcement=form.cleaned_data["announcement"],
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Awarded and announced. Every solver now sees its feedback."))
            return redirect("challenges:detail", challenge.pk)
    return render(
        request, "needs/challenge_detail.html", _detail_context(request, challenge, award_form=form), status=400
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    user: User = request.user  # type: ignore[assignment]
    challenge = proposal.challenge
    expert = challenges.expert_of(user, challenge)
    my_score = Score.objects.filter(proposal=proposal, expert=expert).first() if expert else None
    criteria = list(challenge.criteria.all())
    closed = challenges.scoring_closed(expert, challenge) if expert and my_score is None else None
    not_yet = str(closed.message) if closed is not None else ""
    form = ScoreForm(request.POST or None, criteria=criteria) if expert and my_score is None and not not_yet else None
    if request.method == "POST":
        if form is None and not not_yet:
            raise Http404
        if form is not None and form.is_valid():
            try:
                challenges.score_proposal(
                    actor=user, proposal_id=proposal.pk, values=form.values(), comment=form.cleaned_data["comment"]
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Score submitted and locked."))
                return redirect("challenges:detail", challenge.pk)
    context = {
        "proposal": proposal,
        "challenge": challenge,
        "criteria": criteria,
        "seeker": challenges.is_seeker(user, challenge),
        "own": proposal.solver_id == user.pk,
        "expert": expert,
        "my_score": my_score,
        "score_form": form,
        "not_scoring_yet": not_yet,
        "conflicted": expert is not None and expert.conflicts.filter(pk=proposal.pk).exists(),
        "scores": list(proposal.scores.select_related("expert__user")) if challenges.is_seeker(user, challenge) else [],
        "awarded": challenge.status == ChallengeStatus.AWARDED,
    }
    return render(request, "needs/proposal_detail.html", context, status=400 if request.method == "POST" else 200)


@require_GET
def challenge_stats(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge(request, pk)
    return render(
        request, "needs/challenge_stats.html",
        {"challenge": challenge, "stats": selectors.challenge_statistics(challenge)},
    )  # fmt: skip
