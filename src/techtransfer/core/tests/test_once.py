"""A create form sent twice makes one record (core.once): same token and content → the first record;
another content → a new one; a refused create frees the token; forms without a token are not checked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from techtransfer.core import once
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import SentForm
from techtransfer.needs.models import Need
from techtransfer.needs.tests.factories import verify

NEED = {"title": "测试需求", "summary": "摘要", "description": "描述", "cooperation_modes": ["service"],
        "confidentiality": "summary"}  # fmt: skip


def _data(**fields: str) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in fields.items():
        q[k] = v
    return q


@pytest.mark.django_db
def test_the_same_content_with_the_same_token_makes_one_record(applicant_member, applicant_org):
    made = []

    def create():  # type: ignore[no-untyped-def]
        made.append(applicant_org)  # any saved object with a pk stands for the record
        return applicant_org

    token = once.token()
    data = _data(form_token=token, title="甲", csrfmiddlewaretoken="a")
    assert once.create_once(applicant_member, data, "x.y", create) == (applicant_org.pk, True)
    again = _data(form_token=token, title="甲", csrfmiddlewaretoken="b")  # another CSRF token: the same content
    assert once.create_once(applicant_member, again, "x.y", create) == (applicant_org.pk, False)
    assert len(made) == 1
    changed = _data(form_token=token, title="乙")
    assert once.create_once(applicant_member, changed, "x.y", create) == (applicant_org.pk, True)
    assert len(made) == 2
    for untokened in (_data(title="甲"), _data(form_token="not-a-token", title="甲")):
        assert once.create_once(applicant_member, untokened, "x.y", create)[1] is True
    assert len(made) == 4
    assert SentForm.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_create_frees_the_token(applicant_member, applicant_org):
    data = _data(form_token=once.token(), title="甲")

    def refuse():  # type: ignore[no-untyped-def]
        raise DomainError(Errors.VALIDATION)

    with pytest.raises(DomainError):
        once.create_once(applicant_member, data, "x.y", refuse)
    assert not SentForm.objects.exists()
    assert once.create_once(applicant_member, data, "x.y", lambda: applicant_org) == (applicant_org.pk, True)


@pytest.mark.django_db
def test_another_users_token_is_not_theirs(applicant_member, applicant_admin, applicant_org, other_org):
    data = _data(form_token=once.token(), title="甲")
    assert once.create_once(applicant_member, data, "x.y", lambda: applicant_org) == (applicant_org.pk, True)
    assert once.create_once(applicant_admin, data, "x.y", lambda: other_org) == (other_org.pk, True)


@pytest.mark.django_db
def test_old_claims_are_forgotten(applicant_member, applicant_org):
    once.create_once(applicant_member, _data(form_token=once.token()), "x.y", lambda: applicant_org)
    once.create_once(applicant_member, _data(form_token=once.token()), "x.y", lambda: applicant_org)
    SentForm.objects.filter(pk=SentForm.objects.first().pk).update(  # type: ignore[union-attr]
        created_at=timezone.now() - once.KEEP - datetime.timedelta(minutes=1)
    )
    assert once.forget_old() == 1
    assert SentForm.objects.count() == 1


@pytest.mark.django_db
def test_need_form_sent_twice_opens_the_first_draft(client, applicant_org, applicant_admin):
    verify(applicant_org)
    client.force_login(applicant_admin)
    page = client.get(reverse("needs:create")).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)  # type: ignore[union-attr]
    post = {**NEED, "organisation": applicant_org.pk, "form_token": token}
    first = client.post(reverse("needs:create"), post)
    second = client.post(reverse("needs:create"), post)
    need = Need.objects.get()
    assert first.url == second.url == reverse("needs:detail", args=[need.pk])
    assert [str(m) for m in get_messages(second.wsgi_request)] == [
        "草稿已保存，填写完整后请提交审核。",
        "此表单之前已提交过：这是它创建的记录。",
    ]
    # Back, change the title, send: a second draft, as meant.
    client.post(reverse("needs:create"), {**post, "title": "另一个需求"})
    assert Need.objects.count() == 2


@pytest.mark.django_db
def test_a_form_shown_again_after_an_error_keeps_its_token(client, applicant_org, applicant_admin):
    verify(applicant_org)
    client.force_login(applicant_admin)
    token = once.token()
    bad = client.post(reverse("needs:create"), {**NEED, "budget_min": "50", "budget_max": "10", "form_token": token})
    assert bad.status_code == 200
    assert f'name="form_token" value="{token}"' in bad.content.decode()
    assert not SentForm.objects.exists()
