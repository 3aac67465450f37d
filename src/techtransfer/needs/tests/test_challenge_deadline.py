"""Deadline edges and concurrent revisions: the server clock decides; stale revisions are refused."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from techtransfer.core.errors import DomainError
from techtransfer.core.models import Region
from techtransfer.core.tests.factories import UserFactory
from techtransfer.needs import challenges
from techtransfer.needs.models import Proposal
from techtransfer.needs.tests.conftest import after, submit

pytestmark = pytest.mark.django_db


def _data(title: str) -> dict[str, object]:
    return {"solver_type": "individual", "region": Region.objects.get(code="360102"), "title": title, "approach": "改"}


def test_submission_at_the_deadline_is_accepted_one_second_late_is_refused(world):
    late = UserFactory(username="late")
    on_time = UserFactory(username="on_time")
    with after(world.challenge, seconds=0):
        p = submit(on_time, world.challenge, "准时")
    assert p.submitted_at == world.challenge.deadline
    with after(world.challenge, seconds=1), pytest.raises(DomainError) as exc:
        submit(late, world.challenge, "迟到")
    assert exc.value.code == "challenge_deadline_passed"
    assert not Proposal.objects.filter(solver=late).exists()


def test_revision_one_second_late_is_refused(world):
    with after(world.challenge, seconds=1), pytest.raises(DomainError) as exc:
        challenges.revise_proposal(
            actor=world.other_solver, proposal_id=world.other_proposal.pk, expected_version=1, data=_data("晚改")
        )
    assert exc.value.code == "challenge_deadline_passed"
    world.other_proposal.refresh_from_db()
    assert (world.other_proposal.title, world.other_proposal.version) == ("方案乙", 1)


def test_two_revisions_from_the_same_version_second_is_refused(world):
    p = world.other_proposal
    first = challenges.revise_proposal(
        actor=world.other_solver, proposal_id=p.pk, expected_version=1, data=_data("窗口一")
    )
    assert first.version == 2
    with pytest.raises(DomainError) as exc:
        challenges.revise_proposal(actor=world.other_solver, proposal_id=p.pk, expected_version=1, data=_data("窗口二"))
    assert exc.value.code == "proposal_stale" and exc.value.details == {"current_version": 2}
    p.refresh_from_db()
    assert (p.title, p.version) == ("窗口一", 2)


def test_revision_locks_the_proposal_row(world):
    """The version check runs on a row fetched with select_for_update (not a read-decide-write)."""
    from django.db.models.query import QuerySet

    calls: list[str] = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(self.model.__name__)
        return original(self, *args, **kwargs)

    with mock.patch.object(QuerySet, "select_for_update", spy):
        challenges.revise_proposal(
            actor=world.other_solver, proposal_id=world.other_proposal.pk, expected_version=1, data=_data("锁")
        )
    assert calls == ["Challenge", "Proposal"]


def test_agreement_and_eligibility_are_enforced(world, applicant_member):
    stranger = UserFactory(username="stranger")
    with pytest.raises(DomainError) as exc:
        challenges.submit_proposal(actor=stranger, challenge_id=world.challenge.pk, data=_data("未接受"))
    assert exc.value.code == "challenge_agreement_required"
    with pytest.raises(DomainError) as exc:
        submit(applicant_member, world.challenge, "自家")
    assert exc.value.code == "challenge_own"
    world.challenge.eligible_regions = ["360700"]
    world.challenge.save(update_fields=["eligible_regions"])
    with pytest.raises(DomainError) as exc:
        submit(stranger, world.challenge, "外地")
    assert exc.value.code == "challenge_not_eligible"
    ganzhou = {"region": Region.objects.get(code="360702")}
    assert submit(stranger, world.challenge, "赣州", **ganzhou).region_id == "360702"


def test_deadline_in_the_past_is_refused(applicant_org, applicant_admin, county_reviewer):
    from django.utils import timezone

    from techtransfer.needs.tests.factories import open_challenge, published_need

    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    with pytest.raises(DomainError) as exc:
        open_challenge(need=need, seeker=applicant_admin, deadline=timezone.now() - datetime.timedelta(seconds=1))
    assert exc.value.code == "challenge_deadline_past"
