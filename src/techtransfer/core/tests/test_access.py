"""Permission matrix for organisation and member views, on the web pages and the API.

Personas: anonymous, member, member of another organisation, reviewer inside and outside the
jurisdiction. The organisation under test is registered (not yet verified) in 南昌县.
"""

import pytest
from django.test import Client

from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "applicant_member",
    "applicant_admin",
    "outsider",
    "county_reviewer",
    "city_reviewer",
    "ganzhou_reviewer",
]


@pytest.fixture
def clients(request, applicant_member, applicant_admin, outsider, county_reviewer, city_reviewer, ganzhou_reviewer):
    users = {
        "applicant_member": applicant_member,
        "applicant_admin": applicant_admin,
        "outsider": outsider,
        "county_reviewer": county_reviewer,
        "city_reviewer": city_reviewer,
        "ganzhou_reviewer": ganzhou_reviewer,
    }
    result = {"anonymous": Client()}
    for name, user in users.items():
        c = Client()
        c.force_login(user)
        result[name] = c
    return result


# persona -> expected HTTP status for (profile page, edit page, members API, organisation API)
MATRIX = {
    "anonymous": (404, 302, 401, 404),
    "applicant_member": (200, 404, 200, 200),
    "applicant_admin": (200, 200, 200, 200),
    "outsider": (404, 404, 404, 404),
    "county_reviewer": (200, 404, 200, 200),
    "city_reviewer": (200, 404, 200, 200),
    "ganzhou_reviewer": (404, 404, 404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_unverified_organisation_matrix(persona, clients, applicant_org):
    c = clients[persona]
    profile, edit, members_api, org_api = MATRIX[persona]
    assert c.get(f"/organisations/{applicant_org.pk}/").status_code == profile
    assert c.get(f"/organisations/{applicant_org.pk}/edit/").status_code == edit
    assert c.get(f"/api/v1/organisations/{applicant_org.pk}/members").status_code == members_api
    assert c.get(f"/api/v1/organisations/{applicant_org.pk}").status_code == org_api


@pytest.mark.parametrize("persona", PERSONAS)
def test_verified_organisation_profile_is_public_but_members_are_not(persona, clients, applicant_org):
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    c = clients[persona]
    response = c.get(f"/organisations/{applicant_org.pk}/")
    assert response.status_code == 200
    sees_members = persona in {"applicant_member", "applicant_admin", "county_reviewer", "city_reviewer"}
    assert ('id="members-table"' in response.content.decode()) is sees_members
    expected_api = 200 if sees_members else (401 if persona == "anonymous" else 404)
    assert c.get(f"/api/v1/organisations/{applicant_org.pk}/members").status_code == expected_api


REVIEW_ALLOWED = {"county_reviewer", "city_reviewer"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_verification_matrix_on_the_web(persona, clients, applicant_org):
    c = clients[persona]
    response = c.post(f"/organisations/{applicant_org.pk}/review/", {"action": "verify", "comment": ""})
    applicant_org.refresh_from_db()
    if persona in REVIEW_ALLOWED:
        assert response.status_code == 302
        assert applicant_org.status == OrganisationStatus.VERIFIED
    else:
        assert response.status_code in (302, 404) if persona == "anonymous" else response.status_code == 404
        assert applicant_org.status == OrganisationStatus.REGISTERED


@pytest.mark.parametrize("persona", PERSONAS)
def test_verification_matrix_on_the_api(persona, clients, applicant_org):
    c = clients[persona]
    response = c.post(
        f"/api/v1/organisations/{applicant_org.pk}/verify", {"comment": ""}, content_type="application/json"
    )
    applicant_org.refresh_from_db()
    if persona in REVIEW_ALLOWED:
        assert response.status_code == 200
        assert response.json()["status"] == "verified"
    else:
        assert response.status_code == (401 if persona == "anonymous" else 404)
        assert response.json()["code"] == ("not_authenticated" if persona == "anonymous" else "not_found")
        assert applicant_org.status == OrganisationStatus.REGISTERED


def test_directory_lists_what_each_persona_may_see(clients, applicant_org, other_org):
    anon = clients["anonymous"].get("/organisations/").content.decode()
    assert other_org.name in anon and applicant_org.name not in anon
    county = clients["county_reviewer"].get("/organisations/").content.decode()
    assert applicant_org.name in county
    ganzhou = clients["ganzhou_reviewer"].get("/organisations/").content.decode()
    assert applicant_org.name not in ganzhou
