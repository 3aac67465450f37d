"""A contract's parties are in its audit trail: the parties a draft was created with, and a change of
them, as [before rows, after rows] that the log reads row by row, each column labelled in the page's
language. Before, only the contract's own fields were recorded: a buyer renamed on a draft left no trace."""

from __future__ import annotations

import pytest
from django.utils import translation

from techtransfer.audit.models import AuditEvent
from techtransfer.audit.templatetags.audit_tags import readable_changes, unlabelled
from techtransfer.contracts import services
from techtransfer.contracts.tests.factories import BUYER_USCC, buyer, draft

pytestmark = pytest.mark.django_db


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


def _read(event: AuditEvent, label: str, language: str) -> str:
    with translation.override(language):
        return dict(readable_changes(event))[label]


def test_the_parties_a_draft_is_created_with_are_recorded(seller, applicant_admin):  # type: ignore[no-untyped-def]
    draft(seller, applicant_admin)
    created = _event("contract.create")
    seller_row = ["seller", seller.name, seller.uscc, seller.region_id, "enterprise", "CHN", ""]
    assert created.changes["parties"] == [
        [],
        [["buyer", "赣州买方企业", BUYER_USCC, "360702", "enterprise", "CHN", ""], seller_row],
    ]
    assert unlabelled(created) == []
    assert _read(created, "参与方", "zh-hans") == (
        f"— → 角色：买方，名称：赣州买方企业，统一社会信用代码：{BUYER_USCC}，行政区划代码：360702，"
        f"主体性质：企业法人，国家代码（ISO 3166）：CHN；角色：卖方，名称：{seller.name}，统一社会信用代码：{seller.uscc}，"
        f"行政区划代码：{seller.region_id}，主体性质：企业法人，国家代码（ISO 3166）：CHN"
    )


def test_a_change_of_the_parties_is_recorded_before_and_after(seller, applicant_admin):  # type: ignore[no-untyped-def]
    c = draft(seller, applicant_admin)
    services.update_contract(
        actor=applicant_admin, contract_id=c.pk, data={}, parties={"buyer": buyer(name="赣州新买方", nature="")}
    )
    updated = _event("contract.update")
    before, after = updated.changes["parties"]
    assert [row[:2] for row in before] == [["buyer", "赣州买方企业"], ["seller", seller.name]]
    assert [row[:2] for row in after] == [["buyer", "赣州新买方"], ["seller", seller.name]]
    english = _read(updated, "parties", "en")
    assert (
        english.startswith("role: Buyer (买方), name: 赣州买方企业, ")
        and "→ role: Buyer (买方), name: 赣州新买方, " in english
    )


def test_parties_sent_again_unchanged_write_no_change(seller, applicant_admin):  # type: ignore[no-untyped-def]
    c = draft(seller, applicant_admin)
    services.update_contract(
        actor=applicant_admin, contract_id=c.pk, data={"summary": "补充"}, parties={"buyer": buyer()}
    )
    assert "parties" not in _event("contract.update").changes
