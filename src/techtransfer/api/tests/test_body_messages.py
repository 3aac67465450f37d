"""A request body's field the schema refuses is said as a typed query parameter is: its name and the
value sent, quoted ("price: “abc” is not a number."), not pydantic's "Enter a number." naming neither."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from techtransfer.achievements.models import Achievement
from techtransfer.contracts.models import Contract
from techtransfer.market.models import Listing
from techtransfer.needs.models import Need

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def c(applicant_admin):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(applicant_admin)
    return client


def _fields(client, url, body, language="en", method="post"):  # type: ignore[no-untyped-def]
    response = getattr(client, method)(url, body, content_type=JSON, HTTP_ACCEPT_LANGUAGE=language)
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (
        422,
        "validation_error",
        "Some fields are not valid." if language == "en" else "部分字段填写有误。",
    )
    return response.json()["details"]["fields"]


def test_contract_body_numbers_dates_and_choices(c, applicant_org):
    body = {
        "organisation_id": applicant_org.pk, "name": "合同", "contract_type": "development", "tech_field": "aliens",
        "signed_on": "2026-13-01", "term_start": "2026-05-01", "term_end": "2027-04-30", "contract_amount": "abc",
        "non_technical_costs": 1.234, "carrier_costs": True,
        "parties": [{"role": "buyer", "name": "买方", "nature": "zz", "region_code": "12"}],
    }  # fmt: skip
    fields = ("electronic_information", "advanced_manufacturing", "aerospace", "modern_transport", "agriculture",
              "new_materials", "new_energy", "environment", "biomedicine", "nuclear", "urban_social")  # fmt: skip
    natures = ("state_organ", "public_institution", "enterprise", "social_organisation", "natural_person", "other")
    assert _fields(c, "/api/v1/contracts", body) == {
        "tech_field": [f"tech_field: “aliens” is not one of the choices ({', '.join(repr(f) for f in fields)})."],
        "signed_on": ["signed_on: “2026-13-01” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01."],
        "contract_amount": ["contract_amount: “abc” is not a number."],
        "non_technical_costs": ["non_technical_costs: “1.234” has more than 2 decimal places."],
        "carrier_costs": ["carrier_costs: “true” is not a number."],
        "parties.0.region_code": ["parties.0.region_code: “12” is not valid."],
        "parties.0.nature": [f"parties.0.nature: “zz” is not one of the choices ({', '.join(map(repr, natures))})."],
    }
    # null, a list or an object is no value to quote: the API's own message, in the request's language.
    nothing = {**body, "tech_field": "new_energy", "signed_on": "2026-05-01", "non_technical_costs": [1],
               "carrier_costs": 0, "contract_amount": None, "parties": []}  # fmt: skip
    assert _fields(c, "/api/v1/contracts", nothing, "zh-hans") == {
        "contract_amount": ["请输入数字。"],
        "non_technical_costs": ["请输入数字。"],
    }
    assert not Contract.objects.exists()


def test_need_listing_and_achievement_bodies(c, applicant_org):
    need = {"organisation_id": applicant_org.pk, "title": "x", "summary": "s", "description": "d",
            "cooperation_modes": ["service"], "budget_min": "abc", "required_trl": "x", "deadline": "tomorrow"}  # fmt: skip
    assert _fields(c, "/api/v1/needs", need) == {
        "budget_min": ["budget_min: “abc” is not a number."],
        "required_trl": ["required_trl: “x” is not a whole number."],
        "deadline": ["deadline: “tomorrow” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01."],
    }
    today = timezone.localdate().isoformat()
    listing = {"organisation_id": applicant_org.pk, "mode": "assignment", "listed_from": today,
               "listed_until": "2026-02-30", "price_min": "-1", "price_max": "1.234", "patent_numbers": "ZL1"}  # fmt: skip
    assert _fields(c, "/api/v1/market/listings", listing) == {
        "listed_until": ["listed_until: “2026-02-30” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01."],
        "price_min": ["price_min: give 0 or more, not “-1”."],
        "price_max": ["price_max: “1.234” has more than 2 decimal places."],
    }
    achievement = {"organisation_id": applicant_org.pk, "name": "成果", "abstract": "简介", "keywords": ["稀土"],
                   "trl": 1.5, "price": "abc"}  # fmt: skip
    assert _fields(c, "/api/v1/achievements", achievement) == {
        "trl": ["trl: “1.5” is not a whole number."],
        "price": ["price: “abc” is not a number."],
    }
    assert _fields(c, "/api/v1/achievements", achievement, "zh-hans") == {
        "trl": ["trl：“1.5”不是整数。"],
        "price": ["price：“abc”不是数字。"],
    }
    assert not (Need.objects.exists() or Listing.objects.exists() or Achievement.objects.exists())


def test_an_email_the_schema_refuses_is_said_in_the_request_language(c, applicant_org):
    """pydantic's e-mail check answered in English whatever the language ("value is not a valid email
    address: An email address must have an @-sign."); found by fuzzing the API (schemathesis)."""
    url = f"/api/v1/organisations/{applicant_org.pk}/invitations"
    assert _fields(c, url, {"email": "AAA"}) == {"email": ["email: “AAA” is not valid."]}
    assert _fields(c, url, {"email": "a@localhost"}, "zh-hans") == {"email": ["email：“a@localhost”无效。"]}
    assert _fields(c, url, {"email": 5}) == {"email": ["Enter text."]}
    org = f"/api/v1/organisations/{applicant_org.pk}"
    assert _fields(c, org, {"contact_email": "联系人@"}, "zh-hans", method="patch") == {
        "contact_email": ["contact_email：“联系人@”无效。"]
    }
    registration = {
        "name": "示范机构", "type": "enterprise", "uscc": "91360100MA35XXXXXX", "region": "360100",
        "admin_username": "new_admin", "admin_email": "new@", "admin_password": "long-enough-pw",
    }  # fmt: skip
    assert _fields(Client(), "/api/v1/organisations", registration) == {
        "admin_email": ["admin_email: “new@” is not valid."]
    }
    accepted = c.post(url, {"email": "new.member@example.org"}, content_type=JSON)
    assert (accepted.status_code, accepted.json()["email"]) == (201, "new.member@example.org")


