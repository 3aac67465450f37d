"""The registration form's error summary names the contributors' and IP items' fields too: they are a
second form sent with the record's, and were checked only when the record's fields were right (so an
IP error came alone, at the bottom of a phone's page, with no summary above the form)."""

import re

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import valid_form_data
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation

BAD_IP = "发明专利：一种正极材料：2023114193091"


def _summary(html: str) -> list[str]:
    box = re.search(r'<div class="alert alert-danger small form-error-summary".*?</div>', html, re.S)
    assert box is not None
    return re.findall(r'<a class="alert-link" href="#(\w+)">([^<]+)</a>', box.group(0))


@pytest.fixture
def member(applicant_org, applicant_member):  # type: ignore[no-untyped-def]
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_member)
    return c, applicant_org


@pytest.mark.django_db
def test_an_ip_error_alone_is_summarised_and_marked(member):
    c, org = member
    with translation.override("en"):
        html = c.post("/achievements/new/", valid_form_data(organisation=org.pk, ip_items=BAD_IP)).content.decode()
    assert _summary(html) == [("id_ip_items", "Intellectual property")]
    assert re.search(r'<textarea name="ip_items"[^>]*class="form-control is-invalid"[^>]*aria-invalid="true"', html)
    assert BAD_IP in html
    assert Achievement.objects.count() == 0


@pytest.mark.django_db
def test_errors_of_both_forms_are_summarised_in_the_pages_order(member):
    c, org = member
    data = valid_form_data(organisation=org.pk, contact_email="bad@@mail", ip_items=BAD_IP)
    data["contributor_people"] = "张三（南昌大学）：" + "工" * 501
    with translation.override("en"):
        html = c.post("/achievements/new/", data).content.decode()
    assert _summary(html) == [
        ("id_contact_email", "Contact e-mail"),
        ("id_contributor_people", "Completing people"),
        ("id_ip_items", "Intellectual property"),
    ]
    assert "The form has 3 fields with errors; each message is under its field." in html
    assert Achievement.objects.count() == 0
