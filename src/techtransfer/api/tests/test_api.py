import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from techtransfer.api import tokens
from techtransfer.api.models import PersonalAccessToken
from techtransfer.audit.models import AuditEvent
from techtransfer.contracts.errors import ContractErrors
from techtransfer.core import uscc
from techtransfer.core.api_support import field_details
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Organisation
from techtransfer.core.tests.factories import PASSWORD, OrganisationFactory

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_errors_have_one_shape_in_the_requested_language(client):
    en = client.get("/api/v1/organisations/999999", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en == {"code": "not_found", "message": "The object does not exist or you may not see it.", "details": {}}
    zh = client.get("/api/v1/organisations/999999", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh == {"code": "not_found", "message": "对象不存在或您无权查看。", "details": {}}


def test_a_rule_refusing_a_field_answers_in_the_shape_of_every_422():
    """Decided by the refusal's status and whether it names a field: a 409, 403 or 404 keeps its own
    answer, even naming a field (a conflict is not a mistake in what was sent)."""
    with translation.override("en"):
        uscc_message = str(Errors.USCC_INVALID.message)
        assert field_details(DomainError(Errors.USCC_INVALID, details={"field": "uscc", "reason": "check"})) == {
            "fields": {"uscc": [uscc_message]},
            "reason": "check",
        }
        amounts = DomainError(ContractErrors.AMOUNTS, details={"fields": {"carrier_costs": ["No."]}})
        assert field_details(amounts) == {"fields": {"carrier_costs": ["No."]}}
        own = DomainError(Errors.VALIDATION, details={"note": ["At most 1,000 characters."], "field": "note"})
        assert field_details(own) == {"fields": {"note": ["At most 1,000 characters."]}}
        top = DomainError(Errors.VALIDATION, details={"comment": ["Give the reason."], "action": "reject"})
        assert field_details(top) == {"fields": {"comment": ["Give the reason."]}, "action": "reject"}
        assert field_details(DomainError(Errors.USCC_TAKEN, details={"field": "uscc"})) is None
        assert field_details(DomainError(Errors.INVALID_TRANSITION, details={"action": "submit"})) is None
        assert field_details(DomainError(ContractErrors.CHECKLIST, details={"missing": ["signed"]})) is None


def test_a_nul_character_anywhere_is_refused_before_it_reaches_the_database(client, applicant_admin):
    """PostgreSQL text cannot hold NUL: the API answers 422, not a 500 from psycopg (QA on PostgreSQL)."""
    client.force_login(applicant_admin)
    nul = {"code": "validation_error", "message": "Some fields are not valid."}
    cases = [
        (client.get("/api/v1/regions/36%00", HTTP_ACCEPT_LANGUAGE="en"), "path"),
        (client.get("/api/v1/regions", {"parent": "\x00"}, HTTP_ACCEPT_LANGUAGE="en"), "parent"),
        (
            client.post(
                "/api/v1/search/subscriptions",
                '{"name": "n\\u0000", "query": "稀土"}',
                content_type="application/json",
                HTTP_ACCEPT_LANGUAGE="en",
            ),
            "body",
        ),
    ]
    for response, where in cases:
        assert response.status_code == 422
        assert response.json() == {**nul, "details": {"fields": {where: ["Null characters are not allowed."]}}}
    # The JSON escape written out as text (a backslash, then u0000) is no NUL.
    text = client.post(
        "/api/v1/search/subscriptions",
        '{"name": "n\\\\u0000", "query": "稀土"}',
        content_type="application/json",
    )
    assert text.status_code == 201 and text.json()["name"] == "n\\u0000"
    zh = client.get("/api/v1/regions/%00", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["details"] == {"fields": {"path": ["不允许包含空字符（NUL）。"]}}


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", '[{"query": "a"}]'])
def test_a_json_body_that_is_no_object_is_refused(client, applicant_admin, body):
    """django-ninja read such a body as {}: classify answered 200 with empty lists to `[]`."""
    client.force_login(applicant_admin)
    for url in ("/api/v1/classify", "/api/v1/search/subscriptions"):
        r = client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert (r.status_code, r.json()) == (
            422,
            {
                "code": "validation_error",
                "message": "Some fields are not valid.",
                "details": {"fields": {"body": ["Send a JSON object ({…})."]}},
            },
        )


def test_validation_errors_name_the_fields(client):
    response = client.post(
        "/api/v1/organisations", {"name": "x"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"] == "Some fields are not valid."
    assert set(body["details"]["fields"]) == {
        "name",
        "type",
        "uscc",
        "region",
        "admin_username",
        "admin_email",
        "admin_password",
    }


def test_input_errors_are_in_the_requested_language(client, applicant_admin):
    client.force_login(applicant_admin)
    bad = {"query": "电机", "frequency": "hourly", "name": "x" * 101, "types": "achievement"}
    url = "/api/v1/search/subscriptions"
    en = client.post(url, bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["details"]["fields"] == {
        "frequency": ["frequency: “hourly” is not one of the choices ('immediate', 'daily', 'weekly')."],
        "name": ["Ensure this value has at most 100 characters."],
        "types": ["Give a list ([…])."],
    }
    # A value that is no text (a list) cannot be quoted: the choices alone.
    bad["frequency"] = ["hourly"]
    zh = client.post(url, bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["details"]["fields"] == {
        "frequency": ["请从以下选项中选择：'immediate', 'daily', 'weekly'。"],
        "name": ["最多 100 个字符。"],
        "types": ["请给出列表（[…]）。"],
    }
    nul = client.get("/api/v1/search", {"q": "\x00稀土"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert nul["details"]["fields"] == {"q": ["不允许包含空字符（NUL）。"]}  # Django's own reads "empty string"
    pattern = client.get("/api/v1/achievements", {"scope": "all"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert pattern["details"]["fields"] == {"scope": ["scope: “all” is not one of the choices ('public', 'visible')."]}
    lone = '{"title": "\\ud800稀土", "abstract": ""}'  # JSON escapes a lone surrogate; Python cannot hold it
    surrogate = client.post("/api/v1/classify", lone, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert surrogate.json()["details"]["fields"] == {"title": ["文本含有无效的 Unicode 字符（孤立代理项）。"]}
    broken = client.post(url, "{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (broken.status_code, broken.json()) == (
        400,
        {"code": "invalid_body", "message": "请求体不是有效的 JSON。", "details": {}},
    )


def test_self_registration_through_the_api(client):
    payload = {
        "name": "API注册企业",
        "type": "enterprise",
        "uscc": uscc.make("91360121MA3500009"),
        "region": "360121",
        "admin_username": "apiuser",
        "admin_email": "api@example.org",
        "admin_password": PASSWORD,
    }
    response = client.post("/api/v1/organisations", payload, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["organisation"]["status"] == "registered"
    assert body["organisation"]["region"]["code"] == "360121"
    assert body["admin"]["username"] == "apiuser"
    bad = dict(
        payload, uscc=payload["uscc"][:17] + ("0" if payload["uscc"][17] != "0" else "1"), admin_username="second"
    )
    response = client.post("/api/v1/organisations", bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    message = "The unified social credit code is not valid (GB 32100-2015 check failed)."
    assert (response.status_code, response.json()) == (
        422,
        {"code": "uscc_invalid", "message": message, "details": {"fields": {"uscc": [message]}, "reason": "check"}},
    )
    assert Organisation.objects.count() == 1


def test_pagination_shape_and_bounds(client):
    for _ in range(3):
        OrganisationFactory()
    body = client.get("/api/v1/organisations?page=2&page_size=2").json()
    assert (body["count"], body["page"], body["page_size"], body["pages"], len(body["items"])) == (3, 2, 2, 2, 1)
    assert client.get("/api/v1/organisations?page_size=1000").status_code == 422
    assert client.get("/api/v1/organisations?page=9").json()["items"] == []


def test_organisation_list_query_budget(client, django_assert_max_num_queries):
    for _ in range(15):
        OrganisationFactory()
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/organisations?page_size=15").json()
    assert len(body["items"]) == 15


def test_filters_on_the_api(client):
    OrganisationFactory(name="赣州稀土", region_id="360702", type="enterprise")
    OrganisationFactory(name="南昌大学X", region_id="360102", type="university")
    names = lambda q: [o["name"] for o in client.get("/api/v1/organisations" + q).json()["items"]]  # noqa: E731
    assert names("?region=360700") == ["赣州稀土"]
    assert names("?type=university") == ["南昌大学X"]
    assert names("?q=稀土") == ["赣州稀土"]


def test_tokens_scope_revocation_and_minting(applicant_admin, applicant_org):
    session = Client()
    session.force_login(applicant_admin)
    created = session.post("/api/v1/tokens", {"name": "ci", "scope": "read"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("tt_")
    stored = PersonalAccessToken.objects.get()
    assert raw.split("_", 2)[2] not in stored.digest
    api = Client()
    assert api.get("/api/v1/me", **bearer(raw)).json()["username"] == "applicant_admin"
    refused = api.patch(
        f"/api/v1/organisations/{applicant_org.pk}", {"address": "x"}, content_type="application/json", **bearer(raw)
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_token"
    # A POST that only reads (classification suggestions) is open to a read-scoped token.
    classified = api.post(
        "/api/v1/classify", {"title": "锂电池正极材料"}, content_type="application/json", **bearer(raw)
    )
    assert classified.status_code == 200 and set(classified.json()) >= {"discipline", "industry"}
    saved = api.post("/api/v1/search/subscriptions", {"query": "锂"}, content_type="application/json", **bearer(raw))
    assert saved.json()["code"] == "read_only_token"
    _, write_raw = tokens.create_token(user=applicant_admin, name="w", scope="write")
    ok = api.patch(
        f"/api/v1/organisations/{applicant_org.pk}",
        {"address": "南昌县2号"},
        content_type="application/json",
        **bearer(write_raw),
    )
    assert ok.status_code == 200
    minted = api.post("/api/v1/tokens", {"name": "x"}, content_type="application/json", **bearer(write_raw))
    assert minted.status_code == 403
    assert session.delete(f"/api/v1/tokens/{stored.pk}").status_code == 200
    gone = api.get("/api/v1/me", **bearer(raw))
    assert gone.status_code == 401
    assert gone.json()["code"] == "not_authenticated"
    assert set(AuditEvent.objects.filter(object_type="api.personalaccesstoken").values_list("action", flat=True)) == {
        "token.create",
        "token.revoke",
    }


def test_malformed_and_expired_tokens_are_refused_not_anonymous(applicant_admin):
    api = Client()
    assert api.get("/api/v1/organisations", **bearer("tt_nope_nope")).status_code == 401
    token, raw = tokens.create_token(user=applicant_admin, name="old", scope="read")
    PersonalAccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert api.get("/api/v1/organisations", **bearer(raw)).status_code == 401


def test_session_writes_need_csrf(applicant_admin, applicant_org):
    c = Client(enforce_csrf_checks=True)
    c.force_login(applicant_admin)
    response = c.patch(f"/api/v1/organisations/{applicant_org.pk}", {"address": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_openapi_and_local_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in spec["paths"]
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    assert spec["components"]["schemas"]["Error"]["required"] == ["code", "message", "details"]
    need = spec["paths"]["/api/v1/needs/{pk}"]
    assert sorted(need["get"]["responses"]) == ["200", "401", "403", "404", "422", "429"]
    assert sorted(need["put"]["responses"]) == ["200", "400", "401", "403", "404", "409", "422", "429", "503"]
    assert need["get"]["responses"]["404"]["content"] == error
    assert sorted(spec["paths"]["/api/v1/notifications/unread-count"]["get"]["responses"]) == [
        "200", "401", "403", "429",
    ]  # fmt: skip
    assert sorted(spec["paths"]["/api/v1/search/subscriptions/{subscription_id}"]["delete"]["responses"]) == [
        "204", "401", "403", "404", "409", "422", "429", "503",
    ]  # fmt: skip
    assert need["put"]["responses"]["409"]["description"].endswith("(e.g. invalid_transition, *_taken, last_admin)")
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn.jsdelivr.net" not in docs


def test_openapi_document_has_no_key_twice(client):
    """Swagger refuses a document with a key written twice ("duplicated mapping key"): the docs page
    showed nothing when an endpoint's extra responses named 200 as a string beside ninja's 200."""
    twice: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in items]
        twice.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    spec = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert twice == []
    download = spec["paths"]["/api/v1/jobs/{job_id}/download"]["get"]["responses"]["200"]
    assert list(download["content"]) == ["application/octet-stream"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This address does not accept GET; it accepts DELETE, OPTIONS, PATCH."),
        ("zh-hans", "此地址不接受 GET 请求，只接受 DELETE, OPTIONS, PATCH。"),
    ],
)
def test_a_method_the_path_does_not_accept_gets_the_api_error_shape(client, language, message):
    response = client.get("/api/v1/search/subscriptions/1", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": message,
        "details": {"allowed": ["DELETE", "OPTIONS", "PATCH"]},
    }
    assert sorted(response["Allow"].replace(" ", "").split(",")) == ["DELETE", "OPTIONS", "PATCH"]
    # Outside the API, Django's own 405 stays as it was.
    assert client.post("/healthz").status_code == 405


def test_a_path_no_route_has_gets_the_api_error_shape(client):
    for path in ("/api/v1/nope", "/api/v1/organisations/abc/nothing"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert (response.status_code, response["Content-Type"]) == (404, "application/json; charset=utf-8")
        assert response.json() == {"code": "not_found", "message": "对象不存在或您无权查看。", "details": {}}
    assert client.get("/nope/").headers["Content-Type"].startswith("text/html")  # the site's own page


def test_an_anonymous_change_is_asked_to_sign_in_before_its_body_is_read(client):
    """QA: `POST /api/v1/achievements` with `{}` answered 422 with the missing fields, not 401."""
    for method, path in [
        ("post", "/api/v1/achievements"),
        ("post", "/api/v1/needs"),
        ("put", "/api/v1/needs/1"),
        ("delete", "/api/v1/tokens/1"),
        ("post", "/api/v1/classify"),
    ]:
        response = getattr(client, method)(path, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated"), path
    # Registering an organisation needs no account: its fields are checked.
    response = client.post("/api/v1/organisations", {}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


def test_anonymous_callers_are_limited_per_minute_and_told_when_to_come_back(client, settings, applicant_admin):
    """QA: 150 anonymous requests in 10 s were all answered, though an anonymous search also runs the
    semantic backend. Beyond the limit an address gets 429 with Retry-After; a signed-in caller and
    a token are not counted."""
    settings.API_ANONYMOUS_PER_MINUTE = 3
    answers = [client.get("/api/v1/notifications/unread-count").status_code for _ in range(3)]
    assert answers == [401, 401, 401]  # counted even when refused further on
    refused = client.get("/api/v1/organisations", HTTP_ACCEPT_LANGUAGE="en")
    body = refused.json()
    assert (refused.status_code, body["code"]) == (429, "rate_limited")
    assert 1 <= body["details"]["retry_after"] <= 60 and refused["Retry-After"] == str(body["details"]["retry_after"])
    assert body["message"] == (
        "Too many requests without an access token from this address: wait a minute, or send a token."
    )
    signed_in = Client()
    signed_in.force_login(applicant_admin)
    assert [signed_in.get("/api/v1/organisations").status_code for _ in range(5)] == [200] * 5
    _token, raw = tokens.create_token(user=applicant_admin, name="t", scope="read")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [bearer.get("/api/v1/organisations").status_code for _ in range(5)] == [200] * 5
    settings.API_ANONYMOUS_PER_MINUTE = 0  # no limit
    assert client.get("/api/v1/organisations").status_code == 200


def test_list_word_filters_say_they_are_not_the_search(client):
    """`q` on a list is a plain substring filter: its description says so and points to the search,
    whose counts differ (segmentation, corrections, meaning)."""
    spec = client.get("/api/v1/openapi.json").json()

    def q_description(path: str) -> str:
        (q,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "q"]
        return str(q["description"])

    achievements = q_description("/api/v1/achievements")
    assert achievements.startswith(
        "A filter, not a search: each space-separated word must occur in the name, abstract or keywords"
    )
    assert achievements.endswith("GET /api/v1/search.")
    assert "each of up to 5 space-separated words must occur in the title or summary" in q_description("/api/v1/needs")
    assert "in the title, description or patent numbers" in q_description("/api/v1/market/listings")


def test_a_typed_query_parameter_is_refused_naming_it_and_quoting_the_value(client, platform_admin):
    """`?year=abc` was refused by the schema before the filter saw it, with "Enter a whole number."
    and no word of the parameter or the value; now said as the lists' filters say it."""
    r = client.get("/api/v1/achievements?year=abc&trl_min=1.5&price_min=x", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {
                "fields": {
                    "year": ["year: “abc” is not a whole number."],
                    "trl_min": ["trl_min: “1.5” is not a whole number."],
                    "price_min": ["price_min: “x” is not a number."],
                }
            },
        },
    )
    client.force_login(platform_admin)
    r = client.get("/api/v1/audit/events?since=notadate&organisation=x", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.json()["details"]) == (
        422,
        {
            "fields": {
                "since": [
                    "since: “notadate” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
                    "e.g. 2026-03-01T09:30."
                ],
                "organisation": ["organisation: “x” is not a whole number."],
            }
        },
    )
    zh = client.get("/api/v1/audit/events?until=2026-02-30", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["details"] == {
        "fields": {
            "until": [
                "until：“2026-02-30”不是日期时间，请按 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM 填写，如 2026-03-01T09:30。"
            ]
        }
    }
    assert client.get("/api/v1/audit/events?since=2026-03-01").status_code == 200


def test_a_number_too_long_to_read_is_refused_in_the_request_language(client):
    """A whole number of more than 4300 digits (beyond what Python reads from text) in a path or a
    query was refused in pydantic's English ("Unable to parse input string as an integer, exceeded
    maximum size"); found by fuzzing the API (schemathesis). A long but readable one is no record."""
    digits = "9" * 4301
    r = client.get(f"/api/v1/achievements/{digits}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (r.status_code, r.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "部分字段填写有误。",
            "details": {"fields": {"pk": ["最多 4300 个字符。"]}},
        },
    )
    r = client.get(f"/api/v1/achievements?organisation={digits}&page_size={digits}", HTTP_ACCEPT_LANGUAGE="en")
    shown = "9" * 39 + "…"
    assert (r.status_code, r.json()["details"]) == (
        422,
        {
            "fields": {
                "organisation": [f"organisation: “{shown}” is not valid."],
                "page_size": [f"page_size: “{shown}” is not valid."],
            }
        },
    )
    r = client.get(f"/api/v1/achievements/{'9' * 30}", HTTP_ACCEPT_LANGUAGE="en")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
