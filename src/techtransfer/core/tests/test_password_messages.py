"""Password rules read in the page's language: Django 5.2 refused a short password under a msgid its
zh_Hans catalogue lacks, so on /register/ and on an invitation link it read "This password is too
short. It must contain at least 10 characters." in English beside the other rules in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from techtransfer.core.models import Organisation, User
from techtransfer.core.passwords import MinimumLengthValidator
from techtransfer.core.tests.factories import accept_invitation
from techtransfer.core.tests.test_registration_checks import form_data

pytestmark = pytest.mark.django_db

SHORT_ZH = "密码长度太短。密码必须包含至少 10 个字符。"
SHORT_EN = "This password is too short. It must contain at least 10 characters."


def test_a_short_password_is_refused_in_chinese_on_the_register_form(client):
    response = client.post("/register/", form_data(password1="123", password2="123"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [SHORT_ZH, "这个密码太常见了。", "密码只包含数字。"]
    body = response.content.decode()
    assert SHORT_ZH in body and "This password is too short" not in body
    assert not Organisation.objects.filter(name="南昌县新单位").exists()


def test_a_short_password_is_refused_in_chinese_on_an_invitation_link(applicant_org, applicant_admin):
    response = accept_invitation(applicant_org, applicant_admin, "q8#Lm2", language="zh-hans")
    assert response.status_code == 200
    assert response.context["form"].errors == {"password1": [SHORT_ZH]}
    assert not User.objects.filter(username="friend").exists()


@pytest.mark.parametrize(("language", "expected"), [("en", SHORT_EN), ("zh-hans", SHORT_ZH)])
def test_the_minimum_length_rule_in_both_languages(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as exc:
        validate_password("x7!kQ")
    assert exc.value.messages == [expected]
    assert exc.value.error_list[0].code == "password_too_short"


def test_one_character_reads_in_the_singular():
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        MinimumLengthValidator(min_length=1).validate("")
    assert exc.value.messages == ["This password is too short. It must contain at least 1 character."]
