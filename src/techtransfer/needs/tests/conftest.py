"""A challenge world: a published need of the applicant enterprise run as a challenge, two solvers,
an assigned expert and an expert of another challenge (unassigned here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from unittest import mock

import pytest
from django.utils import timezone

from techtransfer.core.models import Region, User
from techtransfer.core.tests.factories import UserFactory
from techtransfer.needs import challenges
from techtransfer.needs.choices import SolverType
from techtransfer.needs.models import Challenge, Proposal
from techtransfer.needs.tests.factories import open_challenge, published_need


@dataclass
class World:
    challenge: Challenge
    seeker: User
    colleague: User
    solver: User
    other_solver: User
    expert: User
    unassigned_expert: User
    proposal: Proposal
    other_proposal: Proposal


def submit(user: User, challenge: Challenge, title: str, **data: object) -> Proposal:
    challenges.accept_agreement(actor=user, challenge_id=challenge.pk)
    values = {
        "solver_type": SolverType.INDIVIDUAL,
        "region": Region.objects.get(code="360102"),
        "title": title,
        "approach": f"{title}：晶界扩散镝",
        **data,
    }
    return challenges.submit_proposal(actor=user, challenge_id=challenge.pk, data=values)


def after(challenge: Challenge, seconds: int = 1) -> mock._patch:  # type: ignore[type-arg]
    """Patch the server clock to `seconds` after the challenge deadline."""
    return mock.patch(
        "django.utils.timezone.now", return_value=challenge.deadline + datetime.timedelta(seconds=seconds)
    )


@pytest.fixture
def world(applicant_org, applicant_admin, applicant_member, county_reviewer, outsider, other_org) -> World:  # type: ignore[no-untyped-def]
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    challenge = open_challenge(need=need, seeker=applicant_admin)
    other_need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="另一个需求")
    other_challenge = open_challenge(need=other_need, seeker=applicant_admin)
    expert = UserFactory(username="expert")
    unassigned = UserFactory(username="unassigned_expert")
    challenges.add_expert(actor=applicant_admin, challenge_id=challenge.pk, username="expert")
    challenges.add_expert(actor=applicant_admin, challenge_id=other_challenge.pk, username="unassigned_expert")
    other_solver = UserFactory(username="other_solver")
    proposal = submit(outsider, challenge, "方案甲", solver_type=SolverType.ORGANISATION, organisation=other_org)
    other_proposal = submit(other_solver, challenge, "方案乙")
    assert timezone.now() < challenge.deadline
    return World(challenge, applicant_admin, applicant_member, outsider, other_solver, expert, unassigned,
                 proposal, other_proposal)  # fmt: skip
