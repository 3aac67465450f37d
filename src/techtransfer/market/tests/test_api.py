"""The listing schema of the API checks its choices like the web form, with the API's 422 shape."""

import datetime

import pytest
from django.utils import timezone

from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.market.models import Listing

pytestmark = pytest.mark.django_db

MODES = "'assignment', 'exclusive_licence', 'sole_licence', 'non_exclusive_licence', 'equity', 'joint_development'"


@pytest.fixture
def body(seller, published_achievement):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return {
        "organisation_id": seller.pk, "achievement_id": published_achievement.pk, "mode": "assignment",
        "listed_from": today.isoformat(), "listed_until": (today + datetime.timedelta(days=10)).isoformat(),
    }  # fmt: skip


def test_an_unknown_mode_or_industry_is_refused_under_its_name(client, applicant_member, body):
    """A QA pass drafted, then published, a listing of mode "listing", shown raw."""
    client.force_login(applicant_member)
    response = client.post(
        "/api/v1/market/listings", {**body, "mode": "listing", "industry": "cars"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Some fields are not valid.",
        "details": {
            "fields": {
                "mode": [f"mode: “listing” is not one of the choices ({MODES})."],
                "industry": [
                    "industry: “cars” is not one of the choices "
                    "('aviation', 'ssl', 'biomed', 'ngit', 'new_materials', 'new_energy', 'green')."
                ],
            }
        },
    }
    assert not Listing.objects.exists()


def test_known_choices_and_an_empty_industry_are_taken(client, applicant_admin, body, published_achievement):
    client.force_login(applicant_admin)
    for mode, industry, stored in (("sole_licence", "", "new_materials"), ("equity", "biomed", "biomed")):
        response = client.post(
            "/api/v1/market/listings", {**body, "mode": mode, "industry": industry}, content_type="application/json"
        )
        assert response.status_code == 201
        assert (response.json()["mode"], response.json()["industry"]) == (mode, stored)
    assert sorted(Listing.objects.values_list("mode", "industry")) == [
        ("equity", "biomed"), ("sole_licence", "new_materials"),
    ]  # fmt: skip


def test_price_negotiable_left_out_is_what_the_web_form_offers(client, applicant_admin, body):
    """The new-listing form shows "price negotiable" ticked: a listing drafted through the API without
    it is negotiable too (the model's default); false only when sent false."""
    client.force_login(applicant_admin)
    page = client.get("/market/listings/new/").content.decode()
    assert 'type="checkbox" name="price_negotiable" class="form-check-input" id="id_price_negotiable" checked' in page
    made = client.post("/api/v1/market/listings", body, content_type="application/json").json()
    fixed = client.post(
        "/api/v1/market/listings", {**body, "price_negotiable": False}, content_type="application/json"
    ).json()
    assert (made["price_negotiable"], fixed["price_negotiable"]) == (True, False)
    assert sorted(Listing.objects.values_list("price_negotiable", flat=True)) == [False, True]


def test_an_achievement_not_published_is_refused_under_achievement_id(client, applicant_member, body, seller):
    """The rule answered 400 with `details.field` "achievement", the web form's name for the input."""
    draft = AchievementFactory(organisation=seller, created_by=applicant_member)
    client.force_login(applicant_member)
    response = client.post(
        "/api/v1/market/listings", {**body, "achievement_id": draft.pk}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    message = "Only a published achievement can be listed."
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "listing_achievement_not_published",
            "message": message,
            "details": {"fields": {"achievement_id": [message]}},
        },
    )
    assert not Listing.objects.exists()
