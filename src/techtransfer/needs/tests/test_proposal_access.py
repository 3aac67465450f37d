"""The permission matrix for proposals, on pages and through the API.

Seeker (the need's org admin) and the assigned expert read every proposal; the solver reads its own;
the seeker's ordinary colleague, an expert of another challenge, another solver and anonymous read none.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# persona → (may read proposal A (the outsider's), proposals listed by the API)
MATRIX = {
    "seeker": (True, 2),
    "colleague": (False, 0),
    "expert": (True, 2),
    "unassigned_expert": (False, 0),
    "other_solver": (False, 1),
    "solver": (True, 1),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_proposal_page_and_api(client, world, persona):
    may_read, listed = MATRIX[persona]
    client.force_login(getattr(world, persona))
    page = client.get(reverse("challenges:proposal", args=[world.proposal.pk]))
    api = client.get(f"/api/v1/proposals/{world.proposal.pk}")
    listing = client.get(f"/api/v1/challenges/{world.challenge.pk}/proposals")
    assert page.status_code == (200 if may_read else 404)
    assert api.status_code == (200 if may_read else 404)
    assert listing.status_code == 200 and listing.json()["count"] == listed
    detail = client.get(reverse("challenges:detail", args=[world.challenge.pk])).content.decode()
    # The proposal's text never leaks onto the challenge page of anyone who may not read it.
    assert ("方案甲" in detail) == (persona in ("seeker", "expert", "solver"))
    # Its full text shows on the challenge page only in the solver's own revision form.
    assert ("方案甲：晶界扩散镝" in detail) == (persona == "solver")


def test_anonymous_sees_no_proposal(client, world):
    assert client.get(reverse("challenges:proposal", args=[world.proposal.pk])).status_code == 302
    assert client.get(f"/api/v1/proposals/{world.proposal.pk}").status_code == 401
    assert client.get(f"/api/v1/challenges/{world.challenge.pk}/proposals").status_code == 401
    page = client.get(reverse("challenges:detail", args=[world.challenge.pk])).content.decode()
    assert "方案甲" not in page and "完整问题描述" not in page
    stats = client.get(f"/api/v1/challenges/{world.challenge.pk}/statistics").json()
    assert stats["solvers"] == 2 and "方案甲" not in str(stats)


def test_full_problem_only_after_the_agreement(client, world):
    from techtransfer.core.tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    url = reverse("challenges:detail", args=[world.challenge.pk])
    assert "完整问题描述" not in client.get(url).content.decode()
    client.post(reverse("challenges:accept", args=[world.challenge.pk]))
    assert "完整问题描述" in client.get(url).content.decode()


def test_statistics_page(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("challenges:stats", args=[world.challenge.pk]))
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["solvers"] == 2
    assert stats["trend"][-1]["total"] == 2
    assert stats["regions"] == [{"name": "东湖区", "value": 2}] or stats["regions"][0]["value"] == 2
    assert {t["value"] for t in stats["solver_types"]} == {1}
    assert "echarts.min.js" in response.content.decode()


def test_list_query_budgets(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert client.get(reverse("challenges:list")).status_code == 200
    client.force_login(world.seeker)
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/challenges/{world.challenge.pk}/proposals").json()["count"] == 2
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/needs").json()["count"] == 2


@pytest.mark.parametrize(
    ("typed", "code", "error"),
    [
        ("360102", "360102", None),
        ("３６０１０２", "360102", None),  # full-width digits
        ("3601", "360100", None),  # a city's code, as the search and the need form read it
        ("", None, "Enter the code of the region where you work, e.g. 360102."),
        ("3699", None, "Unknown administrative division code."),
    ],
)
def test_a_solvers_region_is_read_as_the_need_form_reads_it(db, typed, code, error):
    from django.utils import translation

    from techtransfer.core.tests.factories import UserFactory
    from techtransfer.needs.challenge_forms import ProposalForm

    data = {"solver_type": "individual", "region": typed, "title": "方案", "approach": "做法"}
    with translation.override("en"):
        form = ProposalForm(data, user=UserFactory(), challenge_types=["individual"])
        valid = form.is_valid()
        errors = [str(e) for e in form.errors.get("region", [])]
    assert valid is (error is None)
    assert errors == ([error] if error else [])
    if code:
        assert form.cleaned_data["region"].code == code


def test_an_expert_is_offered_the_score_form_only_when_scoring_is_open(client, world):
    """Before the deadline, and after it until the conflicts are declared, the page says why instead
    of a form the service would refuse."""
    from techtransfer.needs import challenges
    from techtransfer.needs.tests.conftest import after

    client.force_login(world.expert)
    url = f"/proposals/{world.proposal.pk}/"
    before = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="score-form"' not in before
    assert 'id="not-scoring-yet">Evaluation starts only after the submission deadline.</p>' in before
    posted = client.post(url, {"comment": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert posted.status_code == 400 and "Evaluation starts only after" in posted.content.decode()
    with after(world.challenge):
        undeclared = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="not-scoring-yet">Declare your conflicts of interest before scoring.</p>' in undeclared
        challenges.declare_conflicts(actor=world.expert, challenge_id=world.challenge.pk, proposal_ids=[])
        open_ = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="score-form"' in open_ and 'id="not-scoring-yet"' not in open_


def test_a_challenge_without_proposals_says_so_instead_of_empty_charts(
    client, applicant_org, applicant_admin, county_reviewer
):
    """QA: "0 solvers" was followed by three empty grey charts and an empty axis."""
    from techtransfer.needs.tests.factories import open_challenge, published_need

    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    challenge = open_challenge(need=need, seeker=applicant_admin)
    body = client.get(reverse("challenges:stats", args=[challenge.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="no-solvers"' in body and "No proposals yet: the charts appear with the first one." in body
    assert ('id="trend-chart"' in body, "echarts.min.js" in body) == (False, False)
