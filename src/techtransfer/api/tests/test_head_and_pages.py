"""HEAD works wherever GET does; a list's page number is bounded."""

import pytest
from django.test import Client

from techtransfer.api import tokens
from techtransfer.api.api import field_name

pytestmark = pytest.mark.django_db


def test_head_answers_like_get_without_the_body_for_a_read_token(applicant_admin):
    _, raw = tokens.create_token(user=applicant_admin, name="r", scope="read")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for url in ("/api/v1/me", "/api/v1/search?q=稀土", "/api/v1/regions?parent=36"):
        got = api.get(url)
        head = api.head(url)
        assert (head.status_code, head.content, head["Content-Type"]) == (200, b"", got["Content-Type"]), url
        assert head["Content-Length"] == str(len(got.content)), url
    assert api.head("/api/v1/organisations/999999").status_code == 404
    assert api.head("/api/v1/nope").status_code == 404


def test_head_on_an_address_without_get_is_405_naming_head(client):
    r = client.head("/api/v1/search/subscriptions/1", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.content, r["Allow"]) == (405, b"", "DELETE, OPTIONS, PATCH")
    # An address that takes GET takes HEAD too, and says so.
    r = client.delete("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    allowed = ["GET", "HEAD", "OPTIONS"]
    assert (r.status_code, r["Allow"], r.json()["details"]) == (405, "GET, HEAD, OPTIONS", {"allowed": allowed})
    assert r.json()["message"] == "This address does not accept DELETE; it accepts GET, HEAD, OPTIONS."


def test_options_names_the_methods_of_an_address_and_runs_nothing(client, applicant_admin):
    r = client.options("/api/v1/search/subscriptions/1")
    assert (r.status_code, r.content, r["Allow"]) == (204, b"", "DELETE, OPTIONS, PATCH")
    r = client.options("/api/v1/me")
    assert (r.status_code, r.content, r["Allow"]) == (204, b"", "GET, HEAD, OPTIONS")
    # No operation ran: an anonymous OPTIONS on a signed-in address is not a 401.
    assert client.get("/api/v1/me").status_code == 401
    r = client.options("/api/v1/nope", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_the_docs_and_the_schema_answer_get_and_head_and_name_them_to_other_methods(path):
    """OPTIONS (and POST, PUT…) on /api/v1/docs answered with the docs page itself."""
    c = Client(enforce_csrf_checks=True)  # a POST is refused for its method, not by the CSRF check
    r = c.options(path)
    assert (r.status_code, r.content, r["Allow"]) == (204, b"", "GET, HEAD, OPTIONS")
    r = c.post(path, HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r["Allow"], r.json()) == (
        405,
        "GET, HEAD, OPTIONS",
        {
            "code": "method_not_allowed",
            "message": "This address does not accept POST; it accepts GET, HEAD, OPTIONS.",
            "details": {"allowed": ["GET", "HEAD", "OPTIONS"]},
        },
    )
    got = c.get(path)
    head = c.head(path)
    assert got.status_code == 200 and got.content
    assert (head.status_code, head.content, head["Content-Type"]) == (200, b"", got["Content-Type"])
    assert head["Content-Length"] == str(len(got.content))


@pytest.mark.parametrize("page", ["99999999999999999999", "100001", "0"])
def test_a_page_beyond_the_bound_is_refused(client, page):
    r = client.get(f"/api/v1/achievements?page={page}", HTTP_ACCEPT_LANGUAGE="en")
    message = f"page: give 1 or more, not “{page}”." if page == "0" else f"page: give 100000 or less, not “{page}”."
    assert (r.status_code, r.json()["details"]) == (422, {"fields": {"page": [message]}})


def test_the_last_allowed_page_answers_with_no_items(client):
    body = client.get("/api/v1/achievements?page=100000").json()
    assert (body["items"], body["page"], body["pages"]) == ([], 100000, 0)


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("query", "page"), "page"),
        (("query", "filters", "since"), "since"),
        (("body", "payload", "name"), "name"),
        (("body", "payload", "filters", "since"), "filters.since"),
        (("body", "payload", "filters"), "filters"),
        (("body", "payload", "items", 0, "body"), "items.0.body"),
        (("body", "payload"), "__all__"),
    ],
)
def test_validation_errors_are_named_by_their_field(loc, name):
    assert field_name(loc) == name
