"""Subsidies under the shipped Jiangxi 2020 rule: rates on the technology transaction amount, the
per-project caps and the per-unit-year caps across many contracts of one unit."""

import datetime
from decimal import Decimal

from django.utils import timezone

from techtransfer.contracts import subsidies
from techtransfer.contracts.models import Contract, SubsidyRule
from techtransfer.contracts.tests.factories import BUYER2_USCC, BUYER_USCC, buyer, registered
from techtransfer.core import uscc

D = Decimal
AGENCY_USCC = uscc.make("52360103MA0000003")


def test_shipped_rule_has_the_published_rates_and_caps(db) -> None:  # type: ignore[no-untyped-def]
    rule = SubsidyRule.objects.get(province_code="36", year_from=2020)
    assert (rule.buyer_rate, rule.buyer_project_cap, rule.buyer_unit_year_cap) == (
        D("0.0250"), D("150000.00"), D("1000000.00"),
    )  # fmt: skip
    assert (rule.seller_rate, rule.seller_project_cap, rule.seller_unit_year_cap) == (
        D("0.0150"), D("100000.00"), D("500000.00"),
    )  # fmt: skip
    assert (rule.agency_rate, rule.agency_project_cap, rule.agency_unit_year_cap) == (
        D("0.0100"), D("100000.00"), D("300000.00"),
    )  # fmt: skip
    assert subsidies.rule_for(2026, "36") == rule
    assert subsidies.rule_for(2019, "36") is None
    assert subsidies.rule_for(2026, "11") is None
    # Shown on Chinese pages: the notes are in Chinese (they were English).
    assert rule.source.startswith("江西省 2020 年网上常设技术市场交易补助")
    assert rule.source.endswith("发放前请核对官方通知。")
    # Not an internal ticket's name (QA: "按 issue 6 的摘要" was shown to officials).
    assert rule.source.startswith("江西省 2020 年网上常设技术市场交易补助：买方 2.5%") and "issue" not in rule.source


def test_yearbook_series_cite_their_source_in_chinese(db) -> None:  # type: ignore[no-untyped-def]
    from techtransfer.contracts.history import NATIONAL_SOURCE, PROVINCE_SOURCE
    from techtransfer.contracts.models import HistoricalTurnover

    sources = set(HistoricalTurnover.objects.values_list("source", flat=True))
    assert sources == {PROVINCE_SOURCE, NATIONAL_SOURCE}
    assert all(s.startswith("《中国科技统计年鉴》") for s in sources)


def test_caps_across_many_contracts_of_one_unit_in_one_year(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    rule = SubsidyRule.objects.get(province_code="36")
    # 1: a small contract first, to check rounding: 100,000.20 × 2.5% = 2,500.005 → 2,500.01 (half up)
    small = registered(
        seller, applicant_admin, county_reviewer, contract_amount=D("100000.20"), non_technical_costs=D(0)
    )
    # 2–9: eight large contracts of 8,000,000 each (project caps bite: 200,000 → 150,000; 120,000 → 100,000)
    big = [
        registered(seller, applicant_admin, county_reviewer, contract_amount=D("8000000.00"), non_technical_costs=D(0))
        for _ in range(8)
    ]
    # 10: a buyer outside Jiangxi: neither buyer nor seller share (the seller share needs a Jiangxi buyer)
    beijing = registered(
        seller, applicant_admin, county_reviewer, contract_amount=D("8000000.00"),
        parties={"buyer": buyer(name="北京买方", uscc=BUYER2_USCC, region_id="110108")},
    )  # fmt: skip
    # 11: with a Jiangxi service agency as intermediary: 1% of 5,000,000 = 50,000
    agency = registered(
        seller, applicant_admin, county_reviewer, contract_amount=D("5000000.00"), non_technical_costs=D(0),
        parties={"buyer": buyer(name="另一家江西买方", uscc=uscc.make("91360100MA0000004"), region_id="360102"),
                 "intermediary": {"name": "江西技术转移中心", "uscc": AGENCY_USCC, "region_id": "360103"}},
    )  # fmt: skip
    # Last year's contract does not count towards this year's caps.
    old = registered(
        seller, applicant_admin, county_reviewer, contract_amount=D("8000000.00"), non_technical_costs=D(0)
    )
    Contract.objects.filter(pk=old.pk).update(registered_at=timezone.now() - datetime.timedelta(days=400))

    shares, units = subsidies.compute(rule, year)
    by = {(s.contract_id, s.role): s for s in shares}
    assert by[(small.pk, "buyer")].project_amount == D("2500.01")
    assert by[(small.pk, "seller")].project_amount == D("1500.00")  # 1,500.003
    buyer_granted = [by[(c.pk, "buyer")].granted for c in big]
    assert buyer_granted == [D("150000.00")] * 6 + [D("97499.99"), D("0.00")]
    seller_granted = [by[(c.pk, "seller")].granted for c in big]
    assert seller_granted == [D("100000.00")] * 4 + [D("98500.00")] + [D("0.00")] * 3
    assert (beijing.pk, "buyer") not in by and (beijing.pk, "seller") not in by
    assert by[(agency.pk, "intermediary")].granted == D("50000.00")
    assert by[(agency.pk, "buyer")].granted == D("125000.00")  # another buyer: its own cap
    assert not any(s.contract_id == old.pk for s in shares)

    totals = {(u.role, u.identity): u for u in units}
    assert totals[("buyer", BUYER_USCC)].granted == D("1000000.00")
    assert totals[("buyer", BUYER_USCC)].project_total == D("1202500.01")
    assert totals[("buyer", BUYER_USCC)].contracts == 9
    # The seller sold to Jiangxi buyers 10 times this year (9 + the agency deal); capped at 500,000.
    assert totals[("seller", seller.uscc)].granted == D("500000.00")
    assert totals[("intermediary", AGENCY_USCC)].granted == D("50000.00")
    assert sum(s.granted for s in shares) == D("1675000.00")
    assert subsidies.contract_shares(big[6])[0].granted == D("97499.99")


def test_amended_and_cancelled_contracts_use_the_current_figures(seller, applicant_admin, county_reviewer) -> None:  # type: ignore[no-untyped-def]
    from techtransfer.contracts import services

    rule = SubsidyRule.objects.get(province_code="36")
    year = timezone.localdate().year
    c = registered(seller, applicant_admin, county_reviewer, contract_amount=D("1000000.00"), non_technical_costs=D(0))
    services.amend_contract(
        actor=county_reviewer, contract_id=c.pk, changes={"non_technical_costs": D("600000.00")}, reason="核减设备费"
    )
    shares, _ = subsidies.compute(rule, year)
    assert {s.role: s.granted for s in shares} == {"buyer": D("10000.00"), "seller": D("6000.00")}
    services.cancel_contract(actor=county_reviewer, contract_id=c.pk, reason="解除")
    assert subsidies.compute(rule, year) == ([], [])
