"""Registration workflow: submit to the registration point, register with the checklist or refuse,
numbers without collisions, amendments and cancellations with history."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from techtransfer.audit.models import AuditEvent
from techtransfer.contracts import selectors, services
from techtransfer.contracts.choices import ContractStatus
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.models import Contract, ContractAmendment, ContractCounter
from techtransfer.contracts.tests.factories import FULL_CHECKLIST, draft, pdf, registered, submitted
from techtransfer.core.choices import OrganisationStatus
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.models import Organisation

S = ContractStatus
D = Decimal


def test_submit_goes_to_the_nearest_registration_point(seller, applicant_admin, gov_orgs) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    assert (c.status, c.registration_point_id) == (S.SUBMITTED, gov_orgs["county"].pk)
    assert (c.seller_region_id, c.buyer_region_id) == ("360121", "360702")
    assert c.parties.get(role="seller").uscc == seller.uscc


def test_without_a_county_department_the_city_registers(seller, applicant_admin, gov_orgs) -> None:  # type: ignore[no-untyped-def]
    Organisation.objects.filter(pk=gov_orgs["county"].pk).update(status=OrganisationStatus.SUSPENDED)
    assert submitted(seller, applicant_admin).registration_point_id == gov_orgs["city"].pk


def test_submit_needs_the_signed_pdf_and_a_verified_organisation(applicant_org, applicant_admin, gov_orgs) -> None:  # type: ignore[no-untyped-def]
    c = draft(applicant_org, applicant_admin)
    with pytest.raises(DomainError) as exc:
        services.submit_contract(actor=applicant_admin, contract_id=c.pk)
    assert exc.value.error == ContractErrors.ORG_NOT_VERIFIED
    Organisation.objects.filter(pk=applicant_org.pk).update(status=OrganisationStatus.VERIFIED)
    with pytest.raises(DomainError) as exc:
        services.submit_contract(actor=applicant_admin, contract_id=c.pk)
    assert exc.value.error == ContractErrors.FILE_MISSING
    assert Contract.objects.get(pk=c.pk).status == S.DRAFT


def test_a_png_named_pdf_is_refused(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = draft(seller, applicant_admin)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
    with pytest.raises(DomainError) as exc:
        services.attach_signed_contract(
            actor=applicant_admin, contract_id=c.pk, upload=SimpleUploadedFile("c.pdf", png)
        )
    assert exc.value.error == Errors.UPLOAD_TYPE
    assert not Contract.objects.get(pk=c.pk).file


def test_outsider_cannot_draft_for_another_organisation(seller, outsider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        draft(seller, outsider)
    assert exc.value.error == Errors.NOT_FOUND
    assert Contract.objects.count() == 0


def test_register_assigns_the_number_and_stores_the_checklist(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    c = services.register_contract(actor=county_reviewer, contract_id=c.pk, checklist=FULL_CHECKLIST, comment="符合")
    year = timezone.localdate().year
    assert c.status == S.REGISTERED
    assert c.registration_number == f"360121{year}000001"
    assert c.checklist == FULL_CHECKLIST
    assert c.decided_by == county_reviewer
    assert AuditEvent.objects.filter(action="contract.register", object_id=str(c.pk)).count() == 1


def test_register_requires_every_recognition_condition(seller, applicant_admin, province_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    with pytest.raises(DomainError) as exc:
        services.register_contract(
            actor=province_reviewer, contract_id=c.pk, checklist={**FULL_CHECKLIST, "ip_ownership": False}
        )
    assert exc.value.error == ContractErrors.CHECKLIST
    assert exc.value.details == {"missing": ["ip_ownership"]}
    c.refresh_from_db()
    assert (c.status, c.registration_number) == (S.SUBMITTED, None)
    assert not ContractCounter.objects.exists()


@pytest.mark.parametrize("who", ["applicant_admin", "ganzhou_reviewer", "province_official", "outsider"])
def test_only_registration_officials_of_the_jurisdiction_register(seller, applicant_admin, who, request) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    actor = request.getfixturevalue(who)
    with pytest.raises(DomainError) as exc:
        services.register_contract(actor=actor, contract_id=c.pk, checklist=FULL_CHECKLIST)
    assert exc.value.error == Errors.NOT_FOUND
    assert Contract.objects.get(pk=c.pk).status == S.SUBMITTED


def test_refuse_needs_a_reason_and_allows_resubmission(seller, applicant_admin, city_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    with pytest.raises(DomainError) as exc:
        services.refuse_contract(actor=city_reviewer, contract_id=c.pk, reason="  ")
    assert exc.value.error == ContractErrors.REASON_REQUIRED
    c = services.refuse_contract(
        actor=city_reviewer, contract_id=c.pk, reason="标的为设备买卖，不属于技术合同", checklist={"signed": True}
    )
    assert (c.status, c.decision_reason) == (S.REFUSED, "标的为设备买卖，不属于技术合同")
    assert c.checklist["signed"] is True and c.checklist["technical_content"] is False
    services.update_contract(actor=applicant_admin, contract_id=c.pk, data={"name": "改正后的合同"})
    assert services.submit_contract(actor=applicant_admin, contract_id=c.pk).status == S.SUBMITTED


def test_numbers_count_per_point_and_never_collide(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer, gov_orgs
) -> None:  # type: ignore[no-untyped-def]
    from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory

    year = timezone.localdate().year
    first = registered(seller, applicant_admin, county_reviewer)
    second = registered(seller, applicant_admin, county_reviewer)
    gz = OrganisationFactory(region_id="360702", name="赣州卖方")
    gz_admin = MembershipFactory(organisation=gz, role="org_admin").user
    third = registered(gz, gz_admin, ganzhou_reviewer)
    assert [first.registration_number, second.registration_number, third.registration_number] == [
        f"360121{year}000001",
        f"360121{year}000002",
        f"360700{year}000001",
    ]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_get_different_numbers(regions, seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("threads cannot share the in-memory SQLite test database; the PostgreSQL lane runs this test")
    records = [submitted(seller, applicant_admin) for _ in range(4)]
    barrier = threading.Barrier(len(records))
    errors: list[BaseException] = []

    def register(pk: int) -> None:
        try:
            barrier.wait()
            services.register_contract(actor=county_reviewer, contract_id=pk, checklist=FULL_CHECKLIST)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=register, args=(c.pk,)) for c in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(Contract.objects.values_list("registration_number", flat=True))
    assert numbers == [f"360121{year}00000{i}" for i in range(1, 5)]


def test_serials_exhausted_refuses_without_registering(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = submitted(seller, applicant_admin)
    ContractCounter.objects.create(point_code="360121", year=timezone.localdate().year, last_serial=999_999)
    with pytest.raises(DomainError) as exc:
        services.register_contract(actor=county_reviewer, contract_id=c.pk, checklist=FULL_CHECKLIST)
    assert exc.value.error == ContractErrors.SERIALS_EXHAUSTED
    assert Contract.objects.get(pk=c.pk).status == S.SUBMITTED


def test_amendment_keeps_history_and_statistics_read_the_current_figures(
    seller, applicant_admin, county_reviewer
) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    assert selectors.statistics("36").output.technology_amount == D("800000.00")
    with pytest.raises(DomainError):
        services.amend_contract(
            actor=applicant_admin, contract_id=c.pk, changes={"contract_amount": D("1")}, reason="x"
        )
    amendment = services.amend_contract(
        actor=county_reviewer,
        contract_id=c.pk,
        changes={"contract_amount": D("1200000.00"), "non_technical_costs": D("200000.00")},
        reason="补充协议增加金额",
    )
    assert amendment.before == {"contract_amount": "1000000.00", "technology_amount": "800000.00"}
    assert amendment.after == {"contract_amount": "1200000.00", "technology_amount": "1000000.00"}
    st = selectors.statistics("36")
    assert (st.output.contract_amount, st.output.technology_amount) == (D("1200000.00"), D("1000000.00"))
    with pytest.raises(DomainError) as exc:
        services.amend_contract(
            actor=county_reviewer, contract_id=c.pk, changes={"non_technical_costs": D("2000000")}, reason="错误"
        )
    assert exc.value.error == ContractErrors.AMOUNTS
    assert Contract.objects.get(pk=c.pk).technology_amount == D("1000000.00")
    assert AuditEvent.objects.filter(action="contract.amend", object_id=str(c.pk)).count() == 1


def test_cancellation_keeps_the_number_and_leaves_the_statistics(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    c = services.cancel_contract(actor=county_reviewer, contract_id=c.pk, reason="双方解除合同")
    assert c.status == S.CANCELLED and c.registration_number
    assert ContractAmendment.objects.get(contract=c).kind == "cancel"
    assert selectors.statistics("36").output.count == 0
    with pytest.raises(DomainError) as exc:
        services.cancel_contract(actor=county_reviewer, contract_id=c.pk, reason="again")
    assert exc.value.error == Errors.INVALID_TRANSITION


def test_registered_contract_is_not_editable(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    c = registered(seller, applicant_admin, county_reviewer)
    with pytest.raises(DomainError) as exc:
        services.update_contract(actor=applicant_admin, contract_id=c.pk, data={"name": "改"})
    assert exc.value.error == ContractErrors.NOT_EDITABLE
    with pytest.raises(DomainError):
        services.attach_signed_contract(actor=applicant_admin, contract_id=c.pk, upload=pdf())


def test_the_path_from_a_registered_achievement_to_the_contract(
    seller, applicant_admin, county_reviewer, outsider
) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from techtransfer.achievements.models import Achievement
    from techtransfer.achievements.tests.factories import AchievementFactory

    mine = AchievementFactory(organisation=seller, created_by=applicant_admin)
    Achievement.objects.filter(pk=mine.pk).update(registration_number="360202610042")
    other = AchievementFactory(organisation=outsider.memberships.get().organisation, created_by=outsider)
    Achievement.objects.filter(pk=other.pk).update(registration_number="360202610043")
    with pytest.raises(DomainError) as exc:
        draft(seller, applicant_admin, achievement_id=other.pk)
    assert exc.value.error == ContractErrors.ACHIEVEMENT
    c = registered(seller, applicant_admin, county_reviewer, achievement_id=mine.pk, deal_reference="DEAL-7")
    assert list(selectors.registered_contracts_for_achievement(mine.pk)) == [c]
    client = Client()
    client.force_login(applicant_admin)
    path = client.get(f"/contracts/{c.pk}/").content.decode()
    assert "360202610042" in path and "DEAL-7" in path and c.registration_number in path
    # …and the achievement's own page ends the path with the contract's registration number.
    page = client.get(f"/achievements/{mine.pk}/").content.decode()
    assert 'id="achievement-contracts"' in page and c.registration_number in page
