"""Related-party checks: same controller, shared legal representative, circular deals in a window."""

import datetime

from techtransfer.contracts.models import ContractFlag
from techtransfer.contracts.tests.factories import BUYER_USCC, buyer, registered, submitted
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory


def kinds(contract):  # type: ignore[no-untyped-def]
    return sorted(ContractFlag.objects.filter(contract=contract).values_list("kind", flat=True))


def test_an_ordinary_contract_has_no_flags(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    assert kinds(submitted(seller, applicant_admin)) == []


def test_same_controlling_organisation_is_flagged(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    group = OrganisationFactory(name="控股集团")
    parties = {
        "seller": {"controlling_organisation_id": group.pk},
        "buyer": buyer(controlling_organisation_id=group.pk),
    }
    assert kinds(submitted(seller, applicant_admin, parties=parties)) == ["same_controller"]
    # The buyer controlled by the seller itself is the same finding.
    parties = {"buyer": buyer(controlling_organisation_id=seller.pk)}
    assert kinds(submitted(seller, applicant_admin, parties=parties)) == ["same_controller"]


def test_shared_legal_representative_is_flagged(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    parties = {"seller": {"legal_representative": "张 三"}, "buyer": buyer(legal_representative="张三")}
    c = submitted(seller, applicant_admin, parties=parties)
    assert kinds(c) == ["shared_representative"]
    assert ContractFlag.objects.get(contract=c).detail == "张 三"


def test_circular_deal_within_the_window_is_flagged(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CONTRACTS_CIRCULAR_WINDOW_DAYS = 90
    b = OrganisationFactory(region_id="360702", uscc=BUYER_USCC, name="赣州买方企业")
    b_admin = MembershipFactory(organisation=b, role="org_admin").user
    first = registered(seller, applicant_admin, county_reviewer, signed_on=datetime.date(2026, 1, 10))
    back = {"buyer": {"name": seller.name, "uscc": seller.uscc, "region_id": "360121"}}
    within = submitted(
        b, b_admin, parties=back, signed_on=datetime.date(2026, 4, 1), term_start=datetime.date(2026, 4, 1)
    )
    assert kinds(within) == ["circular"]
    assert ContractFlag.objects.get(contract=within).related_contract_id == first.pk
    # 110 days after the first deal: outside a 90-day window, inside a 365-day one.
    outside = submitted(
        b, b_admin, parties=back, signed_on=datetime.date(2026, 4, 30), term_start=datetime.date(2026, 4, 30)
    )
    assert kinds(outside) == []
    settings.CONTRACTS_CIRCULAR_WINDOW_DAYS = 365
    again = submitted(
        b, b_admin, parties=back, signed_on=datetime.date(2026, 4, 30), term_start=datetime.date(2026, 4, 30)
    )
    assert kinds(again) == ["circular"]
