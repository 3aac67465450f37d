"""Statistics totals equal the sum of the underlying contracts, in every breakdown; flows; history."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone, translation

from techtransfer.contracts import selectors, services
from techtransfer.contracts.history import NATIONAL_NAME
from techtransfer.contracts.models import Contract, HistoricalTurnover
from techtransfer.contracts.tests.factories import BUYER2_USCC, buyer, draft, registered, submitted
from techtransfer.core import uscc
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory

D = Decimal


def _setup(seller, applicant_admin, county_reviewer, ganzhou_reviewer):  # type: ignore[no-untyped-def]
    gz = OrganisationFactory(region_id="360702", name="赣州卖方", type="university")
    gz_admin = MembershipFactory(organisation=gz, role="org_admin").user
    nc_buyer = {"name": "南昌买方", "uscc": uscc.make("91360100MA0000005"), "region_id": "360102"}
    made = [
        registered(seller, applicant_admin, county_reviewer, contract_amount=D("1000000.00"), non_technical_costs=D("200000.00")),
        registered(seller, applicant_admin, county_reviewer, contract_type="development", subtype="commissioned",
                   tech_field="agriculture", contract_amount=D("333333.33"), non_technical_costs=D("0.00"),
                   parties={"buyer": nc_buyer}),
        registered(seller, applicant_admin, county_reviewer, contract_type="service", subtype="training",
                   tech_field="electronic_information", contract_amount=D("50000.01"), non_technical_costs=D("0.01"),
                   parties={"buyer": buyer(name="北京买方", uscc=BUYER2_USCC, region_id="110108")}),
        registered(gz, gz_admin, ganzhou_reviewer, contract_type="licensing", subtype="", contract_amount=D("2500000.00"),
                   non_technical_costs=D("500000.00"), carrier_costs=D("100000.00"), carrier_note="样品",
                   parties={"buyer": nc_buyer}),
    ]  # fmt: skip
    # Not counted: a draft, a submitted and a cancelled contract.
    draft(seller, applicant_admin, contract_amount=D("9999999.00"))
    submitted(seller, applicant_admin, contract_amount=D("8888888.00"))
    cancelled = registered(seller, applicant_admin, county_reviewer, contract_amount=D("7777777.00"))
    services.cancel_contract(actor=county_reviewer, contract_id=cancelled.pk, reason="解除")
    return made


def test_totals_equal_the_sum_of_the_underlying_contracts(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer
) -> None:  # type: ignore[no-untyped-def]
    made = _setup(seller, applicant_admin, county_reviewer, ganzhou_reviewer)
    st = selectors.statistics("36", None)
    expected = Contract.objects.filter(pk__in=[c.pk for c in made]).aggregate(
        ca=Sum("contract_amount"), ta=Sum("technology_amount")
    )
    assert (st.output.count, st.output.contract_amount, st.output.technology_amount) == (
        4, expected["ca"], expected["ta"],
    )  # fmt: skip
    assert (st.output.contract_amount, st.output.technology_amount) == (D("3883333.34"), D("3283333.33"))
    for rows in (st.by_year, st.by_type, st.by_field, st.by_org_type, st.by_buyer_nature, st.output_by_region):
        assert sum(r.count for r in rows) == st.output.count
        assert sum((r.contract_amount for r in rows), D(0)) == st.output.contract_amount
        assert sum((r.technology_amount for r in rows), D(0)) == st.output.technology_amount
    # The registration year on the platform's calendar (Asia/Shanghai), as the statistics count it:
    # registered_at is in UTC, a year behind between 16:00 and 24:00 UTC on 31 December.
    year = timezone.localtime(made[0].registered_at).year  # type: ignore[arg-type]
    by_month = selectors.statistics("36", year).by_month
    assert len(by_month) == 12 and sum(r.technology_amount for r in by_month) == D("3283333.33")
    types = {r.key: r.technology_amount for r in st.by_type}
    assert types == {
        "development": D("333333.33"), "transfer": D("800000.00"), "licensing": D("2100000.00"),
        "consulting": D("0.00"), "service": D("50000.00"),
    }  # fmt: skip
    assert {r.label: r.count for r in st.output_by_region} == {"南昌市": 3, "赣州市": 1}
    assert {r.key: r.count for r in st.by_org_type if r.count} == {"enterprise": 3, "university": 1}


def test_output_and_absorption_by_region(seller, applicant_admin, county_reviewer, ganzhou_reviewer) -> None:  # type: ignore[no-untyped-def]
    _setup(seller, applicant_admin, county_reviewer, ganzhou_reviewer)
    st = selectors.statistics("3601", None)
    assert (st.output.count, st.output.technology_amount) == (3, D("1183333.33"))
    # Absorbed by Nanchang: the agriculture contract and the Ganzhou licence, both to 东湖区.
    assert (st.absorption.count, st.absorption.technology_amount) == (2, D("2433333.33"))
    assert {r.label: r.technology_amount for r in st.absorption_by_region} == {"东湖区": D("2433333.33")}
    nation = selectors.statistics("", None)
    assert {r.label: r.count for r in nation.absorption_by_region} == {"江西省": 3, "北京市": 1}


def test_flows_between_regions_sum_to_the_contracts_with_a_buyer(
    seller, applicant_admin, county_reviewer, ganzhou_reviewer
) -> None:  # type: ignore[no-untyped-def]
    _setup(seller, applicant_admin, county_reviewer, ganzhou_reviewer)
    st = selectors.statistics("36", None)
    flows = {(s, b): (n, ta) for s, b, n, ta in st.flows}
    assert flows == {
        ("赣州市", "南昌市"): (1, D("2100000.00")),
        ("南昌市", "赣州市"): (1, D("800000.00")),
        ("南昌市", "南昌市"): (1, D("333333.33")),
        ("南昌市", "北京市"): (1, D("50000.00")),
    }
    m = st.matrix
    # 北京市 only bought: a column, no (empty) row; every seller and every buyer has contracts.
    assert (m.sellers, m.buyers, m.left_out) == (["南昌市", "赣州市"], ["北京市", "南昌市", "赣州市"], True)
    assert [[(c.count, c.technology_amount) for c in cells] for cells in m.cells] == [
        [(1, D("50000.00")), (1, D("333333.33")), (1, D("800000.00"))],
        [(0, D("0.00")), (1, D("2100000.00")), (0, D("0.00"))],
    ]
    assert [(c.count, c.technology_amount) for c in m.row_totals] == [(3, D("1183333.33")), (1, D("2100000.00"))]
    assert [(c.count, c.technology_amount) for c in m.column_totals] == [
        (1, D("50000.00")), (2, D("2433333.33")), (1, D("800000.00")),
    ]  # fmt: skip
    assert (m.total.count, m.total.technology_amount) == (4, st.output.technology_amount)


def test_the_flow_matrix_keeps_a_flow_whose_technology_amount_is_nothing(
    seller, applicant_admin, county_reviewer
) -> None:  # type: ignore[no-untyped-def]
    """Rows and columns are left out for want of contracts, not of amount: a contract whose amount is
    all non-technical costs keeps its row, its column and its cell."""
    registered(
        seller, applicant_admin, county_reviewer, contract_amount=D("10000.00"), non_technical_costs=D("10000.00")
    )
    m = selectors.statistics("36", None).matrix
    assert (m.sellers, m.buyers, m.left_out) == (["南昌市"], ["赣州市"], True)
    assert [[(c.count, c.technology_amount) for c in cells] for cells in m.cells] == [[(1, D("0.00"))]]
    assert (m.total.count, m.total.technology_amount) == (1, D("0.00"))


def test_yearbook_series_are_loaded_with_their_source(db) -> None:  # type: ignore[no-untyped-def]
    assert HistoricalTurnover.objects.count() == 397 + 27
    jx = HistoricalTurnover.objects.get(region_code="360000", year=2023)
    assert jx.turnover_10k == D("15848723.0000")
    assert "nqp-spatial-development" in jx.source
    assert HistoricalTurnover.objects.get(region_code="", year=2024).region_name == NATIONAL_NAME
    h = selectors.history("3601")
    assert h["province"]["name"] == "江西" and h["province"]["values"][-1] == 1584.87
    assert h["national"]["years"][0] == 1998 and h["national"]["values"][-1] == 66577.59
    with translation.override("zh-hans"):
        assert (selectors.history("36")["province"]["name"], selectors.history("36")["national"]["name"]) == (
            "江西", "31省合计",
        )  # fmt: skip
    with translation.override("en"):  # the legends of an English page
        assert (selectors.history("36")["province"]["name"], selectors.history("36")["national"]["name"]) == (
            "Jiangxi", "Sum of 31 provinces",
        )  # fmt: skip


def test_the_scope_is_chosen_by_name_among_the_regions_the_user_may_read(client, city_reviewer, platform_admin) -> None:  # type: ignore[no-untyped-def]
    client.force_login(city_reviewer)
    options = client.get("/contracts/statistics/").context["region_options"]
    assert options[:3] == [("360100", "南昌市"), ("360102", "\u3000东湖区"), ("360103", "\u3000西湖区")]
    assert len(options) == 10 and all(code.startswith("3601") for code, _label in options)
    page = client.get("/contracts/statistics/?region=360102").content.decode()
    assert '<option value="360102" selected>\u3000东湖区</option>' in page
    client.force_login(platform_admin)
    options = client.get("/contracts/statistics/", HTTP_ACCEPT_LANGUAGE="en").context["region_options"]
    assert options[0] == ("", "All regions")
    assert ("360000", "江西省 (Jiangxi Province)") in options and ("360100", "\u3000南昌市 (Nanchang City)") in options
    assert not any(code == "360102" for code, _label in options)  # counties only inside a jurisdiction
