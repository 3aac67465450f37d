"""The achievement form's checks: research months in a plausible range, a stage that fits the TRL, one
error for a price refused as a number."""

import datetime

import pytest
from django.utils import timezone, translation

from techtransfer.achievements.forms import AchievementForm
from techtransfer.achievements.tests.factories import valid_form_data

NEXT_YEAR = timezone.localdate().year + 1


def _errors(**overrides: object) -> dict[str, list[str]]:
    with translation.override("en"):
        form = AchievementForm(data=valid_form_data(**overrides))
        form.is_valid()
        return {k: [str(m) for m in v] for k, v in form.errors.items()}


def test_valid_data_has_no_errors():
    assert _errors() == {}


@pytest.mark.parametrize("field", ["research_start", "research_end"])
@pytest.mark.parametrize("month", ["0001-01", "1948-12", f"{NEXT_YEAR + 1}-01", "9999-12"])
def test_research_months_outside_1949_to_next_year_are_refused(field, month):
    overrides = {"research_start": "", "research_end": "", field: month}
    assert _errors(**overrides) == {field: [f"Give a year from 1949 to {NEXT_YEAR}."]}


@pytest.mark.parametrize("month", ["1949-01", f"{NEXT_YEAR}-12"])
def test_research_months_at_the_edges_are_accepted(month):
    assert _errors(research_start=month, research_end="") == {}
    assert _errors(research_start="", research_end=month) == {}


@pytest.mark.parametrize(
    ("stage", "trl", "label"),
    [
        ("early", "9", "Early stage"),
        ("early", "6", "Early stage"),
        ("mature", "1", "Mature"),
        ("middle", "9", "Middle stage"),
    ],
)
def test_a_stage_clearly_off_the_trl_is_refused(stage, trl, label):
    assert _errors(stage=stage, trl=trl) == {
        "stage": [f"The stage “{label}” does not fit TRL {trl}: choose another stage, or leave it empty."]
    }


@pytest.mark.parametrize(
    ("stage", "trl"), [("early", "4"), ("early", "5"), ("middle", "4"), ("middle", "7"), ("mature", "6"), ("", "9")]
)
def test_a_stage_at_the_edge_of_its_trls_or_left_empty_is_accepted(stage, trl):
    assert _errors(stage=stage, trl=trl) == {}


@pytest.mark.parametrize(("typed", "stored"), [("Ｃ３８４１", "C3841"), ("c3841", "C3841"), (" C38 ", "C38")])
def test_a_sector_code_typed_full_width_or_in_lower_case_is_read(typed, stored):
    form = AchievementForm(data=valid_form_data(sector_code=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sector_code"] == stored


@pytest.mark.parametrize(("typed", "year", "month"), [("２０２１－０３", 2021, 3), ("２０２１年３月", 2021, 3)])
def test_a_research_month_typed_full_width_is_read(typed, year, month):
    form = AchievementForm(data=valid_form_data(research_start=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["research_start"] == datetime.date(year, month, 1)


@pytest.mark.parametrize(("trl", "message"), [("12", "Give 9 or less, not “12”."), ("0", "Give 1 or more, not “0”.")])
@pytest.mark.parametrize("stage", ["", "middle", "early"])
def test_a_trl_out_of_range_is_refused_once_whatever_the_stage(trl, message, stage):
    """A stage was also refused "does not fit TRL 12" for the same mistake (seen in an import report)."""
    assert _errors(trl=trl, stage=stage) == {"trl": [message]}


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("1e20", "“1e20” has more than 12 digits."),
        ("1.234567", "“1.234567” has more than 2 decimal places."),
    ],
)
def test_a_price_refused_as_a_number_shows_only_that_error(price, message):
    assert _errors(price=price, price_negotiable="") == {"price": [message]}


def test_a_missing_price_not_negotiable_is_still_asked_for():
    assert _errors(price="", price_negotiable="") == {"price": ["Give a price or mark it negotiable."]}
