"""A contract's page lists its history — created, attached, submitted, refused with the reason,
registered — to the registering organisation's members and the registration officials; a party of
the contract from another organisation reads the contract, not the officials' steps."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from techtransfer.contracts import services
from techtransfer.contracts.tests.factories import FULL_CHECKLIST, pdf, submitted
from techtransfer.core.tests.factories import history_lines

pytestmark = pytest.mark.django_db


def _history(user, contract) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """(who, step) or (who, step, comment) for each entry."""
    c = Client(headers={"accept-language": "zh-hans"})
    c.force_login(user)
    response = c.get(f"/contracts/{contract.pk}/")
    assert response.status_code == 200
    lines = history_lines(response.content.decode(), "contract-history")
    return [tuple(re.split(r" · | — ", line)) for line in lines]


@pytest.fixture
def contract(seller, applicant_admin, county_reviewer):  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    services.refuse_contract(actor=county_reviewer, contract_id=c.pk, reason="缺少技术成果归属条款")
    services.attach_signed_contract(actor=applicant_admin, contract_id=c.pk, upload=pdf("合同v2.pdf"))
    services.submit_contract(actor=applicant_admin, contract_id=c.pk)
    return services.register_contract(actor=county_reviewer, contract_id=c.pk, checklist=FULL_CHECKLIST)


def test_the_organisation_and_the_official_see_the_history(contract, applicant_admin, county_reviewer):
    admin, official = "applicant_admin", "county_reviewer"
    expected = [
        (admin, "创建"), (admin, "已上传签署的合同"), (admin, "已提交登记"),
        (official, "不予登记", "缺少技术成果归属条款"),
        (admin, "已上传签署的合同"), (admin, "已提交登记"), (official, "已登记"),
    ]  # fmt: skip
    assert _history(applicant_admin, contract) == expected
    assert _history(county_reviewer, contract) == expected


def test_an_official_of_the_buyers_region_reads_the_contract_without_its_history(contract, ganzhou_reviewer):
    assert _history(ganzhou_reviewer, contract) == []
