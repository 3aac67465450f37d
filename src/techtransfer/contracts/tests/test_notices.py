"""Contract registration tells whoever waits: the registration point's reviewers of a submission; the
author and the organisation's admins of the registration (with its number) or the refusal (with the
reason); never the actor of their own step, nor anyone else."""

from __future__ import annotations

import pytest

from techtransfer.contracts import services
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.tests.factories import FULL_CHECKLIST, submitted
from techtransfer.core.choices import Role
from techtransfer.core.errors import DomainError
from techtransfer.core.tests.factories import member
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _told(kind: str) -> list[tuple[str, str, str, str]]:
    rows = Notification.objects.filter(kind=kind).order_by("user__username")
    return [(n.user.username, n.title, n.body, n.url) for n in rows]


@pytest.fixture
def people(seller, applicant_admin, applicant_member, county_reviewer, city_reviewer, province_reviewer):  # type: ignore[no-untyped-def]
    """The applicant's admin and member, a second admin, reviewers at three levels."""
    member("second_admin", seller, Role.ORG_ADMIN)
    return applicant_member


def test_a_submission_tells_the_registration_points_reviewers(people, seller, county_reviewer):
    c = submitted(seller, people)
    assert c.registration_point.name == "南昌县科学技术局"
    assert _told("contracts.waiting") == [
        (
            "county_reviewer",
            "待您登记的技术合同：“稀土永磁材料制备技术转让合同”",
            "南昌县测试企业",
            f"/contracts/{c.pk}/",
        ),
    ]


def test_a_registration_tells_the_author_and_the_admins(people, seller, county_reviewer):
    c = submitted(seller, people)
    c = services.register_contract(actor=county_reviewer, contract_id=c.pk, checklist=FULL_CHECKLIST)
    title = f"技术合同“稀土永磁材料制备技术转让合同”已登记（登记号 {c.registration_number}）"
    url = f"/contracts/{c.pk}/"
    assert _told("contracts.decided") == [
        ("applicant_admin", title, "", url), ("applicant_member", title, "", url), ("second_admin", title, "", url),
    ]  # fmt: skip


def test_a_refusal_tells_the_reason_and_not_the_official(people, seller, county_reviewer, applicant_admin):
    c = submitted(seller, applicant_admin)
    assert [row[0] for row in _told("contracts.waiting")] == ["county_reviewer"]
    services.refuse_contract(actor=county_reviewer, contract_id=c.pk, reason="合同未约定技术成果归属")
    title = "技术合同“稀土永磁材料制备技术转让合同”未予登记"
    assert _told("contracts.decided") == [
        ("applicant_admin", title, "合同未约定技术成果归属", f"/contracts/{c.pk}/"),
        ("second_admin", title, "合同未约定技术成果归属", f"/contracts/{c.pk}/"),
    ]
    assert not Notification.objects.filter(user=county_reviewer, kind="contracts.decided").exists()


def test_a_refused_step_tells_nobody(people, seller, county_reviewer):
    c = submitted(seller, people)
    with pytest.raises(DomainError) as exc:
        services.register_contract(actor=county_reviewer, contract_id=c.pk, checklist={})
    assert exc.value.error == ContractErrors.CHECKLIST
    assert _told("contracts.decided") == []
