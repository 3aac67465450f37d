"""A patent attached to an achievement whose application number is a Chinese one must carry its right
check digit (`core.patents`), on the web form, in an import (both read the lines with
`io.parse_ip_items`) and through the API; the refusal names the entry and the field and quotes the
number. Publication numbers, other offices' numbers and other kinds of IP are not checked.

Personas: applicant_member registers an achievement of the applicant enterprise.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from techtransfer.achievements.children import ChildrenForm
from techtransfer.achievements.io import parse_ip_items
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import valid_form_data
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation

WRONG = (
    "Entry %(n)d, application number: “%(value)s” is not a valid Chinese patent application number: its check "
    "digit (the last character) does not match the digits before it."
)


@pytest.mark.parametrize(
    ("line", "application"),
    [
        ("发明专利：一种正极材料：202311419309.X", "202311419309.X"),
        ("发明专利：一种正极材料：ZL 2023 1 1419309.x：CN117151122B", "ZL 2023 1 1419309.x"),
        ("实用新型：一种夹具：２０２３１１４１９３０９．Ｘ", "２０２３１１４１９３０９．Ｘ"),  # kept as typed
        ("实用新型：一种夹具：２０２３１１４１９３０９．Ｘ：", "２０２３１１４１９３０９．Ｘ"),
        ("外观设计：一种包装盒：97101765.4", "97101765.4"),
        ("发明专利：一种方法：CN1：CN2", "CN1"),  # not a Chinese application number: not checked, as before
        ("软件著作权：稀土配分管理系统：2023SR0123456", "2023SR0123456"),
        ("植物新品种：赣早籼1号：20230001.5", "20230001.5"),  # not a patent: its numbers have no such rule
    ],
)
def test_right_numbers_and_numbers_without_the_rule_are_read(line, application):
    items, errors = parse_ip_items(line)
    assert (errors, [i["application_number"] for i in items]) == ([], [application])


def test_a_publication_number_is_not_checked():
    items, errors = parse_ip_items("发明专利：一种正极材料：CN117151122A")
    assert (errors, items[0]["publication_number"]) == ([], "CN117151122A")


def test_a_wrong_check_digit_is_refused_naming_the_entry_and_quoting_the_number():
    text = "发明专利：一种正极材料：202311419309.X\n实用新型：一种夹具：ZL 2023 1 1419309.1：CN216000000U\n外观设计：盒：971017655"
    with translation.override("en"):
        items, errors = parse_ip_items(text)
    assert [i["application_number"] for i in items] == ["202311419309.X"]
    assert errors == [WRONG % {"n": 2, "value": "ZL 2023 1 1419309.1"}, WRONG % {"n": 3, "value": "971017655"}]


@pytest.fixture
def org(applicant_org):  # type: ignore[no-untyped-def]
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    return applicant_org


@pytest.mark.django_db
def test_the_web_form_refuses_it_beside_the_field(org, applicant_member):
    with translation.override("en"):
        form = ChildrenForm({"ip_items": "发明专利：一种正极材料：2023114193091"})
        assert form.errors == {"ip_items": [WRONG % {"n": 1, "value": "2023114193091"}]}
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_member)
    data = valid_form_data(organisation=org.pk, ip_items="发明专利：一种正极材料：2023114193091")
    response = c.post("/achievements/new/", data)
    assert response.status_code == 200
    assert "“2023114193091” is not a valid Chinese patent application number" in response.content.decode()
    assert Achievement.objects.count() == 0
    data["ip_items"] = "发明专利：一种正极材料：202311419309X"
    assert c.post("/achievements/new/", data).status_code == 302
    assert list(Achievement.objects.get().ip_items.values_list("application_number", flat=True)) == ["202311419309X"]


@pytest.mark.django_db
def test_the_api_refuses_it_under_ip_items(applicant_org, applicant_member):
    c = Client()
    c.force_login(applicant_member)
    payload = valid_form_data(keywords=["锂电池"], organisation_id=applicant_org.pk, price_negotiable=True)
    payload["ip_items"] = [
        {"kind": "invention_patent", "title": "一种正极材料", "application_number": "CN202311419309.X"},
        {"kind": "utility_model", "title": "一种夹具", "application_number": "ＣＮ２０２３１１４１９３０９．１"},
        {"kind": "software_copyright", "title": "系统", "application_number": "2023SR0123456"},
    ]
    refused = c.post("/api/v1/achievements", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"ip_items": [WRONG % {"n": 2, "value": "ＣＮ２０２３１１４１９３０９．１"}]}},
        },
    )
    assert Achievement.objects.count() == 0
    payload["ip_items"][1]["application_number"] = "ZL 2023 1 1419309.X"
    done = c.post("/api/v1/achievements", payload, content_type="application/json")
    assert done.status_code == 201, done.content
    assert [i["application_number"] for i in done.json()["ip_items"]] == [
        "CN202311419309.X", "ZL 2023 1 1419309.X", "2023SR0123456",
    ]  # fmt: skip
