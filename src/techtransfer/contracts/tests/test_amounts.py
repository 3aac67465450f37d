"""技术交易额 = contract amount − (non-technical costs − reasonable carrier costs), and its validation."""

from decimal import Decimal

import pytest
from django.utils import translation

from techtransfer.contracts import services
from techtransfer.contracts.amounts import amount_problems, technology_amount
from techtransfer.contracts.errors import ContractErrors
from techtransfer.contracts.forms import ContractForm
from techtransfer.contracts.models import Contract
from techtransfer.contracts.tests.factories import contract_data, draft
from techtransfer.core.errors import DomainError

D = Decimal


def fields(problems):  # type: ignore[no-untyped-def]
    return [p.field for p in problems]


def test_technology_amount_subtracts_non_technical_costs() -> None:
    assert technology_amount(D("1000000.00"), D("200000.00"), D("0")) == D("800000.00")


def test_reasonable_carrier_costs_stay_in_the_technology_amount() -> None:
    # 300,000 of equipment, of which 50,000 are the prototypes that carry the technology.
    assert technology_amount(D("1000000.00"), D("300000.00"), D("50000.00")) == D("750000.00")


def test_no_costs_means_the_whole_amount_is_technology() -> None:
    assert technology_amount(D("123456.78"), D("0"), D("0")) == D("123456.78")


def test_all_costs_non_technical_gives_zero() -> None:
    assert technology_amount(D("500000.00"), D("500000.00"), D("0")) == D("0.00")
    assert amount_problems(D("500000.00"), D("500000.00"), D("0")) == []


@pytest.mark.parametrize(
    ("a", "n", "c", "note", "expected"),
    [
        (D("0"), D("0"), D("0"), "", ["contract_amount"]),
        (D("-1"), D("0"), D("0"), "", ["contract_amount"]),
        (None, D("0"), D("0"), "", ["contract_amount"]),
        (D("100"), D("-1"), D("0"), "", ["non_technical_costs"]),
        (D("100"), D("100.01"), D("0"), "", ["non_technical_costs"]),
        (D("100"), D("50"), D("-1"), "", ["carrier_costs"]),
        (D("100"), D("50"), D("50.01"), "样机", ["carrier_costs"]),
        (D("100"), D("50"), D("10"), "", ["carrier_note"]),
        (D("100"), D("50"), D("10"), "  ", ["carrier_note"]),
        (D("100.001"), D("0"), D("0"), "", ["contract_amount"]),
    ],
)
def test_inconsistent_figures_are_refused(a, n, c, note, expected) -> None:  # type: ignore[no-untyped-def]
    assert fields(amount_problems(a, n, c, note)) == expected


def test_carrier_costs_with_a_justification_are_accepted() -> None:
    assert amount_problems(D("100"), D("50"), D("10"), "两台样机，合同约定的最小数量") == []


def test_form_shows_the_rule_next_to_the_field_and_keeps_the_input(db) -> None:  # type: ignore[no-untyped-def]
    data = {k: str(v) for k, v in contract_data(non_technical_costs=D("1200000"), ip_type="patent").items()}
    data["plan_category"] = "none"
    form = ContractForm(data)
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["non_technical_costs"] == ["Non-technical costs cannot be more than the contract amount."]
    assert form["non_technical_costs"].value() == "1200000"


def test_form_requires_a_subtype_of_the_type(db) -> None:  # type: ignore[no-untyped-def]
    data = {k: str(v) for k, v in contract_data(contract_type="development", subtype="patent").items()}
    data.update(ip_type="none", plan_category="none")
    form = ContractForm(data)
    assert not form.is_valid()
    assert list(form.errors) == ["subtype"]


def test_service_refuses_bad_figures_and_saves_nothing(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        draft(seller, applicant_admin, non_technical_costs=D("10"), carrier_costs=D("20"), carrier_note="x")
    assert exc.value.error == ContractErrors.AMOUNTS
    assert list(exc.value.details) == ["fields"]  # the API's 422 names the fields there
    assert list(exc.value.details["fields"]) == ["carrier_costs"]
    assert Contract.objects.count() == 0


def test_saved_contract_derives_the_technology_amount(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    c = draft(
        seller,
        applicant_admin,
        non_technical_costs=D("300000.00"),
        carrier_costs=D("50000.00"),
        carrier_note="样机两台",
    )
    c.refresh_from_db()
    assert c.technology_amount == D("750000.00")


def test_licensing_takes_no_subtype(seller, applicant_admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        draft(seller, applicant_admin, contract_type="licensing", subtype="patent")
    assert exc.value.error == ContractErrors.SUBTYPE
    c = draft(seller, applicant_admin, contract_type="licensing", subtype="")
    assert c.subtype == ""
    assert services.DATA_FIELDS[0] == "name"
