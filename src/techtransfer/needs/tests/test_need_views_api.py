"""Needs pages and API: public list with filters and a query budget, detail, create, demo loader."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from techtransfer.core.choices import ReviewStatus
from techtransfer.needs import services
from techtransfer.needs.choices import Confidentiality
from techtransfer.needs.demo import load_demo_needs, title_from
from techtransfer.needs.models import Need
from techtransfer.needs.tests.factories import need_data, open_challenge, published_need, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(applicant_org, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    a = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    b = published_need(
        org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="锂电池隔膜孔隙率", industry="new_energy",
        cooperation_modes=["service"], confidentiality=Confidentiality.PUBLIC,
    )  # fmt: skip
    return a, b


def test_public_list_filters_and_query_budget(client, needs, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("needs:list"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [needs[1].pk, needs[0].pk]
    response = client.get(reverse("needs:list"), {"industry": "new_energy"})
    assert [n.pk for n in response.context["page"]] == [needs[1].pk]
    response = client.get(reverse("needs:list"), {"cooperation_mode": "commissioned"})
    assert [n.pk for n in response.context["page"]] == [needs[0].pk]
    response = client.get(reverse("needs:list"), {"region": "360100"})
    assert response.context["page"].paginator.count == 2
    response = client.get(reverse("needs:list"), {"q": "隔膜"})
    assert [n.pk for n in response.context["page"]] == [needs[1].pk]


def test_detail_shows_summary_only_to_anonymous(client, needs):
    response = client.get(reverse("needs:detail", args=[needs[0].pk]))
    assert response.status_code == 200
    assert "完整问题描述" not in response.content.decode()
    assert "need-summary-only" in response.content.decode()
    response = client.get(reverse("needs:detail", args=[needs[1].pk]))
    assert "完整问题描述" in response.content.decode()


def test_create_form_keeps_input_on_error(client, applicant_org, applicant_admin):
    verify(applicant_org)
    client.force_login(applicant_admin)
    response = client.post(
        reverse("needs:create"),
        {"title": "测试需求", "summary": "摘要", "description": "描述", "budget_min": "50", "budget_max": "10",
         "cooperation_modes": ["service"], "confidentiality": "summary"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["budget_max"]
    assert 'value="测试需求"' in response.content.decode()
    assert Need.objects.count() == 0
    response = client.post(
        reverse("needs:create"),
        {"title": "测试需求", "summary": "摘要", "description": "描述", "cooperation_modes": ["service"],
         "confidentiality": "summary", "organisation": applicant_org.pk},
    )  # fmt: skip
    need = Need.objects.get()
    assert response.status_code == 302 and need.status == ReviewStatus.DRAFT and need.region_id == "360121"


def test_api_list_hides_full_text_and_create_validates(client, needs, applicant_org, applicant_admin):
    body = client.get("/api/v1/needs").json()
    assert body["count"] == 2
    by_id = {n["id"]: n for n in body["items"]}
    assert by_id[needs[0].pk]["description"] is None
    assert by_id[needs[1].pk]["description"].startswith("完整问题描述")
    client.force_login(applicant_admin)
    bad = client.post(
        "/api/v1/needs", {"organisation_id": applicant_org.pk, "title": "x", "summary": "s", "description": "d",
                          "cooperation_modes": ["nope"]}, content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and "cooperation_modes" in bad.json()["details"]["fields"]
    ok = client.post(
        "/api/v1/needs", {"organisation_id": applicant_org.pk, "title": "x", "summary": "s", "description": "d",
                          "cooperation_modes": ["service"]}, content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 201 and ok.json()["status"] == "draft"
    assert (
        client.post(f"/api/v1/needs/{ok.json()['id']}/submit", {}, content_type="application/json").json()["status"]
        == "submitted"
    )


def test_demo_loader_is_idempotent(applicant_org, applicant_admin, county_reviewer):
    verify(applicant_org)
    assert load_demo_needs(organisation=applicant_org, actor=applicant_admin, reviewer=county_reviewer, limit=3) == 3
    assert load_demo_needs(organisation=applicant_org, actor=applicant_admin, reviewer=county_reviewer, limit=3) == 0
    needs = list(Need.objects.order_by("pk"))
    assert all(n.is_demo and n.status == ReviewStatus.PUBLISHED for n in needs)
    assert needs[0].source == "CSL (github.com/ydli-ai/CSL, Apache-2.0) problem statement P-csl-dev-0002"
    assert (
        needs[0].title == "观察补肾活血汤治疗老年单纯收缩期高血压(肾虚血瘀证)患者的临床疗效及对血管内皮功能的影响"[:40]
    )


def test_title_from_strips_label_and_cuts_at_clause():
    assert title_from("目的:分析总结加拿大药品价格监测模式,以期为完善提供参考.") == "分析总结加拿大药品价格监测模式"


def test_only_other_organisations_are_offered_to_contact_the_seeker(client, needs, applicant_member, outsider):
    need = next(n for n in needs if n.status == ReviewStatus.PUBLISHED)
    url = reverse("needs:detail", args=[need.pk])
    client.force_login(applicant_member)  # a member of the seeking organisation, not its admin
    assert 'id="contact-seeker"' not in client.get(url).content.decode()
    client.force_login(outsider)
    assert 'id="contact-seeker"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("３６０７０２", "360702"), ("360702", "360702"), ("٣٦٠٧٠٢", None),
        ("3607", "360700"), ("36", "360000"),  # a city or a province by its prefix, as search reads them
        ("9999", None), ("360", None),
    ],
)  # fmt: skip
def test_the_need_form_reads_full_width_digits_and_prefixes(given, code):
    from techtransfer.needs.forms import NeedForm
    from techtransfer.needs.tests.factories import need_data

    form = NeedForm(need_data(region=given, confidentiality="public"))
    assert form.is_valid() is (code is not None), form.errors
    if code is not None:
        assert form.cleaned_data["region"].code == code


def test_the_need_form_refuses_a_bad_value_quoting_it_and_the_api_naming_it():
    """On the page each message is under its field's label, which it does not repeat; read away from
    the form (`labelled=True`, as the API builds it) it names the field."""
    from django.utils import translation

    from techtransfer.needs.forms import NeedForm

    data = need_data(
        industry="aliens", required_trl="10", budget_min="abc", cooperation_modes=["gift"], confidentiality="public"
    )
    with translation.override("en"):
        assert NeedForm(data).errors == {
            "industry": ["“aliens” is not one of the choices."],
            "required_trl": ["Give 9 or less, not “10”."],
            "budget_min": ["“abc” is not a number."],
            "cooperation_modes": ["“gift” is not one of the choices."],
        }
        assert NeedForm(data, labelled=True).errors == {
            "industry": ["Industry: “aliens” is not one of the choices."],
            "required_trl": ["Required technology readiness level: give 9 or less, not “10”."],
            "budget_min": ["Budget from (10,000 yuan): “abc” is not a number."],
            "cooperation_modes": ["Preferred cooperation modes: “gift” is not one of the choices."],
        }
    with translation.override("zh-hans"):
        assert NeedForm(data, labelled=True).errors["industry"] == ["行业：“aliens”不是可选的值。"]


def test_the_need_form_groups_its_checkboxes_under_a_legend(client, applicant_admin):
    client.force_login(applicant_admin)
    page = client.get(reverse("needs:create")).content.decode()
    assert 'for=""' not in page
    assert '<legend class="form-label fs-6 mb-2">意向合作方式' in page


def test_demo_challenges_run_three_demo_needs_with_a_panel(applicant_org, applicant_admin, county_reviewer):
    from techtransfer.core.tests.factories import UserFactory
    from techtransfer.needs.demo import load_demo_challenges
    from techtransfer.needs.models import Challenge, Expert

    verify(applicant_org)
    load_demo_needs(organisation=applicant_org, actor=applicant_admin, reviewer=county_reviewer)
    experts = [UserFactory(username="demo_expert_a").username, UserFactory(username="demo_expert_b").username]
    assert load_demo_challenges(seeker=applicant_admin, experts=experts) == 3
    assert load_demo_challenges(seeker=applicant_admin, experts=experts) == 0  # idempotent
    made = list(Challenge.objects.order_by("bounty").values_list("need__title", "bounty", "status"))
    assert [(title[:8], str(bounty), status) for title, bounty, status in made] == [
        ("介绍了使用无线通", "50000.00", "open"),
        ("针对赤泥、粉煤灰", "100000.00", "open"),
        ("对金红石型TiO", "200000.00", "open"),
    ]
    assert sorted(Expert.objects.values_list("user__username", flat=True)) == sorted(experts * 3)


def test_the_second_of_two_edits_from_the_same_version_is_refused_with_its_text_kept(
    client, applicant_org, applicant_admin
):
    """Two windows (or colleagues) open the same draft; the second save used to undo the first."""
    import re

    from techtransfer.needs import services
    from techtransfer.needs.tests.factories import need_data

    verify(applicant_org)
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    url = reverse("needs:edit", args=[need.pk])
    client.force_login(applicant_admin)
    page = client.get(url).content.decode()
    (loaded,) = re.findall(r'name="loaded_at" value="([^"]+)"', page)
    # Meanwhile the summary is changed in another window.
    services.update_need(actor=applicant_admin, need_id=need.pk, data={"summary": "管理员改过的摘要。"})
    mine = {**need_data(indicators="我的新指标"), "confidentiality": "summary", "loaded_at": loaded}
    refused = client.post(url, mine, HTTP_ACCEPT_LANGUAGE="en")
    body = refused.content.decode()
    assert refused.status_code == 200 and "This record was changed in the meantime" in body
    assert "我的新指标" in body  # nothing typed is lost
    need.refresh_from_db()
    assert (need.summary, need.indicators) == ("管理员改过的摘要。", "不可逆损失 ≤ 5%；成本增加 ≤ 10%")
    # The form now carries the current version: saving again replaces the other change knowingly.
    (current,) = re.findall(r'name="loaded_at" value="([^"]+)"', body)
    assert current != loaded
    saved = client.post(url, {**mine, "loaded_at": current})
    assert saved.status_code == 302
    need.refresh_from_db()
    assert need.indicators == "我的新指标"


def test_edit_form_of_a_need_that_cannot_be_edited_goes_back_to_it(client, needs, applicant_admin):
    """It opened, took the user's changes and refused them on saving (a QA pass lost its typing)."""
    client.force_login(applicant_admin)
    response = client.get(reverse("needs:edit", args=[needs[0].pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("needs:detail", args=[needs[0].pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["只有草稿和退回修改的需求可以编辑。"]


def test_a_draft_of_an_unverified_organisation_says_so_instead_of_offering_submit(
    client, applicant_org, applicant_admin
):
    """It offered "Submit", which then answered "Your organisation must be verified before it can submit needs."."""
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    client.force_login(applicant_admin)
    url = reverse("needs:detail", args=[need.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '<p class="alert alert-info" id="need-submit-blocked">'
        "Your organisation must be verified before it can submit needs.</p>" in page
    )
    assert 'value="submit"' not in page and 'id="need-actions"' not in page
    verify(applicant_org)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="need-submit-blocked"' not in page and 'name="action" value="submit">Submit</button>' in page


def test_a_platform_admin_is_not_told_that_their_organisation_must_be_verified(
    client, applicant_org, applicant_admin, applicant_member, platform_admin
):
    """A platform admin opening another organisation's draft read "Your organisation must be verified
    before it can submit needs.", which is about the viewer's organisation; a member who may not
    submit the need (not its author, not an admin) has nothing to do about it either."""
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    url = reverse("needs:detail", args=[need.pk])
    for user in (platform_admin, applicant_member):
        client.force_login(user)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<span id="need-status">Draft</span>' in page
        assert "must be verified" not in page and 'id="need-submit-blocked"' not in page
        assert 'value="submit"' not in page
    verify(applicant_org)
    client.force_login(platform_admin)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="need-submit-blocked"' not in page and 'name="action" value="submit">Submit</button>' in page


def test_the_challenge_bounty_gives_its_shares_as_one_translatable_phrase(client, needs, applicant_admin):
    """It read "(份额: 60% / 40%)" in Chinese, from "(", "shares" and ": " put together in the template."""
    challenge = open_challenge(need=needs[0], seeker=applicant_admin, split=["50", "30", "20"])
    page = client.get(reverse("challenges:detail", args=[challenge.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd class="col-sm-9" id="bounty">10,000 yuan (shares: 50% / 30% / 20%)</dd>' in page


def test_the_challenge_names_its_regions_and_groups_the_bounty(client, needs, applicant_admin):
    challenge = open_challenge(
        need=needs[0], seeker=applicant_admin, bounty="1234567.50", eligible_regions=["360100", "360121", "360000"]
    )
    page = client.get(
        reverse("challenges:detail", args=[challenge.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert '<dd class="col-sm-9" id="bounty">1,234,567.50 元' in page
    assert " · 行政区划 江西省南昌市、江西省南昌市南昌县、江西省</dd>" in page


def test_the_create_page_of_a_need_that_runs_a_challenge_shows_the_challenge(client, needs, applicant_admin):
    challenge = open_challenge(need=needs[0], seeker=applicant_admin)
    client.force_login(applicant_admin)
    response = client.get(reverse("challenges:create", args=[needs[0].pk]), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain == [(reverse("challenges:detail", args=[challenge.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["This need already runs as a challenge."]


def test_cooperation_modes_are_listed_with_the_page_language_s_separator(
    client, applicant_org, applicant_admin, county_reviewer
):
    """Chinese pages listed them with a Latin comma (委托开发, 许可)."""
    need = published_need(
        org=applicant_org,
        author=applicant_admin,
        reviewer=county_reviewer,
        cooperation_modes=["commissioned", "licence"],
    )
    chinese = client.get(f"/needs/{need.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(f"/needs/{need.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd class="col-sm-9">委托开发、许可</dd>' in chinese
    assert '<dd class="col-sm-9">Commissioned development (委托开发), Licence (许可)</dd>' in english
