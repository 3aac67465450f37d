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
