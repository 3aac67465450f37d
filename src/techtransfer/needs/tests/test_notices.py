"""What needs and challenges send: links and titles, never proposal content."""

from __future__ import annotations

import pytest

from techtransfer.needs import challenges
from techtransfer.needs.tests.conftest import after
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_challenge_notices_carry_no_proposal_content(world):
    assert Notification.objects.filter(user=world.expert, kind="needs.panel").count() == 1
    assert Notification.objects.filter(user=world.seeker, kind="needs.proposal_received").count() == 2
    with after(world.challenge):
        challenges.set_shortlist(actor=world.seeker, challenge_id=world.challenge.pk, proposal_ids=[world.proposal.pk])
        challenges.award_challenge(actor=world.seeker, challenge_id=world.challenge.pk, winner_ids=[world.proposal.pk])
    results = Notification.objects.filter(kind="needs.results")
    assert sorted(results.values_list("user__username", flat=True)) == ["other_solver", "outsider"]
    for n in Notification.objects.all():
        assert "晶界扩散镝" not in n.title + n.body and "方案" not in n.title + n.body
    assert Notification.objects.filter(user=world.seeker, kind="needs.reviewed").count() == 2  # two needs published
