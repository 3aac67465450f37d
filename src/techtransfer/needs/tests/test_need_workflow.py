"""Needs: drafts, the shared review workflow by jurisdiction, audit events, visibility of the full text."""

from __future__ import annotations

import pytest

from techtransfer.audit.models import AuditEvent
from techtransfer.core.choices import ReviewStatus
from techtransfer.core.errors import DomainError
from techtransfer.needs import access, services
from techtransfer.needs.choices import Confidentiality
from techtransfer.needs.tests.factories import need_data, published_need, verify

pytestmark = pytest.mark.django_db


def test_unverified_organisation_cannot_submit(applicant_org, applicant_admin):
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    with pytest.raises(DomainError) as exc:
        services.submit_need(actor=applicant_admin, need_id=need.pk)
    assert exc.value.code == "need_org_not_verified"
    need.refresh_from_db()
    assert need.status == ReviewStatus.DRAFT
    assert need.region_id == "360121"


def test_review_path_by_jurisdiction(applicant_org, applicant_admin, county_reviewer, ganzhou_reviewer):
    verify(applicant_org)
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    services.submit_need(actor=applicant_admin, need_id=need.pk)
    with pytest.raises(DomainError) as exc:
        services.review_need(actor=ganzhou_reviewer, need_id=need.pk, action="start_review")
    assert exc.value.code == "not_found"
    services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    services.review_need(actor=county_reviewer, need_id=need.pk, action="return", comment="补充指标")
    need.refresh_from_db()
    assert (need.status, need.review_comment) == (ReviewStatus.RETURNED, "补充指标")
    services.update_need(actor=applicant_admin, need_id=need.pk, data={"indicators": "损失 ≤ 3%"})
    services.submit_need(actor=applicant_admin, need_id=need.pk)
    need.refresh_from_db()  # the comment is answered: no longer shown as the reviewer's
    assert (need.status, need.review_comment) == (ReviewStatus.SUBMITTED, "")
    services.review_need(actor=county_reviewer, need_id=need.pk, action="start_review")
    need = services.review_need(actor=county_reviewer, need_id=need.pk, action="publish")
    assert need.status == ReviewStatus.PUBLISHED and need.published_at is not None
    actions = list(AuditEvent.objects.filter(object_type="needs.need").order_by("pk").values_list("action", flat=True))
    assert actions == [
        "need.create", "need.submit", "need.start_review", "need.return", "need.update", "need.submit",
        "need.start_review", "need.publish",
    ]  # fmt: skip


def test_published_need_cannot_be_edited(applicant_org, applicant_admin, county_reviewer):
    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    with pytest.raises(DomainError) as exc:
        services.update_need(actor=applicant_admin, need_id=need.pk, data={"title": "新"})
    assert exc.value.code == "need_not_editable"


def test_full_text_for_verified_accounts_only(
    applicant_org, applicant_admin, county_reviewer, outsider, django_user_model
):
    from django.contrib.auth.models import AnonymousUser

    need = published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer)
    assert need.confidentiality == Confidentiality.SUMMARY
    loner = django_user_model.objects.create_user("loner", password="x")
    assert access.may_read_full_text(outsider, need) is True  # member of a verified university
    assert access.may_read_full_text(loner, need) is False
    assert access.may_read_full_text(AnonymousUser(), need) is False
    need.confidentiality = Confidentiality.PUBLIC
    assert access.may_read_full_text(AnonymousUser(), need) is True


def test_drafts_are_not_visible_outside(applicant_org, applicant_admin, outsider, county_reviewer):
    need = services.create_need(actor=applicant_admin, organisation_id=applicant_org.pk, data=need_data())
    for user in (outsider, county_reviewer):
        with pytest.raises(DomainError):
            access.get_need_for_user(user, need.pk)
    assert access.get_need_for_user(applicant_admin, need.pk) == need
