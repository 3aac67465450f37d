"""A request that meets SQLite's "database is locked" gets a 503 saying nothing was saved, not a bare 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from techtransfer.jobs import api as jobs_api
from techtransfer.jobs import views as jobs_views

pytestmark = pytest.mark.django_db


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def client(user, language):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def test_a_page_that_meets_a_locked_database_answers_503(applicant_member, monkeypatch):
    monkeypatch.setattr(jobs_views, "jobs_visible_to", locked)
    response = client(applicant_member, "en").get("/jobs/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.context["heading"] == "The platform is busy"
    assert response.context["explanation"] == (
        "The platform is busy and nothing was saved. Go back and send it again in a moment."
    )
    assert 'id="error-503"' in response.content.decode()


def test_the_api_answers_503_busy_in_its_error_shape(applicant_member, monkeypatch):
    monkeypatch.setattr(jobs_api, "jobs_visible_to", locked)
    response = client(applicant_member, "en").get("/api/v1/jobs")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "code": "busy",
        "message": "The platform is busy and nothing was saved. Go back and send it again in a moment.",
        "details": {},
    }


def test_other_database_errors_are_left_to_django(applicant_member, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: x")

    monkeypatch.setattr(jobs_views, "jobs_visible_to", broken)
    with pytest.raises(OperationalError):
        client(applicant_member, "en").get("/jobs/")
