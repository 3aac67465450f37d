"""Valuation aid: exact Decimal arithmetic of the three approaches, comparables from platform deals,
the PDF sheet and the page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from techtransfer.market import selectors
from techtransfer.market.choices import DealStatus, ListingMode
from techtransfer.market.models import Deal
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.market.valuation import (
    ValuationInput,
    cost_approach,
    income_approach,
    market_approach,
    valuate,
)
from techtransfer.market.valuation_pdf import valuation_pdf

D = Decimal


def test_income_approach_discounted():
    result = income_approach(
        revenues=[D("1000"), D("1200"), D("1500")],
        royalty_rate=D("0.05"),
        technology_share=D("0.30"),
        discount_rate=D("0.10"),
    )
    assert [y.royalty for y in result.years] == [D("15.00"), D("18.00"), D("22.50")]
    assert [y.present_value for y in result.years] == [D("13.64"), D("14.88"), D("16.90")]
    assert [y.discount_factor for y in result.years] == [D("0.909091"), D("0.826446"), D("0.751315")]
    # 15/1.1 + 18/1.21 + 22.5/1.331 = 45.41697971…, rounded once at the end
    assert result.value == D("45.42")


def test_income_approach_rounds_the_exact_sum_not_the_rounded_years():
    result = income_approach(
        revenues=[D("0.1"), D("0.1"), D("0.1")], royalty_rate=D("1"), technology_share=D("0.05"), discount_rate=D("0")
    )
    # each year 0.005 → 0.01 when rounded alone; the exact sum 0.015 rounds to 0.02
    assert [y.present_value for y in result.years] == [D("0.01")] * 3
    assert result.value == D("0.02")


def test_income_approach_without_discount_is_exact():
    result = income_approach(
        revenues=[D("100"), D("200")], royalty_rate=D("0.05"), technology_share=D("0.5"), discount_rate=D("0")
    )
    assert result.value == D("7.50")


@pytest.mark.parametrize(
    ("cost", "obsolescence", "expected"),
    [(D("500"), D("0.35"), D("325.00")), (D("333.33"), D("0.125"), D("291.66")), (D("80"), D("0"), D("80.00"))],
)
def test_cost_approach(cost, obsolescence, expected):
    assert cost_approach(replacement_cost=cost, obsolescence=obsolescence) == expected


def test_market_approach_median():
    assert market_approach([D("150"), D("100"), D("120")]).median == D("120.00")
    assert market_approach([D("150"), D("100")]).median == D("125.00")
    assert market_approach([]).median is None


@pytest.mark.django_db
def test_comparables_are_agreed_deals_of_the_same_industry_and_mode(seller, buyer, applicant_member):
    def deal(amount: str, mode: str, industry: str = "new_materials", status: str = DealStatus.AGREED) -> Deal:
        listing = ListingFactory(organisation=seller, created_by=applicant_member, mode=mode, industry=industry)
        return Deal.objects.create(listing=listing, buyer=buyer, amount=D(amount), status=status)

    deal("100", ListingMode.ASSIGNMENT)
    deal("180", ListingMode.ASSIGNMENT)
    deal("130", ListingMode.ASSIGNMENT)
    deal("999", ListingMode.EQUITY)  # other mode
    deal("888", ListingMode.ASSIGNMENT, industry="aviation")  # other industry
    deal("777", ListingMode.ASSIGNMENT, status=DealStatus.CANCELLED)
    deal("666", ListingMode.ASSIGNMENT, status=DealStatus.NEGOTIATING)
    amounts = selectors.comparable_deal_amounts(industry="new_materials", mode=ListingMode.ASSIGNMENT)
    assert amounts == [D("100.00"), D("130.00"), D("180.00")]
    assert market_approach(amounts).median == D("130.00")


def sheet_input() -> ValuationInput:
    return ValuationInput(
        subject="一种稀土永磁材料的制备方法",
        revenues=[D("1000"), D("1200"), D("1500")],
        royalty_rate=D("0.05"),
        technology_share=D("0.3"),
        discount_rate=D("0.1"),
        replacement_cost=D("500"),
        obsolescence=D("0.35"),
        industry="new_materials",
        mode="assignment",
    )


def test_pdf_sheet_embeds_the_cjk_font():
    sheet = valuate(sheet_input(), [D("100"), D("150")])
    assert (sheet.income.value, sheet.cost, sheet.market.median) == (D("45.42"), D("325.00"), D("125.00"))
    data = valuation_pdf(sheet)
    assert data.startswith(b"%PDF-")
    assert b"+WenQuanYiMicroHei" in data  # the embedded subset's BaseFont
    assert b"/FontFile2" in data


@pytest.mark.django_db
def test_valuation_page_computes_and_downloads(client, listing):
    form = {
        "subject": "稀土永磁", "revenues": "1000, 1200\n1500", "royalty_rate": "5", "technology_share": "30",
        "discount_rate": "10", "replacement_cost": "500", "obsolescence": "35", "industry": "new_materials",
        "mode": "assignment",
    }  # fmt: skip
    url = reverse("market:valuation") + f"?listing={listing.pk}"
    body = client.post(url, form).content.decode()
    assert "45.42" in body and "325.00" in body and "评估辅助，非资产评估报告" in body
    response = client.post(url, {**form, "pdf": "1"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_valuation_form_keeps_input_and_explains_bad_revenues(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    form = {"subject": "x", "revenues": "100 abc", "royalty_rate": "5", "technology_share": "30",
            "discount_rate": "10", "obsolescence": "0"}  # fmt: skip
    body = client.post(reverse("market:valuation"), form).content.decode()
    assert "100 abc" in body and "is not a number" in body
