"""The web page for one's API tokens (QA: tokens could only be made by calling the API from a
signed-in browser, through a docs page that did not render)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from techtransfer.api.models import PersonalAccessToken
from techtransfer.audit.models import AuditEvent
from techtransfer.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_made_shown_once_used_and_revoked_from_the_page(client):
    person = UserFactory(username="integrator")
    client.force_login(person)
    url = reverse("api_tokens:list")
    assert 'id="tokens-link"' in client.get(reverse("web:workspace")).content.decode()
    page = client.post(url, {"name": "ERP 同步", "scope": "read", "expires_in_days": "30"}).content.decode()
    raw = re.search(r'value="(tt_[^"]+)"', page)
    assert raw is not None and raw.group(1) is not None
    token = PersonalAccessToken.objects.get(user=person)
    assert (token.name, token.scope, raw.group(1).startswith(f"tt_{token.prefix}_")) == ("ERP 同步", "read", True)
    # The text opens the API, and is never shown again.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw.group(1)}")
    assert api.get("/api/v1/notifications/unread-count").status_code == 200
    assert raw.group(1) not in client.get(url).content.decode()
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/notifications/unread-count").status_code == 401
    assert list(
        AuditEvent.objects.filter(object_type="api.personalaccesstoken").order_by("pk").values_list("action", flat=True)
    ) == [
        "token.create",
        "token.revoke",
    ]


def test_a_wrong_form_keeps_what_was_typed_and_others_tokens_stay_theirs(client):
    owner, other = UserFactory(username="owner"), UserFactory(username="other")
    client.force_login(owner)
    response = client.post(
        reverse("api_tokens:list"), {"name": "夜间导出", "scope": "write", "expires_in_days": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400 and 'value="夜间导出"' in body
    assert '<div class="invalid-feedback d-block" role="alert">Give 1 or more, not “0”.</div>' in body
    assert not PersonalAccessToken.objects.exists()
    client.post(reverse("api_tokens:list"), {"name": "mine", "scope": "write"})
    mine = PersonalAccessToken.objects.get()
    assert mine.expires_at is None
    client.force_login(other)
    assert "mine" not in client.get(reverse("api_tokens:list")).content.decode()
    client.post(reverse("api_tokens:revoke", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.revoked_at is None
    anonymous = Client().get(reverse("api_tokens:list"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
