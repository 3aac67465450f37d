"""Telephone numbers: read as typed on a Chinese keyboard (full-width digits and brackets, an
extension after 转), refused when they cannot be dialled (letters, too few digits), on the
registration page, the profile page, the API and the achievement form alike; nothing saved then."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from techtransfer.achievements.forms import AchievementForm
from techtransfer.audit.models import AuditEvent
from techtransfer.core import phone
from techtransfer.core.models import Organisation
from techtransfer.core.tests.test_registration_checks import api_payload, form_data

REFUSAL = "Enter a telephone number: digits with + - ( ) and spaces, e.g. 0791-86212345 or +86 138 0013 8000."


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("0791-86212345", "0791-86212345"),
        ("（０７９１）８６２１２３４５", "(0791)86212345"),
        ("０７９１－８６２１２３４５", "0791-86212345"),
        ("0791—86212345", "0791-86212345"),
        ("  +86  138 0013 8000 ", "+86 138 0013 8000"),
        ("0791-86212345转8001", "0791-86212345转8001"),
        ("0791-86212345 ext. 12", "0791-86212345 ext. 12"),
        ("400-800-1234", "400-800-1234"),
        ("", ""),
    ],
)
def test_numbers_as_typed_are_read(typed, read):
    assert (phone.normalise(typed), phone.is_valid(phone.normalise(typed))) == (read, True)


@pytest.mark.parametrize(
    "typed", ["abc", "0791-8621234a", "电话0791-86212345", "123456", "+", "0791-86212345转", "1" * 21]
)
def test_numbers_that_cannot_be_dialled_are_refused(typed):
    assert phone.is_valid(phone.normalise(typed)) is False


@pytest.mark.django_db
def test_the_registration_page_refuses_letters_and_keeps_what_was_typed(client):
    response = client.post("/register/", form_data(contact_phone="0791-ABCDEFG"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {"contact_phone": [REFUSAL]}
    assert 'value="0791-ABCDEFG"' in response.content.decode()
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_the_registration_page_stores_the_number_half_width(client):
    response = client.post("/register/", form_data(contact_phone="（０７９１）８６２１２３４５"))
    assert response.status_code == 302
    assert Organisation.objects.get().contact_phone == "(0791)86212345"


@pytest.mark.django_db
def test_the_api_refuses_letters_at_registration(client):
    response = client.post(
        "/api/v1/organisations", api_payload(contact_phone="call me"), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["details"] == {"fields": {"contact_phone": [REFUSAL]}}
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_the_profile_page_and_the_api_refuse_letters(applicant_org, applicant_admin):
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_admin)
    page = c.post(f"/organisations/{applicant_org.pk}/edit/", {"name": applicant_org.name, "contact_phone": "n/a"})
    assert page.status_code == 200
    assert page.context["form"].errors == {"contact_phone": [REFUSAL]}
    api = c.patch(
        f"/api/v1/organisations/{applicant_org.pk}", {"contact_phone": "n/a"}, content_type="application/json"
    )
    assert (api.status_code, api.json()["details"]) == (422, {"fields": {"contact_phone": [REFUSAL]}})
    assert Organisation.objects.get(pk=applicant_org.pk).contact_phone == ""
    assert not AuditEvent.objects.filter(action="organisation.update").exists()
    ok = c.patch(
        f"/api/v1/organisations/{applicant_org.pk}", {"contact_phone": "０７９１－８６２１２３４５"},
        content_type="application/json",
    )  # fmt: skip
    assert (ok.status_code, Organisation.objects.get(pk=applicant_org.pk).contact_phone) == (200, "0791-86212345")


def test_the_achievement_form_refuses_letters():
    with translation.override("en"):
        field = AchievementForm().fields["contact_phone"]
        with pytest.raises(ValidationError) as exc:
            field.clean("0791-8621234x")
        assert exc.value.messages == [REFUSAL]
    assert field.clean("０７９１－８６２１２３４５") == "0791-86212345"
