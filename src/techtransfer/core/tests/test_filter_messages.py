"""The lists' filters (pages and API) refuse a value with the project's message, naming the filter by
its label and quoting what was sent, not Django's stock "Select a valid choice. X is not one of the
available choices.", "Enter a number." or "Enter a valid date."; the page keeps the filters as sent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

STOCK = ("Select a valid choice", "Enter a number", "Enter a valid date", "Ensure this value")


def _page(client: Client, url: str, params: dict[str, str], language: str = "en") -> str:
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_achievements_list_names_each_wrong_filter_and_keeps_the_input(client) -> None:  # type: ignore[no-untyped-def]
    params = {"q": "稀土", "price_min": "abc", "trl_max": "12", "year": "1800", "kind": "rocket", "stage": "mature"}
    page = _page(client, "/achievements/", params)
    for message in (
        "Price from (10,000 yuan): “abc” is not a number.",
        "TRL to: give 9 or less, not “12”.",
        "Year published: give 1949 or more, not “1800”.",
        "Type: “rocket” is not one of the choices.",
    ):
        assert f'<div class="invalid-feedback d-block">{message}</div>' in page
    assert not any(stock in page for stock in STOCK)
    assert 'id="filters-invalid"' in page and 'id="result-count"' not in page
    # What was sent stays in the form: the words, the typed numbers and the valid choice.
    assert 'name="q" value="稀土"' in page
    assert 'name="price_min" value="abc"' in page and 'name="trl_max" value="12"' in page
    assert '<option value="mature" selected>' in page


def test_the_contracts_list_names_a_wrong_year_and_keeps_the_status(client, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    client.force_login(applicant_admin)
    page = _page(client, "/contracts/", {"year": "二〇二六年", "status": "submitted"})
    assert (
        '<div class="invalid-feedback d-block" role="alert">Signing year: “二〇二六年” is not a number.</div>' in page
    )
    assert '<option value="submitted" selected>' in page and 'id="filters-invalid"' in page


def test_the_audit_log_names_a_date_that_is_no_date(client, platform_admin) -> None:  # type: ignore[no-untyped-def]
    client.force_login(platform_admin)
    page = _page(client, "/audit/", {"date_to": "2026-13-01", "action": "organisation."})
    assert "To date: “2026-13-01” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01." in page
    assert "Enter a valid date" not in page and 'value="organisation."' in page


def test_a_long_value_is_quoted_shortened(client) -> None:  # type: ignore[no-untyped-def]
    page = _page(client, "/market/", {"sort": "x" * 300})
    assert f"Sort by: “{'x' * 39}…” is not one of the choices." in page


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/achievements?trl_min=12", "trl_min", "TRL from: give 9 or less, not “12”."),
        ("/api/v1/achievements?discipline=外星学", "discipline", "Discipline: “外星学” is not one of the choices."),
        ("/api/v1/market/listings?mode=gift", "mode", "Mode: “gift” is not one of the choices."),
        ("/api/v1/needs?budget_min=-5", "budget_min", "Budget at least (10,000 yuan): give 0 or more, not “-5”."),
        ("/api/v1/organisations?status=sleeping", "status", "Status: “sleeping” is not one of the choices."),
    ],
)
def test_the_api_names_the_filter_and_the_value_under_the_filters_name(client, path, field, message) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"fields": {field: [message]}},
        },
    )


def test_a_chinese_page_names_the_filter_by_its_chinese_label(client) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        page = _page(client, "/achievements/", {"kind": "rocket"}, language="zh-hans")
    # Django's zh_Hans said "选择一个有效的选项。 rocket 不在可用的选项中。", naming no filter.
    assert "选择一个有效的选项" not in page
    feedback = page.split('<div class="invalid-feedback d-block">')[1].split("</div>")[0]
    assert feedback.startswith("类型") and "“rocket”" in feedback
