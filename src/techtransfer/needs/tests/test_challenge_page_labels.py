"""The challenge page: an expert who declared no conflict is not labelled "conflicts declared", and
awards read like the bounty (6,000.01, not 6000.01)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from techtransfer.core.models import User
from techtransfer.core.tests.factories import UserFactory
from techtransfer.needs import challenges
from techtransfer.needs.models import Challenge
from techtransfer.needs.tests.conftest import after

pytestmark = pytest.mark.django_db


def _page(client, user, challenge) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(f"/challenges/{challenge.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_panel_says_what_each_expert_declared(client, world):
    ch = world.challenge
    UserFactory(username="expert_two")
    UserFactory(username="expert_three")
    challenges.add_expert(actor=world.seeker, challenge_id=ch.pk, username="expert_two")
    challenges.add_expert(actor=world.seeker, challenge_id=ch.pk, username="expert_three")
    with after(ch):
        challenges.declare_conflicts(actor=world.expert, challenge_id=ch.pk, proposal_ids=[])
        challenges.declare_conflicts(
            actor=User.objects.get(username="expert_two"), challenge_id=ch.pk,
            proposal_ids=[world.proposal.pk, world.other_proposal.pk],
        )  # fmt: skip
        page = _page(client, world.seeker, ch)
    assert "<li>expert · conflict-of-interest declaration made (no conflicts)</li>" in page
    assert "<li>expert_two · declared conflicts: 2</li>" in page
    assert "<li>expert_three · conflicts not yet declared</li>" in page


def test_awards_are_grouped_in_thousands_like_the_bounty(client, world):
    ch = world.challenge
    Challenge.objects.filter(pk=ch.pk).update(bounty=Decimal("10000.01"))
    with after(ch):
        challenges.set_shortlist(
            actor=world.seeker, challenge_id=ch.pk, proposal_ids=[world.proposal.pk, world.other_proposal.pk]
        )
        challenges.award_challenge(
            actor=world.seeker, challenge_id=ch.pk, winner_ids=[world.proposal.pk, world.other_proposal.pk]
        )
        seeker_page = _page(client, world.seeker, ch)
        solver_page = _page(client, world.solver, ch)
    assert '<dd class="col-sm-9" id="bounty">10,000.01 yuan' in seeker_page
    assert "东湖测试大学 — 6,000.01 yuan</li>" in seeker_page and "other_solver — 4,000 yuan</li>" in seeker_page
    assert "Award: 6,000.01 yuan</p>" in solver_page


def test_the_proposals_table_scrolls_inside_the_page_on_a_phone(client, world):
    """QA: at 375 px the seeker's proposals table of an awarded challenge made the page 468 px wide;
    like the other lists it now scrolls in its own `.table-responsive` box."""
    ch = world.challenge
    with after(ch):
        challenges.set_shortlist(actor=world.seeker, challenge_id=ch.pk, proposal_ids=[world.proposal.pk])
        challenges.award_challenge(actor=world.seeker, challenge_id=ch.pk, winner_ids=[world.proposal.pk])
        page = _page(client, world.seeker, ch)
    assert '<div class="table-responsive" id="proposals-table"><table class="table table-sm"><thead>' in page
    assert "</tbody></table></div>" in page


def test_eligible_regions_read_in_english_on_english_pages(client, world):
    """English pages listed the eligible regions in Chinese alone, joined with 、."""
    ch = world.challenge
    Challenge.objects.filter(pk=ch.pk).update(
        eligible_regions=["360000", "360100"], eligible_types=["individual", "team", "organisation"]
    )
    client.force_login(world.solver)
    english = client.get(f"/challenges/{ch.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(f"/challenges/{ch.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert (
        "Individual, Team, Organisation · regions 江西省 (Jiangxi Province); 江西省南昌市 (Nanchang City, Jiangxi Province)</dd>"
        in english
    )
    # The solvers were joined with a Latin comma on Chinese pages too (个人, 团队, 机构).
    assert "个人、团队、机构 · 行政区划 江西省、江西省南昌市</dd>" in chinese
