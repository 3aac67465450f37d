"""A refusal of one input field answers as every 422: the rule's own code and message, and the field
under `details.fields` by the name the client sent it."""

import pytest
from django.test import Client

from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation

pytestmark = pytest.mark.django_db


def _client(user):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_a_suspension_without_a_reason_is_refused_under_comment(applicant_org, city_reviewer):
    """The input is `comment`, as for verify and reinstate; the refusal said `details.reason`."""
    response = _client(city_reviewer).post(
        f"/api/v1/organisations/{applicant_org.pk}/suspend", {"comment": "  "}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"comment": ["A reason is required."]}},
        },
    )
    assert Organisation.objects.get(pk=applicant_org.pk).status == OrganisationStatus.REGISTERED


def test_a_suspension_reason_longer_than_the_organisation_keeps_is_refused(applicant_org, city_reviewer):
    """The reason is kept in `status_reason` (500 characters) but the API took a comment of 2000:
    PostgreSQL refused the save and the API answered 500 (found by fuzzing with schemathesis)."""
    url = f"/api/v1/organisations/{applicant_org.pk}/suspend"
    c = _client(city_reviewer)
    response = c.post(url, {"comment": "过" * 501}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "部分字段填写有误。",
            "details": {"fields": {"comment": ["最多 500 个字符。"]}},
        },
    )
    assert Organisation.objects.get(pk=applicant_org.pk).status == OrganisationStatus.REGISTERED
    response = c.post(url, {"comment": "过" * 500}, content_type="application/json")
    assert (response.status_code, response.json()["status"]) == (200, OrganisationStatus.SUSPENDED)
    assert Organisation.objects.get(pk=applicant_org.pk).status_reason == "过" * 500


def test_a_bad_list_filter_is_refused_under_its_name(client, applicant_org):
    """It answered Django's form errors as the whole of `details`."""
    response = client.get("/api/v1/organisations", {"type": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    message = "Organisation type: “bogus” is not one of the choices."
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"type": [message]}},
        },
    )


def test_a_government_role_in_an_enterprise_is_refused_under_role(applicant_org, applicant_admin):
    """`role_not_allowed` answered 400 with the role alone in `details`."""
    response = _client(applicant_admin).post(
        f"/api/v1/organisations/{applicant_org.pk}/invitations", {"email": "new@example.org", "role": "gov_reviewer"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    message = "This role is only available in a government science department."
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "role_not_allowed",
            "message": message,
            "details": {"fields": {"role": [message]}, "role": "gov_reviewer"},
        },
    )