def test_numbers_no_field_can_keep_and_pairs_sent_as_objects(c, applicant_org):
    """A decimal given "NaN" or "Infinity" (1e400 reads as infinity), and a [name, weight] pair given as
    an object, were refused in pydantic's English ("Input should be a finite number", "Input should be
    a valid tuple"); found by fuzzing the API (schemathesis)."""
    challenge = {
        "need_id": 1, "bounty": "NaN", "split": ["Infinity", 1e400], "deadline": "2030-01-01T00:00:00Z",
        "eligible_types": ["enterprise"], "agreement": "协议", "criteria": [{}, ["创新性", 100]],
    }  # fmt: skip
    body = json.dumps(challenge).replace("Infinity]", "1e400]")  # json.dumps writes 1e400 as Infinity
    response = c.post("/api/v1/challenges", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["details"]) == (
        422,
        {
            "fields": {
                "bounty": ["bounty: “NaN” is not a number."],
                "split.0": ["split.0: “Infinity” is not a number."],
                "split.1": ["Enter a number."],
                "criteria.0": ["Give a list ([…])."],
            }
        },
    )
    assert _fields(c, "/api/v1/challenges", {**challenge, "split": [100]}, "zh-hans") == {
        "bounty": ["bounty：“NaN”不是数字。"],
        "criteria.0": ["请给出列表（[…]）。"],
    }


def test_an_organisation_contact_address_can_be_cleared_as_on_the_web_form(c, applicant_org):
    """ "" clears the contact address (the web form's empty box does); only a malformed one is refused."""
    url = f"/api/v1/organisations/{applicant_org.pk}"

    def stored() -> str:
        applicant_org.refresh_from_db()
        return applicant_org.contact_email

    assert c.patch(url, {"contact_email": "office@example.org"}, content_type=JSON).status_code == 200
    assert stored() == "office@example.org"
    assert c.patch(url, {"contact_email": None, "address": "南昌市"}, content_type=JSON).status_code == 200
    assert stored() == "office@example.org"  # null: unchanged
    for blank in ("", "  "):
        assert c.patch(url, {"contact_email": blank}, content_type=JSON).status_code == 200
        assert stored() == ""
