"""Permission matrix for achievements on the pages and the API, and the API's validation."""

import pytest
from django.test import Client

from techtransfer.achievements import services
from techtransfer.achievements.choices import AchievementStatus as S
from techtransfer.achievements.models import Achievement
from techtransfer.achievements.tests.factories import AchievementFactory, valid_form_data
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "applicant_member",
    "applicant_admin",
    "outsider",
    "county_reviewer",
    "province_reviewer",
    "ganzhou_reviewer",
]


@pytest.fixture
def clients(applicant_member, applicant_admin, outsider, county_reviewer, province_reviewer, ganzhou_reviewer):
    users = {
        "applicant_member": applicant_member,
        "applicant_admin": applicant_admin,
        "outsider": outsider,
        "county_reviewer": county_reviewer,
        "province_reviewer": province_reviewer,
        "ganzhou_reviewer": ganzhou_reviewer,
    }
    result = {"anonymous": Client()}
    for name, user in users.items():
        c = Client()
        c.force_login(user)
        result[name] = c
    return result


@pytest.fixture
def org(applicant_org):
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    applicant_org.refresh_from_db()
    return applicant_org


@pytest.fixture
def draft(org, applicant_member):
    return AchievementFactory(organisation=org, created_by=applicant_member, name="草稿成果")


@pytest.fixture
def submitted(org, applicant_admin, gov_orgs):
    a = AchievementFactory(organisation=org, created_by=applicant_admin, name="待审成果")
    return services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)


