"""Submitting a need says to whom it went for review (a QA pass was told only "Done.")."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from techtransfer.core.choices import ReviewStatus
from techtransfer.core.tests.factories import verify
from techtransfer.needs import services
from techtransfer.needs.tests.factories import need_data

pytestmark = pytest.mark.django_db


def _submit(client, user, org):  # type: ignore[no-untyped-def]
    verify(org)
    need = services.create_need(actor=user, organisation_id=org.pk, data=need_data())
    client.force_login(user)
    response = client.post(f"/needs/{need.pk}/action/", {"action": "submit"}, HTTP_ACCEPT_LANGUAGE="en")
    need.refresh_from_db()
    assert (response.status_code, need.status) == (302, ReviewStatus.SUBMITTED)
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_submitter_is_told_the_nearest_department_with_reviewers(client, applicant_org, applicant_admin,
                                                                     county_reviewer, city_reviewer):  # fmt: skip
    assert _submit(client, applicant_admin, applicant_org) == ["Submitted for review to 南昌县科学技术局."]


def test_without_a_reviewer_nearby_the_next_department_up_is_named(client, applicant_org, applicant_admin,
                                                                   city_reviewer):  # fmt: skip
    assert _submit(client, applicant_admin, applicant_org) == ["Submitted for review to 南昌市科学技术局."]


def test_without_any_reviewer_it_says_submitted(client, applicant_org, applicant_admin):
    assert _submit(client, applicant_admin, applicant_org) == ["Submitted for review."]
