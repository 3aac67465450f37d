"""A create form sent twice makes one record (core.once): the same content to the same form within
KEEP → the first record; another content → a new one; a refused create frees the claim."""

from __future__ import annotations

import datetime

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
def test_the_same_content_to_the_same_form_makes_one_record(applicant_member, applicant_org, other_org):
    made = []

    def create(org):  # type: ignore[no-untyped-def]
        return lambda: made.append(org) or org  # any saved object with a pk stands for the record

    data = _data(title="甲", csrfmiddlewaretoken="a")
    assert once.create_once(applicant_member, data, "x.y", create(applicant_org)) == (applicant_org.pk, True)
    again = _data(title="甲", csrfmiddlewaretoken="b")  # another CSRF token: the same content
    assert once.create_once(applicant_member, again, "x.y", create(other_org)) == (applicant_org.pk, False)
    assert made == [applicant_org]
    # Another content, or the same content to another form, is another record.
    assert once.create_once(applicant_member, _data(title="乙"), "x.y", create(other_org)) == (other_org.pk, True)
    assert once.create_once(applicant_member, data, "x.z", create(other_org)) == (other_org.pk, True)
    assert len(made) == 3 and SentForm.objects.count() == 3


@pytest.mark.django_db
def test_the_same_content_sent_again_after_keep_is_a_new_record(applicant_member, applicant_org, other_org):
    data = _data(title="甲")
    once.create_once(applicant_member, data, "x.y", lambda: applicant_org)
    SentForm.objects.update(created_at=timezone.now() - once.KEEP - datetime.timedelta(seconds=1))
    assert once.create_once(applicant_member, data, "x.y", lambda: other_org) == (other_org.pk, True)
    assert list(SentForm.objects.values_list("object_id", flat=True)) == [other_org.pk]


@pytest.mark.django_db
def test_a_refused_create_frees_the_claim(applicant_member, applicant_org):
    data = _data(title="甲")

    def refuse():  # type: ignore[no-untyped-def]
        raise DomainError(Errors.VALIDATION)

    with pytest.raises(DomainError):
        once.create_once(applicant_member, data, "x.y", refuse)
    assert not SentForm.objects.exists()
    assert once.create_once(applicant_member, data, "x.y", lambda: applicant_org) == (applicant_org.pk, True)


@pytest.mark.django_db
def test_another_users_sending_is_not_theirs(applicant_member, applicant_admin, applicant_org, other_org):
    data = _data(title="甲")
    assert once.create_once(applicant_member, data, "x.y", lambda: applicant_org) == (applicant_org.pk, True)
    assert once.create_once(applicant_admin, data, "x.y", lambda: other_org) == (other_org.pk, True)


@pytest.mark.django_db
def test_old_claims_are_forgotten(applicant_member, applicant_org):
    once.create_once(applicant_member, _data(title="甲"), "x.y", lambda: applicant_org)
    once.create_once(applicant_member, _data(title="乙"), "x.y", lambda: applicant_org)
    SentForm.objects.filter(pk=SentForm.objects.first().pk).update(  # type: ignore[union-attr]
        created_at=timezone.now() - once.KEEP - datetime.timedelta(minutes=1)
    )
    assert once.forget_old() == 1
    assert SentForm.objects.count() == 1


@pytest.mark.django_db
def test_need_form_sent_again_after_back_opens_the_first_draft(client, applicant_org, applicant_admin):
    """Back shows the form again with what was typed (and, before, a new token): the second send made a
    second draft in a QA pass. The same content now opens the first."""
    verify(applicant_org)
    client.force_login(applicant_admin)
    post = {**NEED, "organisation": applicant_org.pk}
    first = client.post(reverse("needs:create"), post)
    client.get(reverse("needs:create"))  # Back: the form is shown again
    second = client.post(reverse("needs:create"), post)
    need = Need.objects.get()
    assert first.url == second.url == reverse("needs:detail", args=[need.pk])
    assert [str(m) for m in get_messages(second.wsgi_request)] == ["此表单之前已提交过：这是它创建的记录。"]
    # Back, change the title, send: a second draft, as meant.
    client.post(reverse("needs:create"), {**post, "title": "另一个需求"})
    assert Need.objects.count() == 2


@pytest.mark.django_db
def test_a_form_refused_and_corrected_goes_through(client, applicant_org, applicant_admin):
    verify(applicant_org)
    client.force_login(applicant_admin)
    bad = client.post(reverse("needs:create"), {**NEED, "budget_min": "50", "budget_max": "10"})
    assert bad.status_code == 200 and not SentForm.objects.exists()
    assert client.post(reverse("needs:create"), {**NEED, "organisation": applicant_org.pk}).status_code == 302
    assert Need.objects.count() == 1
