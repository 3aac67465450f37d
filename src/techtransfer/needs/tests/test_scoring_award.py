"""Expert scoring (conflicts, locks), shortlist, award split arithmetic and feedback for every solver."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import UserFactory
from techtransfer.needs import challenges
from techtransfer.needs.challenges import split_bounty, weighted_total
from techtransfer.needs.choices import ChallengeStatus, RankBand
from techtransfer.needs.models import Criterion
from techtransfer.needs.tests.conftest import after

D = Decimal


@pytest.mark.parametrize(
    ("bounty", "split", "winners", "expected"),
    [
        ("10000.00", ["60", "40"], 2, ["6000.00", "4000.00"]),
        ("10000.00", ["60", "40"], 1, ["6000.00"]),
        ("100.00", ["33.33", "33.33", "33.34"], 3, ["33.33", "33.33", "33.34"]),
        ("100.01", ["50", "50"], 2, ["50.01", "50.00"]),
        ("0.05", ["33.3", "33.3", "33.4"], 3, ["0.03", "0.01", "0.01"]),
        ("99999999.99", ["70", "20", "10"], 3, ["70000000.01", "19999999.99", "9999999.99"]),
    ],
)
def test_split_bounty(bounty, split, winners, expected):
    amounts = split_bounty(D(bounty), [D(s) for s in split], winners)
    assert amounts == [D(e) for e in expected]
    assert sum(amounts) <= D(bounty)
    if winners == len(split):
        assert sum(amounts) == D(bounty)


def test_split_bounty_refuses_more_winners_than_places():
    with pytest.raises(DomainError) as exc:
        split_bounty(D("100"), [D("100")], 2)
    assert exc.value.code == "award_invalid"


def test_weighted_total_is_exact():
    criteria = [Criterion(pk=1, weight=60), Criterion(pk=2, weight=40)]
    assert weighted_total({1: 85, 2: 72}, criteria) == D("79.80")
    assert weighted_total({1: 33, 2: 67}, [Criterion(pk=1, weight=33), Criterion(pk=2, weight=67)]) == D("55.78")


def _values(challenge, a: int, b: int) -> dict[int, int]:  # type: ignore[no-untyped-def]
    c1, c2 = challenge.criteria.order_by("position")
    return {c1.pk: a, c2.pk: b}


@pytest.mark.django_db
def test_scoring_rules(world):
    ch = world.challenge
    with pytest.raises(DomainError) as exc:
        challenges.score_proposal(actor=world.expert, proposal_id=world.proposal.pk, values=_values(ch, 90, 80))
    assert exc.value.code == "challenge_still_open"
    with after(ch):
        with pytest.raises(DomainError) as exc:
            challenges.score_proposal(actor=world.expert, proposal_id=world.proposal.pk, values=_values(ch, 90, 80))
        assert exc.value.code == "expert_conflicts_undeclared"
        challenges.declare_conflicts(actor=world.expert, challenge_id=ch.pk, proposal_ids=[world.other_proposal.pk])
        with pytest.raises(DomainError) as exc:
            challenges.score_proposal(actor=world.expert, proposal_id=world.other_proposal.pk, values=_values(ch, 1, 1))
        assert exc.value.code == "expert_conflicted"
        with pytest.raises(DomainError) as exc:
            challenges.declare_conflicts(actor=world.expert, challenge_id=ch.pk, proposal_ids=[])
        assert exc.value.code == "score_locked"
        with pytest.raises(DomainError) as exc:
            challenges.score_proposal(actor=world.expert, proposal_id=world.proposal.pk, values={})
        assert exc.value.code == "score_invalid"
        s = challenges.score_proposal(actor=world.expert, proposal_id=world.proposal.pk, values=_values(ch, 90, 80))
        assert s.total == D("86.00")
        with pytest.raises(DomainError) as exc:
            challenges.score_proposal(actor=world.expert, proposal_id=world.proposal.pk, values=_values(ch, 10, 10))
        assert exc.value.code == "score_locked"
        with pytest.raises(DomainError) as exc:
            challenges.score_proposal(
                actor=world.unassigned_expert, proposal_id=world.proposal.pk, values=_values(ch, 1, 1)
            )
        assert exc.value.code == "not_found"
    assert world.proposal.scores.get().total == D("86.00")
    assert not world.other_proposal.scores.exists()


@pytest.mark.django_db
def test_award_feedback_for_every_solver(world):
    ch = world.challenge
    second_expert = UserFactory(username="expert_two")
    challenges.add_expert(actor=world.seeker, challenge_id=ch.pk, username="expert_two")
    third = UserFactory(username="third_solver")
    from techtransfer.needs.tests.conftest import submit

    third_p = submit(third, ch, "方案丙")
    with after(ch):
        for expert in (world.expert, second_expert):
            challenges.declare_conflicts(actor=expert, challenge_id=ch.pk, proposal_ids=[])
        challenges.score_proposal(
            actor=world.expert, proposal_id=world.proposal.pk, values=_values(ch, 90, 80), comment="思路清楚"
        )
        challenges.score_proposal(actor=second_expert, proposal_id=world.proposal.pk, values=_values(ch, 80, 70))
        challenges.score_proposal(
            actor=world.expert, proposal_id=world.other_proposal.pk, values=_values(ch, 60, 50), comment="成本偏高"
        )
        challenges.score_proposal(actor=world.expert, proposal_id=third_p.pk, values=_values(ch, 70, 70))
        with pytest.raises(DomainError) as exc:
            challenges.award_challenge(actor=world.seeker, challenge_id=ch.pk, winner_ids=[world.proposal.pk])
        assert exc.value.code == "award_not_shortlisted"
        with pytest.raises(DomainError):
            challenges.set_shortlist(actor=world.colleague, challenge_id=ch.pk, proposal_ids=[world.proposal.pk])
        challenges.set_shortlist(actor=world.seeker, challenge_id=ch.pk, proposal_ids=[world.proposal.pk, third_p.pk])
        with pytest.raises(DomainError) as exc:
            challenges.award_challenge(
                actor=world.seeker,
                challenge_id=ch.pk,
                winner_ids=[world.proposal.pk, third_p.pk, world.other_proposal.pk],
            )
        assert exc.value.code == "award_invalid"
        challenges.award_challenge(
            actor=world.seeker, challenge_id=ch.pk, winner_ids=[world.proposal.pk, third_p.pk], announcement="公告"
        )
        with pytest.raises(DomainError):
            challenges.award_challenge(actor=world.seeker, challenge_id=ch.pk, winner_ids=[world.proposal.pk])
    ch.refresh_from_db()
    assert ch.status == ChallengeStatus.AWARDED and ch.announcement == "公告"
    a, b, c = (p for p in (world.proposal, world.other_proposal, third_p))
    for p in (a, b, c):
        p.refresh_from_db()
    # A: (86.00 + 76.00) / 2 = 81.00; C: 70.00; B: 56.00.
    assert (a.score, a.rank, a.rank_band, a.award_amount) == (D("81.00"), 1, RankBand.WINNER, D("6000.00"))
    assert (c.score, c.rank, c.rank_band, c.award_amount) == (D("70.00"), 2, RankBand.WINNER, D("4000.00"))
    assert (b.score, b.rank, b.rank_band, b.award_amount) == (D("56.00"), 3, RankBand.LOWER_HALF, None)
    assert a.feedback == "#1: 思路清楚" and b.feedback == "#1: 成本偏高" and c.feedback == ""
    assert AuditEvent.objects.filter(action="challenge.award", object_id=str(ch.pk)).count() == 1
    # Audit rows never copy proposal content.
    assert not AuditEvent.objects.filter(changes__icontains="晶界扩散镝").exists()


@pytest.mark.django_db
def test_a_member_of_the_seeking_organisation_cannot_judge_its_challenge(world):
    """A QA pass put the seeker's own admin on the panel; they scored the proposals their company pays."""
    ch = world.challenge
    for username in (world.seeker.username, world.colleague.username):
        with pytest.raises(DomainError) as exc:
            challenges.add_expert(actor=world.seeker, challenge_id=ch.pk, username=username)
        assert (exc.value.code, exc.value.details) == ("expert_of_seeker", {"field": "username"})
    assert list(ch.experts.values_list("user__username", flat=True)) == ["expert"]


@pytest.mark.django_db
def test_a_solver_cannot_sit_on_the_panel_and_is_told_why(world, client):
    """A QA pass was told "You declared a conflict of interest…" when adding a solver to the panel."""
    ch = world.challenge
    with pytest.raises(DomainError) as exc:
        challenges.add_expert(actor=world.seeker, challenge_id=ch.pk, username=world.other_solver.username)
    assert (exc.value.code, exc.value.http_status, exc.value.details) == (
        "expert_is_solver", 409, {"field": "username"},
    )  # fmt: skip
    client.force_login(world.seeker)
    response = client.post(
        f"/challenges/{ch.pk}/experts/", {"username": world.other_solver.username}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["expert_form"].errors == {
        "username": ["This person submitted a proposal to this challenge and cannot sit on its panel."]
    }
    assert list(ch.experts.values_list("user__username", flat=True)) == ["expert"]
    assert not AuditEvent.objects.filter(action="challenge.add_expert", changes__icontains="other_solver").exists()
