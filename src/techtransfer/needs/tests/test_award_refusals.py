"""The award form names why it refuses: the same proposal twice, a proposal not shortlisted, an
unknown one (a QA pass was told "at least one winner, no more than the shares" for all three), and
says before any shortlist is saved that the shortlist comes first."""

from __future__ import annotations

import pytest

from techtransfer.audit.models import AuditEvent
from techtransfer.needs import challenges
from techtransfer.needs.choices import ChallengeStatus
from techtransfer.needs.tests.conftest import after

pytestmark = pytest.mark.django_db

HINT = (
    "No proposal is shortlisted yet: tick the proposals above and save the shortlist first; only "
    "shortlisted proposals can win."
)


def _award(client, world, *places: object):  # type: ignore[no-untyped-def]
    return client.post(
        f"/challenges/{world.challenge.pk}/award/", {"place": [str(p) for p in places], "announcement": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("twice", "The same proposal was chosen for more than one place: choose each winner once."),
        ("unknown", "A chosen proposal is not a proposal of this challenge: reload the page and choose again."),
        (
            "not_shortlisted",
            "Only shortlisted proposals can win: save the shortlist with every proposal you mean to award first.",
        ),
    ],
)
def test_each_refusal_says_its_cause(client, world, case, message):
    ch = world.challenge
    client.force_login(world.seeker)
    with after(ch):
        challenges.set_shortlist(actor=world.seeker, challenge_id=ch.pk, proposal_ids=[world.proposal.pk])
        places = {
            "twice": (world.proposal.pk, world.proposal.pk),
            "unknown": (world.proposal.pk, 987654),
            "not_shortlisted": (world.other_proposal.pk,),
        }[case]
        response = _award(client, world, *places)
    assert response.status_code == 400
    assert response.context["award_form"].errors == {"winners": [message]}
    assert f'<div class="invalid-feedback d-block">{message}</div>' in response.content.decode()
    ch.refresh_from_db()
    assert ch.status == ChallengeStatus.OPEN
    assert not AuditEvent.objects.filter(action="challenge.award").exists()


def test_the_award_form_says_the_shortlist_comes_first(client, world):
    ch = world.challenge
    client.force_login(world.seeker)
    with after(ch):
        before = client.get(f"/challenges/{ch.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f'<p class="alert alert-info" id="award-needs-shortlist">{HINT}</p>' in before
        challenges.set_shortlist(actor=world.seeker, challenge_id=ch.pk, proposal_ids=[world.proposal.pk])
        saved = client.get(f"/challenges/{ch.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="award-form"' in saved and 'id="award-needs-shortlist"' not in saved
