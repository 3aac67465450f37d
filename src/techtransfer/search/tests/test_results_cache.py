"""The search page caches its rendered results per index version: repeated questions skip the
engine, and a commit to the index (a record published or withdrawn) shows at once."""

import pytest
from django.urls import reverse

from techtransfer.search import services
from techtransfer.search.tests.helpers import draft, publish

pytestmark = pytest.mark.django_db


def test_repeated_query_is_served_from_the_cache_until_the_index_changes(
    client, index_dir, verified, applicant_member, applicant_admin, province_reviewer,
    django_capture_on_commit_callbacks, monkeypatch,
):  # fmt: skip
    calls = []
    real = services.search
    monkeypatch.setattr(services, "search", lambda *a, **k: calls.append(1) or real(*a, **k))
    url = reverse("search:search")

    def results(**headers: str) -> str:
        return client.get(url, {"q": "钙钛矿 电池"}, headers=headers).content.decode().split('id="search-results"')[1]

    results()  # the first search opens (creates) the empty index: a new index version
    calls.clear()
    first = results()
    assert "钙钛矿" not in first
    assert results() == first
    assert len(calls) == 1
    a = draft(verified, applicant_member, name="一种钙钛矿太阳能电池的制备方法", abstract="钙钛矿电池。")
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    again = results()
    assert len(calls) == 2
    assert f'href="{reverse("achievements:detail", args=[a.pk])}"' in again
    # Another language is another entry.
    results(**{"Accept-Language": "en"})
    assert len(calls) == 3


def test_page_body_is_cached_but_the_page_around_it_is_not(client, index_dir, monkeypatch):
    """A repeated question skips the form and the results; the navigation with the caller's own
    CSRF token (language switch, htmx headers) is still rendered for every request."""
    from django.test import Client

    from techtransfer.search import fragments

    bodies = []
    real = fragments.body_html
    monkeypatch.setattr(fragments, "body_html", lambda *a, **k: bodies.append("body") or real(*a, **k))
    url = reverse("search:search")
    client.get(url, {"q": "石墨烯"})  # opens (creates) the empty index: a new index version
    bodies.clear()
    first = client.get(url, {"q": "石墨烯"})
    other_client = Client().get(url, {"q": "石墨烯"})
    assert bodies == ["body"]
    assert first.status_code == other_client.status_code == 200
    page, other = first.content.decode(), other_client.content.decode()
    assert page.split('id="search-form"')[1] == other.split('id="search-form"')[1]
    assert first.cookies["csrftoken"].value != other_client.cookies["csrftoken"].value
    assert 'value="石墨烯"' in page
    client.get(url, {"q": "钙钛矿"})
    assert bodies == ["body", "body"]
    # A form with errors is never cached: its messages belong to that request.
    bad = client.get(url, {"q": "石墨烯", "trl_min": "12"})
    assert bad.status_code == 400
    assert len(bodies) == 3
