"""The challenge form reads what a Chinese keyboard types: ｜ in the criteria, full-width weights,
、 between region codes and a city's or the province's code prefix; a past deadline is refused with
the other fields' errors."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from techtransfer.needs.challenge_forms import ChallengeForm

pytestmark = pytest.mark.django_db


def _errors(form: ChallengeForm, language: str = "en") -> dict[str, list[str]]:
    with translation.override(language):
        return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _form(**changed: object) -> ChallengeForm:
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "bounty": "500000", "split": "60,40", "deadline": deadline, "eligible_types": ["individual", "organisation"],
        "eligible_regions": "", "criteria": "可行性 | 60\n成本 | 40", "agreement": "协议",
        **changed,
    }  # fmt: skip
    return ChallengeForm(data)


@pytest.mark.parametrize(
    "criteria",
    ["可行性 | 60\n成本 | 40", "可行性｜60\n成本｜40", "可行性 ｜ ６０\n成本 | ４０", "可行性|60\r\n\r\n成本|40\n"],
)
def test_criteria_typed_with_a_chinese_bar_or_full_width_digits_are_read(criteria):
    form = _form(criteria=criteria)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["criteria"] == [("可行性", 60), ("成本", 40)]


@pytest.mark.parametrize("criteria", ["可行性 | 一百", "可行性 60\n成本 | 40", " | 100", "可行性 | 6O\n成本 | 40"])
def test_a_criterion_without_a_name_and_an_ascii_number_is_refused(criteria):
    assert _errors(_form(criteria=criteria)) == {
        "criteria": ["Write each criterion as “name | weight”, e.g. “Feasibility | 40”."]
    }


@pytest.mark.parametrize(
    ("criteria", "said"), [("可行性 | 50.5\n成本 | 49.5", "50.5"), ("可行性 | 60\n成本 | ４０．０", "40.0")]
)
def test_a_weight_with_decimals_is_refused_as_not_whole(criteria, said):
    line = 1 if said == "50.5" else 2
    assert _errors(_form(criteria=criteria)) == {
        "criteria": [f"Criteria weights are whole numbers; line {line} has “{said}”."]
    }


def test_a_superscript_weight_is_read_as_its_digit():
    """² passes str.isdigit() but not int(): read as NFKC it is 2, not a server error."""
    form = _form(criteria="可行性 | ²\n成本 | 98")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["criteria"] == [("可行性", 2), ("成本", 98)]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("360000", ["360000"]),
        ("36", ["360000"]),
        ("3607、3601", ["360700", "360100"]),
        ("３６０１０２，360102, 360103", ["360102", "360103"]),
    ],
)
def test_region_codes_are_read_as_everywhere_else(typed, stored):
    form = _form(eligible_regions=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["eligible_regions"] == stored


def test_unknown_region_codes_are_named():
    assert _errors(_form(eligible_regions="360102, 999999, 99")) == {
        "eligible_regions": ["Unknown region codes: 999999, 99"]
    }


def test_a_past_deadline_is_refused_with_the_other_errors():
    past = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert _errors(_form(deadline=past, split="60,30")) == {
        "deadline": ["The submission deadline must be in the future."],
        "split": ["The shares of the bounty must be positive and add up to exactly 100%."],
    }


def test_the_deadline_is_offered_as_iso_in_chinese():
    at = timezone.make_aware(datetime.datetime(2027, 1, 15, 18, 0))
    with translation.override("zh-hans"):
        html = str(ChallengeForm(initial={"deadline": at})["deadline"])
    assert 'type="datetime-local" name="deadline" value="2027-01-15T18:00"' in html


def test_a_criterion_name_over_200_characters_is_refused_not_cut():
    """The form kept the first 200 characters of a longer name without a word."""
    form = _form(criteria=f"可行性 | 60\n\n{'成' * 201} | 40")
    assert _errors(form) == {"criteria": ["A criterion's name has at most 200 characters; the one on line 3 has 201."]}
    assert _form(criteria=f"可行性 | 60\n{'成' * 200} | 40").is_valid()


def test_a_deadline_at_any_utc_offset_is_its_instant_and_one_before_year_1_is_refused():
    """Typed by hand (the box is a date-time picker): -20:58 is past PostgreSQL's ±15:59 and is kept
    as its instant in UTC; an instant before year 1 in UTC was a server error (`core.instants`)."""
    form = _form(deadline="2031-03-01T10:00-20:58")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == datetime.datetime(2031, 3, 2, 6, 58, tzinfo=datetime.UTC)
    assert form.cleaned_data["deadline"].utcoffset() == datetime.timedelta(0)
    assert _errors(_form(deadline="0001-01-01T00:00+05:00")) == {
        "deadline": [
            "“0001-01-01T00:00+05:00” is not a date and time; write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
            "e.g. 2026-03-01T09:30."
        ]
    }
