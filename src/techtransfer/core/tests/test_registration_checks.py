"""Self-registration reads the credit code as typed (full-width, grouped in fours), refuses a
government department without a state organ's code and a county of another city, and warns the
verifying reviewer when the type and the code disagree."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.core import selectors, uscc
from techtransfer.core.choices import OrganisationStatus, OrganisationType
from techtransfer.core.forms import OrganisationRegistrationForm
from techtransfer.core.models import Organisation, User
from techtransfer.core.tests.factories import PASSWORD, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


ENTERPRISE_CODE = "91360700MA35QA3T2B"  # valid (GB 32100 check), an enterprise's (9x)
STATE_ORGAN_CODE = uscc.make("11360100MA3500001")
USCC_INVALID = "The unified social credit code is not valid (GB 32100-2015 check failed)."
GOVERNMENT_REFUSAL = (
    "A government science department's unified social credit code starts with 11 (a state organ's). "
    "Check the code, or choose the organisation type it was registered as."
)


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "南昌县新单位",
        "type": "enterprise",
        "uscc": ENTERPRISE_CODE,
        "province": "360000",
        "city": "360100",
        "county": "360121",
        "admin_username": "newadmin",
        "admin_email": "new@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def api_payload(**overrides: str) -> dict[str, str]:
    payload = {
        "name": "API注册单位",
        "type": "enterprise",
        "uscc": ENTERPRISE_CODE,
        "region": "360121",
        "admin_username": "apiuser",
        "admin_email": "api@example.org",
        "admin_password": PASSWORD,
    }
    payload.update(overrides)
    return payload


# --- 1. A government department needs a state organ's code --------------------------------------


def test_the_registration_page_refuses_a_government_department_with_an_enterprise_code(client):
    response = client.post("/register/", form_data(type="government"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {"uscc": [GOVERNMENT_REFUSAL]}
    assert 'value="91360700MA35QA3T2B"' in response.content.decode()  # what was typed stays
    assert Organisation.objects.count() == 0
    assert not User.objects.filter(username="newadmin").exists()


def test_the_registration_page_accepts_a_government_department_with_a_state_organs_code(client):
    response = client.post("/register/", form_data(type="government", uscc=STATE_ORGAN_CODE))
    org = Organisation.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/organisations/{org.pk}/")
    assert (org.type, org.uscc) == (OrganisationType.GOVERNMENT, STATE_ORGAN_CODE)


def test_the_api_refuses_a_government_department_with_a_public_institutions_code(client):
    code = uscc.make("12360100MA3500001")
    response = client.post(
        "/api/v1/organisations", api_payload(type="government", uscc=code), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json() == {
        "code": "uscc_not_state_organ",
        "message": GOVERNMENT_REFUSAL,
        "details": {"fields": {"uscc": [GOVERNMENT_REFUSAL]}},
    }
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize("org_type", ["research_institute", "university", "hospital"])
def test_other_types_with_an_enterprise_code_are_registered(client, org_type):
    response = client.post("/register/", form_data(type=org_type))
    assert response.status_code == 302
    assert Organisation.objects.get().type == org_type


@pytest.mark.parametrize(
    ("org_type", "prefix", "conflict"),
    [
        (OrganisationType.UNIVERSITY, "91", uscc.ENTERPRISE),
        (OrganisationType.RESEARCH_INSTITUTE, "91", uscc.ENTERPRISE),
        (OrganisationType.HOSPITAL, "92", uscc.ENTERPRISE),
        (OrganisationType.ENTERPRISE, "11", uscc.STATE_ORGAN),
        (OrganisationType.ENTERPRISE, "12", uscc.PUBLIC_INSTITUTION),
        (OrganisationType.GOVERNMENT, "91", uscc.ENTERPRISE),
        (OrganisationType.GOVERNMENT, "11", None),
        (OrganisationType.RESEARCH_INSTITUTE, "12", None),
        (OrganisationType.RESEARCH_INSTITUTE, "52", None),
        (OrganisationType.ENTERPRISE, "91", None),
        (OrganisationType.SERVICE_AGENCY, "12", None),
        (OrganisationType.OTHER, "Y1", None),
    ],
)
def test_type_code_conflict(org_type, prefix, conflict):
    assert selectors.type_code_conflict(org_type, uscc.make(prefix + "360100MA3500001")) == conflict


def test_the_reviewer_is_warned_when_an_institutes_code_is_an_enterprises(county_reviewer):
    org = OrganisationFactory(
        type=OrganisationType.RESEARCH_INSTITUTE, region_id="360121", status=OrganisationStatus.REGISTERED,
        uscc=ENTERPRISE_CODE,
    )  # fmt: skip
    c = Client()
    c.force_login(county_reviewer)
    response = c.get(f"/organisations/{org.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["code_conflict"] == "an enterprise"
    assert (
        "Registered as “Research institute”, but the credit code's first characters are those of an "
        "enterprise. Check the organisation's documents before verifying it."
    ) in response.content.decode()


def test_no_warning_when_type_and_code_agree_nor_for_visitors(county_reviewer, outsider):
    agreeing = OrganisationFactory(
        type=OrganisationType.RESEARCH_INSTITUTE, region_id="360121", status=OrganisationStatus.REGISTERED,
        uscc=uscc.make("12360100MA3500001"),
    )  # fmt: skip
    conflicting = OrganisationFactory(
        type=OrganisationType.ENTERPRISE, region_id="360121", status=OrganisationStatus.VERIFIED,
        uscc=uscc.make("12360100MA3500002"),
    )  # fmt: skip
    reviewer = Client()
    reviewer.force_login(county_reviewer)
    response = reviewer.get(f"/organisations/{agreeing.pk}/")
    assert response.context["code_conflict"] is None
    assert 'id="code-conflict"' not in response.content.decode()
    visitor = Client()
    visitor.force_login(outsider)
    response = visitor.get(f"/organisations/{conflicting.pk}/")
    assert response.context["code_conflict"] is None
    assert 'id="code-conflict"' not in response.content.decode()


# --- 2. The code is normalised before it is checked ------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["９１３６０７００ＭＡ３５ＱＡ３Ｔ２Ｂ", " 9136 0700 MA35 QA3T 2B", "91360700ma35qa3t2b"]
)
def test_the_form_reads_full_width_spaced_and_lower_case_codes(typed):
    form = OrganisationRegistrationForm(form_data(uscc=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == ENTERPRISE_CODE


@pytest.mark.parametrize("typed", ["９１３６０７００ＭＡ３５ＱＡ３Ｔ２Ｂ", " 9136 0700 MA35 QA3T 2B"])
def test_the_api_reads_full_width_and_spaced_codes(client, typed):
    response = client.post("/api/v1/organisations", api_payload(uscc=typed), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["organisation"]["uscc"] == ENTERPRISE_CODE
    assert Organisation.objects.get().uscc == ENTERPRISE_CODE


def test_a_normalised_code_still_fails_the_length_and_check_tests(client):
    form = OrganisationRegistrationForm(form_data(uscc=" 9136 0700 MA35 QA3T 2"))
    assert not form.is_valid()
    assert form.errors == {"uscc": ["The code must have exactly 18 characters."]}
    response = client.post(
        "/api/v1/organisations", api_payload(uscc="９１３６０７００ＭＡ３５ＱＡ３Ｔ２Ｃ"), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (422, "uscc_invalid")
    assert response.json()["details"] == {"fields": {"uscc": [USCC_INVALID]}, "reason": "check"}


def test_a_full_width_copy_of_a_registered_code_is_taken():
    OrganisationFactory(uscc=ENTERPRISE_CODE)
    form = OrganisationRegistrationForm(form_data(uscc="９１３６０７００ＭＡ３５ＱＡ３Ｔ２Ｂ"))
    assert form.errors == {"uscc": ["An organisation with this unified social credit code already exists."]}


# --- 3. The county lies in the chosen city ---------------------------------------------------------


def test_a_county_of_another_city_is_refused(client):
    response = client.post("/register/", form_data(city="360100", county="360702"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {"county": ["Choose a county or district of the chosen city."]}
    assert "Choose a county or district of the chosen city." in response.content.decode()
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("city", "county", "errors"),
    [
        ("360700", "", {}),
        ("", "", {}),
        ("440100", "", {"city": ["Choose a city and county inside the chosen province."]}),
        ("", "440106", {"county": ["Choose a city and county inside the chosen province."]}),
        ("", "360702", {}),
        ("360700", "360702", {}),
        ("360700", "999999", {"county": ["Choose a city and county inside the chosen province."]}),
    ],
)
def test_region_levels_must_nest(city, county, errors):
    form = OrganisationRegistrationForm(form_data(city=city, county=county))
    form.is_valid()
    assert dict(form.errors) == errors
    if not errors:
        assert form.cleaned_data["region"].code == (county or city or "360000")
