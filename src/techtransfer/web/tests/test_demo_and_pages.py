import pytest
from django.test import Client
from django.utils import timezone

from techtransfer.achievements.models import FundingProgramme
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.models import Organisation, User
from techtransfer.web.demo import DEMO_PASSWORD, ORGS, PEOPLE, load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_is_marked():
    first = load_demo()
    assert first == {"organisations": len(ORGS), "people": len(PEOPLE) + 1}
    assert load_demo() == {"organisations": 0, "people": 0}
    orgs = Organisation.objects.all()
    assert orgs.count() == len(ORGS)
    assert all(o.is_demo and o.name.startswith("[演示] ") for o in orgs)
    assert all(u.is_demo for u in User.objects.all())
    assert orgs.filter(status=OrganisationStatus.REGISTERED).count() == 1
    c = Client()
    assert c.login(username="gov_county", password=DEMO_PASSWORD)
    workspace = c.get("/workspace/").content.decode()
    assert "南昌县示范智能装备有限公司" in workspace  # waiting for this reviewer


def test_home_shows_the_real_turnover_series(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="turnover-data"' in html
    assert "1584.87" in html  # Jiangxi 2023, 亿元, from the statistical yearbook series
    assert '<html lang="zh-hans">' in html


def test_english_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_registration_form_keeps_input_and_explains_errors(client):
    response = client.post(
        "/register/",
        {
            "name": "保留的名称",
            "type": "enterprise",
            "uscc": "91350100M000100Y44",
            "province": "360000",
            "city": "360100",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="保留的名称"' in html
    assert "does not match the GB 32100-2015 check character" in html
    assert '<option value="360100" selected>南昌市 (Nanchang City)</option>' in html
    assert Organisation.objects.count() == 0


def test_demo_records_load_once_with_route_and_catalogue():
    from techtransfer.achievements.models import Achievement, Catalogue, ReviewRoute
    from techtransfer.web.demo import load_demo_catalogue, load_demo_records

    created = load_demo_records(limit=30)
    assert created == Achievement.objects.count() > 0
    assert load_demo_records(limit=30) == 0
    assert ReviewRoute.objects.get(region_id="360000").levels == ["city", "province"]
    assert Achievement.objects.filter(status="published", is_demo=True).count() == created
    # Of the year it is loaded (it said 2026 in any year), and not made again by the second load.
    year = timezone.localdate().year
    catalogue = Catalogue.objects.get()
    assert (catalogue.title, catalogue.year) == (f"[演示] {year} 先进适用科技成果目录 · 新材料", year)
    assert (catalogue.status == "published") is (catalogue.entries.count() > 0)
    # Loading the demo again in a later year leaves last year's catalogue as the only one.
    Catalogue.objects.filter(pk=catalogue.pk).update(title=f"[演示] {year - 1} 先进适用科技成果目录 · 新材料")
    load_demo_catalogue()
    assert list(Catalogue.objects.values_list("pk", flat=True)) == [catalogue.pk]


@pytest.mark.django_db
def test_the_shared_navigation_follows_language_and_sign_in(client):
    from techtransfer.core.tests.factories import UserFactory

    def nav(lang: str) -> str:
        html = client.get("/search/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        return html[html.index('<ul class="navbar-nav me-auto">') : html.index('id="language-form"')]

    assert ">科技成果</a>" in nav("zh-hans") and "我的工作台" not in nav("zh-hans")
    assert ">Achievements</a>" in nav("en") and "科技成果" not in nav("en")
    client.force_login(UserFactory(username="navigator"))
    assert 'href="/workspace/">My workspace</a>' in nav("en")
    assert ">我的工作台</a>" in nav("zh-hans")
    client.logout()
    assert "My workspace" not in nav("en")


@pytest.mark.parametrize(
    ("language", "heading", "explained"),
    [
        ("zh-hans", "页面不存在", "此页面不存在，或该记录尚未发布、您无权查看。"),
        ("en", "Page not found", "This page does not exist, or the record is not published or not visible to you."),
    ],
)
def test_a_missing_page_says_so_in_the_site_layout_and_language(client, language, heading, explained):
    response = client.get("/needs/999999/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html
    assert f'<h1 class="h3">{heading}</h1>' in html and explained in html
    assert 'id="error-404"' in html and 'href="/search/"' in html  # a way on


def test_a_forbidden_action_says_so_in_the_site_layout(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from techtransfer.web.views import permission_denied

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert '<h1 class="h3">无权操作</h1>' in response.content.decode()


def test_a_server_error_page_needs_neither_request_nor_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器错误 · Server error" in html and 'href="/"' in html


def test_the_demo_province_official_runs_funding_programmes_and_its_reviewer_does_not():
    """Programmes belong to a department's officials and admins (achievements/report_access.py): in the
    demo that is `gov_official` of the province department; `gov_province` reviews, and is neither
    offered nor allowed to create one."""
    load_demo()
    official, reviewer = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    assert official.login(username="gov_official", password=DEMO_PASSWORD)
    assert reviewer.login(username="gov_province", password=DEMO_PASSWORD)
    assert 'id="new-programme"' in official.get("/reports/programmes/").content.decode()
    department = Organisation.objects.get(name="[演示] 江西省科学技术厅")
    response = official.post(
        "/reports/programmes/new/",
        {"department": department.pk, "name": "[演示] 省重点研发计划", "year": "2026", "report_due_days": "90"},
    )
    programme = FundingProgramme.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/reports/programmes/{programme.pk}/")
    assert (programme.department, programme.created_by.username) == (department, "gov_official")
    assert 'id="new-programme"' not in reviewer.get("/reports/programmes/").content.decode()
    assert reviewer.get("/reports/programmes/new/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "explained"),
    [
        ("zh-hans", "表单未能提交", "表单未能提交：打开此页面后您的登录状态已改变"),
        ("en", "The form could not be sent", "The form could not be sent: the page was opened before your session"),
    ],
)
def test_a_form_sent_with_a_stale_token_says_what_to_do_in_the_site_layout(language, heading, explained):
    """QA: signing out and in again in another tab, then saving, showed Django's bare English page."""
    from techtransfer.core.tests.factories import UserFactory

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="stale_tab"))
    response = client.post("/needs/new/", {"title": "x"}, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html and f'<h1 class="h3">{heading}</h1>' in html and explained in html
    api = client.post("/api/v1/needs", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (api.status_code, api.json()["code"]) == (403, "csrf_failed")  # the API's own answer


@pytest.mark.django_db
def test_a_long_form_with_errors_says_so_visibly_at_its_top_with_links_to_the_fields(client, applicant_admin):
    """QA: on a phone the need and achievement forms reloaded at the top with the only summary hidden
    (for screen readers), the first field with an error screens below."""
    client.force_login(applicant_admin)
    response = client.post("/needs/new/", {"title": "稀土永磁体高温退磁难题"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    summary = html.split('class="alert alert-danger small form-error-summary" role="status" tabindex="-1">')[1]
    summary = summary.split("</div>")[0]
    assert summary.startswith("The form has 4 fields with errors; each message is under its field.")
    assert '<a class="alert-link" href="#id_cooperation_modes_0">Preferred cooperation modes</a>' in summary
    assert '<a class="alert-link" href="#id_summary">' in summary and 'value="稀土永磁体高温退磁难题"' in html
    assert html.index("form-error-summary") < html.index('id="id_summary"')  # above the fields


@pytest.mark.django_db
def test_a_form_action_opened_as_a_page_and_an_oversized_form_say_what_to_do(client, settings):
    """QA: a GET of /achievements/<id>/action/ answered an empty 405, a form over UPLOAD_MAX_BYTES a bare
    "Bad Request (400)"."""
    from techtransfer.core.tests.factories import UserFactory

    client.force_login(UserFactory(username="typed_an_action"))
    response = client.get("/achievements/1/action/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert '<h1 class="h3">Use the button on the page</h1>' in html and 'id="error-405"' in html
    client.logout()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/login/", {"username": "x" * 2000, "password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400 and '<h1 class="h3">The request could not be read</h1>' in html
