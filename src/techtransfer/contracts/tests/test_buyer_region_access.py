"""Officials of the buyer's region (absorption) at each level: they open every contract once submitted,
as those of the seller's region do, through the list, the page, the signed file, the API and the
statistics export; they decide nothing (registration stays with the seller's registration point)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from techtransfer.audit.models import AuditEvent
from techtransfer.contracts import services
from techtransfer.contracts.choices import CHECKLIST_KEYS, ContractStatus
from techtransfer.contracts.tests.factories import BUYER2_USCC, buyer, draft, registered, submitted
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.models import User
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

S = ContractStatus

# (the buyer's region, the official's department's region): county, city and province of the buyer.
LEVELS = {
    "county": ("360702", "360702"),
    "city": ("360702", "360700"),
    "province": ("110101", "110000"),  # a buyer in Beijing: the province covers the buyer only
}


def official(code: str, role: str) -> User:
    org = OrganisationFactory(type=OrganisationType.GOVERNMENT, region_id=code, name=f"{code} 科学技术局")
    user = UserFactory(username=f"buyer_side_{code}_{role}")
    MembershipFactory(user=user, organisation=org, role=role)
    return user


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def by_status(seller, applicant_admin, county_reviewer, request):  # type: ignore[no-untyped-def]
    buyer_region, _dept = LEVELS[request.param]
    party = buyer(
        region_id=buyer_region, **({"uscc": BUYER2_USCC, "name": "北京买方企业"} if buyer_region[:2] == "11" else {})
    )
    parties = {"buyer": party}
    refused = submitted(seller, applicant_admin, name="被退回合同", parties=parties)
    services.refuse_contract(actor=county_reviewer, contract_id=refused.pk, reason="标的为设备买卖")
    return {
        "level": request.param,
        S.DRAFT: draft(seller, applicant_admin, name="草稿合同", parties=parties),
        S.SUBMITTED: submitted(seller, applicant_admin, name="待登记合同", parties=parties),
        S.REGISTERED: registered(seller, applicant_admin, county_reviewer, name="已登记合同", parties=parties),
        S.REFUSED: refused,
    }


@pytest.mark.parametrize("by_status", list(LEVELS), indirect=True)
@pytest.mark.parametrize("role", [Role.GOV_OFFICIAL, Role.GOV_REVIEWER])
def test_an_official_of_the_buyers_region_opens_every_submitted_contract(by_status, role) -> None:  # type: ignore[no-untyped-def]
    user = official(LEVELS[by_status["level"]][1], role)
    c = client_for(user)
    opened = {
        status: (
            c.get(f"/contracts/{by_status[status].pk}/").status_code,
            c.get(f"/contracts/{by_status[status].pk}/file/download/").status_code,
            c.get(f"/api/v1/contracts/{by_status[status].pk}").status_code,
        )
        for status in (S.DRAFT, S.SUBMITTED, S.REGISTERED, S.REFUSED)
    }
    assert opened == {
        S.DRAFT: (404, 404, 404),
        S.SUBMITTED: (200, 200, 200),
        S.REGISTERED: (200, 200, 200),
        S.REFUSED: (200, 200, 200),
    }
    listed = sorted(i["name"] for i in c.get("/api/v1/contracts").json()["items"])
    assert listed == ["已登记合同", "待登记合同", "被退回合同"]
    page = c.get("/contracts/").content.decode()
    assert [name in page for name in ("已登记合同", "待登记合同", "被退回合同", "草稿合同")] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize("by_status", ["county"], indirect=True)
def test_an_official_of_the_buyers_region_decides_nothing(by_status) -> None:  # type: ignore[no-untyped-def]
    """A reviewer of the buyer's county reads the contract waiting for registration, is offered no
    decision, and neither the page nor the API lets them register, refuse, amend or cancel."""
    user = official("360702", Role.GOV_REVIEWER)
    c = client_for(user)
    waiting, done = by_status[S.SUBMITTED], by_status[S.REGISTERED]
    page = c.get(f"/contracts/{waiting.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="action" value="register"' not in page and 'value="refuse"' not in page
    events = AuditEvent.objects.count()
    checklist = dict.fromkeys(CHECKLIST_KEYS, True)
    for action, body in (("register", {"checklist": checklist}), ("refuse", {"reason": "不属于技术合同"})):
        response = c.post(f"/api/v1/contracts/{waiting.pk}/{action}", body, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    data = {"action": "register", **{f"check_{k}": "on" for k in CHECKLIST_KEYS}}
    assert c.post(f"/contracts/{waiting.pk}/action/", data).status_code == 302
    cancel = {"action": "cancel", "cancel-reason": "重复登记"}
    assert c.post(f"/contracts/{done.pk}/action/", cancel).status_code == 302
    assert c.get(f"/contracts/{waiting.pk}/edit/").status_code == 404
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert (waiting.status, waiting.registration_number, done.status) == (S.SUBMITTED, None, S.REGISTERED)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("by_status", ["county"], indirect=True)
def test_the_buyers_county_finds_its_absorbed_contract_in_the_statistics_export(by_status) -> None:  # type: ignore[no-untyped-def]
    c = client_for(official("360702", Role.GOV_OFFICIAL))
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = c.get("/contracts/statistics/export.xlsx?region=360702&year=all")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    summary = list(wb["Summary"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert [r[:2] for r in summary] == [("Output (seller in scope)", 0), ("Absorption (buyer in scope)", 1)]
    assert list(wb["Contracts"].iter_rows(min_row=2, values_only=True)) == []
    rows = list(wb["Absorption contracts"].iter_rows(min_row=2, values_only=True))
    done = by_status[S.REGISTERED]
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        (done.registration_number, "已登记合同", "360121 南昌县", "360702 章贡区")
    ]
