"""A panel expert may not submit a proposal to the challenge they judge (QA: it was accepted)."""

from __future__ import annotations

import pytest

from techtransfer.audit.models import AuditEvent
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import UserFactory
from techtransfer.needs import challenges
from techtransfer.needs.models import Proposal
from techtransfer.needs.tests.conftest import submit

pytestmark = pytest.mark.django_db

MESSAGE = "A member of this challenge's expert panel cannot submit a proposal to it."


def test_the_service_refuses_a_proposal_by_a_panel_expert(world):
    with pytest.raises(DomainError) as exc:
        submit(world.expert, world.challenge, "专家方案")
    assert (exc.value.code, exc.value.http_status) == ("solver_is_expert", 409)
    assert not Proposal.objects.filter(solver=world.expert).exists()
    assert not AuditEvent.objects.filter(action="proposal.submit", actor=world.expert).exists()


def test_an_expert_of_another_challenge_may_still_submit(world):
    assert submit(world.unassigned_expert, world.challenge, "方案丙").solver == world.unassigned_expert


def test_the_page_shows_the_refusal_and_keeps_the_input(client, world):
    ch = world.challenge
    client.force_login(world.expert)
    client.post(f"/challenges/{ch.pk}/accept/")
    response = client.post(
        f"/challenges/{ch.pk}/proposal/",
        {"solver_type": "individual", "region": "360102", "title": "专家方案", "approach": "晶界扩散"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.context["proposal_form"].non_field_errors() == [MESSAGE]
    page = response.content.decode()
    assert MESSAGE.replace("'", "&#x27;") in page and 'value="专家方案"' in page
    assert not Proposal.objects.filter(solver=world.expert).exists()


def test_the_api_refuses_it_with_the_code(client, world):
    ch = world.challenge
    challenges.accept_agreement(actor=world.expert, challenge_id=ch.pk)
    client.force_login(world.expert)
    response = client.post(
        f"/api/v1/challenges/{ch.pk}/proposals",
        {"solver_type": "individual", "region": "360102", "title": "专家方案", "approach": "晶界扩散"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["message"]) == ("solver_is_expert", MESSAGE)
    assert not Proposal.objects.filter(solver=world.expert).exists()


def test_a_proposal_before_the_agreement_is_refused_visibly_and_keeps_the_input(client, world):
    """QA: the refusal (agreement not accepted) answered 400 with no message and lost what was typed."""
    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    response = client.post(
        f"/challenges/{world.challenge.pk}/proposal/",
        {"solver_type": "individual", "region": "360102", "title": "新方案", "approach": "我的思路：晶界扩散"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<div class="alert alert-danger" role="alert"><div>'
        "Accept the challenge agreement before you see the problem or submit.</div></div>"
    ) in page
    assert 'value="新方案"' in page and "我的思路：晶界扩散</textarea>" in page
    assert 'id="accept-agreement"' in page
    assert not Proposal.objects.filter(solver=newcomer).exists()
