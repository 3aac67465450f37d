"""An htmx request that meets an error page (400, 403, 404, 405, a stale CSRF token, 503 busy) gets a
short alert in the reader's language aimed at the page's alert region, not the whole layout; htmx
swapped nothing of those answers, so the person saw no reaction."""

import pytest
from django.db import OperationalError
from django.test import Client

from techtransfer.core.tests.factories import UserFactory
from techtransfer.jobs import views as jobs_views

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/search/"}


def alert_of(response, status, heading, explanation):
    assert response.status_code == status
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#htmx-alert", "innerHTML")
    html = response.content.decode()
    assert "<html" not in html and "<nav" not in html  # no layout inside the layout
    assert f'<div class="alert alert-danger alert-dismissible shadow mb-0" role="alert" id="error-{status}">' in html
    assert f"<strong>{heading}</strong> {explanation}<button" in html
    return html


@pytest.mark.parametrize(
    ("language", "heading", "explanation"),
    [
        ("en", "Page not found", "This page does not exist, or the record is not published or not visible to you."),
        ("zh-hans", "页面不存在", "此页面不存在，或该记录尚未发布、您无权查看。"),
    ],
)
def test_a_missing_record_asked_by_htmx_answers_an_alert_in_the_readers_language(
    client, language, heading, explanation
):
    response = client.get("/needs/999999/", headers=HTMX, HTTP_ACCEPT_LANGUAGE=language)
    alert_of(response, 404, heading, explanation)


def test_the_same_address_without_htmx_is_still_the_full_page(client):
    response = client.get("/needs/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "HX-Retarget" not in response
    html = response.content.decode()
    assert '<html lang="en">' in html and 'id="error-404"' in html


def test_a_stale_csrf_token_on_an_htmx_post_answers_an_alert():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="stale_htmx_tab"))
    response = client.post("/search/classify/", {"name": "稀土"}, headers=HTMX, HTTP_ACCEPT_LANGUAGE="zh-hans")
    alert_of(
        response,
        403,
        "表单未能提交",
        "表单未能提交：打开此页面后您的登录状态已改变（可能在另一个标签页中退出或登录）。未保存任何内容。请复制已填写的内容，刷新本页面后重新提交。",
    )


def test_a_forbidden_htmx_request_answers_an_alert(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from techtransfer.web.views import permission_denied

    request = rf.get("/", headers=HTMX)
    request.user = AnonymousUser()
    with translation.override("en"):
        response = permission_denied(request, PermissionDenied())
    alert_of(
        response,
        403,
        "Not allowed",
        "You do not have permission to do this. If you think you should, ask your organisation&#x27;s administrator.",
    )


def test_a_wrong_method_and_an_oversized_htmx_request_answer_alerts(client, settings):
    client.force_login(UserFactory(username="htmx_wrong_method"))
    response = client.get("/achievements/1/action/", headers=HTMX, HTTP_ACCEPT_LANGUAGE="en")
    alert_of(
        response,
        405,
        "Use the button on the page",
        "This address takes only what the button on its page sends. Reload this page and use its buttons.",
    )
    assert response["Allow"] == "POST"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/search/classify/", {"name": "x" * 2000}, headers=HTMX, HTTP_ACCEPT_LANGUAGE="en")
    alert_of(
        response,
        400,
        "The request could not be read",
        "The request could not be read, for example because it sent more than the platform accepts. Nothing was"
        " saved. Shorten the text or the file and send it again.",
    )


def test_an_htmx_request_that_meets_a_locked_database_answers_a_busy_alert(applicant_member, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(jobs_views, "jobs_visible_to", locked)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(applicant_member)
    response = client.get("/jobs/", headers=HTMX)
    alert_of(
        response,
        503,
        "The platform is busy",
        "The platform is busy and nothing was saved. Send it again in a moment.",
    )
    assert response["Retry-After"] == "5"


def test_every_page_has_the_alert_region_with_its_fallback_text_and_the_script(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    fallback = (
        "Something went wrong and this part of the page was not updated. Try again in a moment; if it keeps"
        " happening, reload the page."
    )
    assert f'<div id="htmx-alert" class="htmx-alert" data-fallback="{fallback}" data-dismiss="Dismiss"></div>' in html
    assert '<script src="/static/web/site.js" defer></script>' in html