# persona -> (sees draft, sees submitted record, may edit draft)
MATRIX = {
    "anonymous": (False, False, False),
    "applicant_member": (True, True, True),
    "applicant_admin": (True, True, True),
    "outsider": (False, False, False),
    "county_reviewer": (False, True, False),
    "province_reviewer": (False, True, False),
    "ganzhou_reviewer": (False, False, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix_on_pages_and_api(persona, clients, draft, submitted):
    c = clients[persona]
    sees_draft, sees_submitted, edits = MATRIX[persona]
    assert c.get(f"/achievements/{draft.pk}/").status_code == (200 if sees_draft else 404)
    assert c.get(f"/api/v1/achievements/{draft.pk}").status_code == (200 if sees_draft else 404)
    assert c.get(f"/achievements/{submitted.pk}/").status_code == (200 if sees_submitted else 404)
    assert c.get(f"/api/v1/achievements/{submitted.pk}").status_code == (200 if sees_submitted else 404)
    edit = c.get(f"/achievements/{draft.pk}/edit/")
    assert edit.status_code == (200 if edits else (302 if persona == "anonymous" else 404))
    visible = {a["id"] for a in c.get("/api/v1/achievements?scope=visible&page_size=100").json()["items"]}
    assert (draft.pk in visible) is sees_draft
    assert (submitted.pk in visible) is sees_submitted
    assert c.get("/api/v1/achievements").json()["count"] == 0  # nothing is published yet


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_holding_reviewer_can_start_the_review(persona, clients, submitted):
    c = clients[persona]
    response = c.post(f"/api/v1/achievements/{submitted.pk}/start-review", {}, content_type="application/json")
    allowed = persona == "province_reviewer"  # no route configured: the province reviews alone
    assert response.status_code == (200 if allowed else 401 if persona == "anonymous" else 404)
    assert Achievement.objects.get(pk=submitted.pk).status == (S.UNDER_REVIEW if allowed else S.SUBMITTED)


@pytest.mark.parametrize(("action", "message"), [("return", "Say what must change."), ("reject", "Give the reason.")])
def test_a_decision_without_a_comment_is_refused_under_comment(clients, submitted, action, message):
    """It answered `details.comment`, not the `details.fields` of every other 422."""
    response = clients["county_reviewer"].post(
        f"/api/v1/achievements/{submitted.pk}/{action}", {"comment": " "}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {"comment": [message]}},
        },
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (S.SUBMITTED, "")


def test_internal_records_stay_out_of_the_public_list(org, applicant_admin, province_reviewer, gov_orgs, client):
    for name, secrecy in [("公开成果", "public"), ("内部成果", "internal")]:
        a = AchievementFactory(organisation=org, created_by=applicant_admin, name=name, secrecy=secrecy)
        services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
        services.start_review(actor=province_reviewer, achievement_id=a.pk)
        services.approve_achievement(actor=province_reviewer, achievement_id=a.pk)
    names = [a["name"] for a in client.get("/api/v1/achievements").json()["items"]]
    assert names == ["公开成果"]
    html = client.get("/achievements/").content.decode()
    assert "公开成果" in html and "内部成果" not in html
    internal = Achievement.objects.get(name="内部成果")
    assert client.get(f"/achievements/{internal.pk}/").status_code == 404


def test_create_through_the_api_uses_the_form_rules(org, applicant_member):
    c = Client()
    c.force_login(applicant_member)
    payload = valid_form_data(
        keywords=["锂电池", "正极材料"], organisation_id=org.pk, price="120.00", price_negotiable=False
    )
    payload["contributors"] = [
        {"kind": "organisation", "name": "南昌县测试企业", "contribution": "牵头"},
        {"kind": "person", "name": "张三", "affiliation": "南昌县测试企业", "contribution": "工艺设计"},
    ]
    payload["ip_items"] = [
        {"kind": "invention_patent", "title": "一种正极材料", "application_number": "CN202310000000.0"}
    ]
    response = c.post("/api/v1/achievements", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["stage"], body["discipline_category"], body["price"]) == (
        "draft",
        "middle",
        "工学",
        "120.00",
    )
    assert [x["name"] for x in body["contributors"]] == ["南昌县测试企业", "张三"]
    assert body["ip_items"][0]["application_number"] == "CN202310000000.0"
    bad = dict(payload, secrecy="secret", keywords=[str(i) for i in range(9)], research_start="2024-13")
    response = c.post("/api/v1/achievements", bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    fields = response.json()["details"]["fields"]
    assert fields["secrecy"] == [
        "Classified results cannot be registered on this platform. Register them through the secrecy channel."
    ]
    assert fields["keywords"] == ["At most 8 keywords, got 9."]
    assert fields["research_start"] == ["Enter a year and month, for example 2024-06."]
    assert Achievement.objects.count() == 1


def test_the_api_refuses_a_bad_choice_naming_the_value(org, applicant_member):
    c = Client()
    c.force_login(applicant_member)
    bad = valid_form_data(keywords=["稀土"], organisation_id=org.pk, discipline="外星学", transfer_modes=["赠送"])
    response = c.post("/api/v1/achievements", bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["details"]["fields"] == {
        "discipline": ["Discipline: “外星学” is not one of the choices."],
        "transfer_modes": ["Intended transfer modes: “赠送” is not one of the choices."],
    }
    response = c.post("/api/v1/achievements", bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["details"]["fields"]["discipline"] == ["学科：“外星学”不是可选的值。"]
    assert not Achievement.objects.exists()


def test_the_web_form_quotes_a_bad_value_under_its_field_without_repeating_the_label(org, applicant_member):
    """The message is shown right under the field's label: "学科：“外星学”不是可选的值。" said the label
    twice. The API's and the import's messages, read away from the form, keep it."""
    c = Client()
    c.force_login(applicant_member)
    data = {**valid_form_data(discipline="外星学", trl="12"), "organisation": org.pk}
    response = c.post("/achievements/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors == {
        "discipline": ["“外星学” is not one of the choices."],
        "trl": ["Give 9 or less, not “12”."],
    }
    html = response.content.decode()
    assert '<div class="invalid-feedback d-block" role="alert">“外星学” is not one of the choices.</div>' in html
    assert "Discipline: “外星学”" not in html
    assert not Achievement.objects.exists()


def test_web_form_keeps_input_on_error_and_saves_children(org, applicant_member):
    c = Client()
    c.force_login(applicant_member)
    data = valid_form_data(secrecy="secret", name="保留我")
    data.update(
        {
            "organisation": org.pk,
            "contributor_people": "张三（南昌县测试企业）：设计",
            "ip_items": "发明专利：一种方法：CN1：CN2",
        }
    )
    response = c.post("/achievements/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and 'value="保留我"' in html
    assert "Classified results cannot be registered" in html
    assert Achievement.objects.count() == 0
    data["secrecy"] = "public"
    response = c.post("/achievements/new/", data)
    a = Achievement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/achievements/{a.pk}/"
    assert [(x.kind, x.name, x.affiliation, x.contribution) for x in a.contributors.all()] == [
        ("person", "张三", "南昌县测试企业", "设计")
    ]
    assert [(i.kind, i.application_number) for i in a.ip_items.all()] == [("invention_patent", "CN1")]
    bad_line = dict(data, ip_items="专利?：x：：")
    html = c.post("/achievements/new/", bad_line, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Entry 1: unknown IP type" in html


def test_public_list_filters_and_query_budget(
    org, applicant_admin, province_reviewer, gov_orgs, client, django_assert_max_num_queries
):
    for i in range(12):
        a = AchievementFactory(
            organisation=org, created_by=applicant_admin, name=f"成果{i}", trl=3 + i % 6,
            transfer_modes=["licence"] if i % 2 else ["assignment"], plan_industry="new_materials" if i < 4 else "",
        )  # fmt: skip
        services.submit_achievement(actor=applicant_admin, achievement_id=a.pk)
        services.start_review(actor=province_reviewer, achievement_id=a.pk)
        services.approve_achievement(actor=province_reviewer, achievement_id=a.pk)
    count = lambda q: client.get("/api/v1/achievements" + q).json()["count"]  # noqa: E731
    assert count("") == 12
    assert count("?transfer_mode=licence") == 6
    assert count("?plan_industry=new_materials") == 4
    assert count("?trl_min=7") == 4
    assert count("?region=360100") == 12 and count("?region=360700") == 0
    with django_assert_max_num_queries(8):
        assert client.get("/achievements/").status_code == 200
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/achievements?page_size=12").json()["items"]) == 12


def test_detail_shows_transfer_modes_by_name(org, applicant_member):
    a = AchievementFactory(organisation=org, created_by=applicant_member, transfer_modes=["licence", "equity"])
    c = Client()
    c.force_login(applicant_member)
    html = c.get(f"/achievements/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "许可、作价入股" in html


def test_region_filter_offers_provinces_and_cities(client):
    html = client.get("/achievements/?region=360100").content.decode()
    assert '<option value="360100" selected>南昌市</option>' in html
    assert '<optgroup label="江西省">' in html


def test_the_discipline_is_named_in_the_users_language(clients, draft):
    """The value is the Chinese name; the English page shows the English one, as the search does."""
    Achievement.objects.filter(pk=draft.pk).update(discipline="冶金工程")
    c = clients["applicant_member"]
    english = c.get(f"/achievements/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dt class="col-5">Discipline</dt><dd class="col-7">Metallurgical engineering</dd>' in english
    chinese = c.get(f"/achievements/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<dt class="col-5">学科</dt><dd class="col-7">冶金工程</dd>' in chinese
    # The language menu names each language in itself.
    assert '<option value="en" lang="en">English</option>' in chinese


def test_an_edit_started_from_an_older_version_is_refused_with_its_text_kept(clients, draft, applicant_member):
    import re

    c = clients["applicant_member"]
    url = f"/achievements/{draft.pk}/edit/"
    (loaded,) = re.findall(r'name="loaded_at" value="([^"]+)"', c.get(url).content.decode())
    services.update_achievement(
        actor=applicant_member, achievement_id=draft.pk, data={"abstract": "另一个窗口改过的摘要。"}
    )
    mine = valid_form_data(name="我在这个窗口改的名称", loaded_at=loaded)
    refused = c.post(url, mine, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This record was changed in the meantime" in refused and 'value="我在这个窗口改的名称"' in refused
    draft.refresh_from_db()
    assert (draft.name, draft.abstract) == ("草稿成果", "另一个窗口改过的摘要。")
    (current,) = re.findall(r'name="loaded_at" value="([^"]+)"', refused)
    assert c.post(url, {**mine, "loaded_at": current}).status_code == 302
    draft.refresh_from_db()
    assert draft.name == "我在这个窗口改的名称"


@pytest.mark.parametrize(
    ("price", "negotiable", "shown"),
    [("50.00", True, "50.00 万元 (面议)"), ("50.00", False, "50.00 万元"), (None, True, "面议")],
)
def test_a_price_given_is_shown_even_when_negotiable(org, applicant_member, client, price, negotiable, shown):
    """A QA pass typed 50 and left "negotiable" ticked (the default): the page said only 面议."""
    a = AchievementFactory(organisation=org, created_by=applicant_member, price=price, price_negotiable=negotiable)
    client.force_login(applicant_member)
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert f'<dd class="col-7" id="achievement-price">{shown}</dd>' in page


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/achievements?trl_min=8&trl_max=2", "trl_max", "TRL to (2) must not be below TRL from (8)."),
        (
            "/api/v1/achievements?price_min=50&price_max=5",
            "price_max",
            "Price to (10,000 yuan) (5) must not be below Price from (10,000 yuan) (50).",
        ),
        ("/api/v1/achievements?region=99", "region", "Region: no region has the code “99”."),
        ("/api/v1/market/listings?region=990000", "region", "Region code: no region has the code “990000”."),
        ("/api/v1/needs?region=abc", "region", "Region code: no region has the code “abc”."),
        ("/api/v1/organisations?region=9901", "region", "Region code: no region has the code “9901”."),
    ],
)
def test_impossible_list_filters_are_refused_by_name_not_answered_with_nothing(client, db, path, field, message):
    """QA: TRL 8 to 2 and region 99 answered 200 with an empty list, where the search refuses them."""
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert (response.status_code, body["code"], body["details"]["fields"]) == (
        422,
        "validation_error",
        {field: [message]},
    )
    # A region that exists, by its province's or city's code, still filters.
    assert client.get("/api/v1/achievements?region=3601&trl_min=2&trl_max=8").status_code == 200
