"""One reading of a typed registration number (`achievements.registration_numbers`), shared by the
catalogue editor, the funded-project report form, the contract form and `registered_achievement_id`."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from techtransfer.achievements import registration_numbers
from techtransfer.achievements.selectors import registered_achievement_id
from techtransfer.achievements.tests.factories_catalogue import PublishedAchievementFactory

TYPED = ["360202610001", "３６０２０２６１０００１", " 3602 0261 0001 ", "３６０２\u30000261\u30000001"]


@pytest.mark.parametrize("typed", TYPED)
def test_full_width_digits_and_spaces_read_as_the_number(typed):
    assert registration_numbers.read(typed) == "360202610001"


@pytest.mark.parametrize(
    ("typed", "code", "zh", "en"),
    [
        ("36020261000", "number_length", "登记号为 12 位数字，当前填写了 11 个字符。",
         "A registration number has 12 digits; this one has 11 characters."),
        ("3602 0261 0001 7", "number_length", "登记号为 12 位数字，当前填写了 13 个字符。",
         "A registration number has 12 digits; this one has 13 characters."),
        ("36020261000A", "number_characters", None,
         "A registration number has digits only (0–9), no letters or signs."),
        ("３６０２０２６１０００－", "number_characters", None,
         "A registration number has digits only (0–9), no letters or signs."),
        ("٣٦٠٢٠٢٦١٠٠٠١", "number_characters", None,
         "A registration number has digits only (0–9), no letters or signs."),
    ],
)  # fmt: skip
def test_a_wrong_number_is_refused_saying_why(typed, code, zh, en):
    with pytest.raises(ValidationError) as exc:
        registration_numbers.read(typed)
    assert exc.value.code == code
    with translation.override("en"):
        assert exc.value.messages == [en]
    if zh is not None:
        with translation.override("zh-hans"):
            assert exc.value.messages == [zh]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", TYPED)
def test_registered_achievement_id_reads_numbers_as_typed(typed):
    """Used by the contract form: it read only ASCII digits (３６０２… was no achievement)."""
    record = PublishedAchievementFactory(registration_number="360202610001")
    assert registered_achievement_id(typed) == record.pk
    assert registered_achievement_id(typed, organisation_id=record.organisation_id) == record.pk
    assert registered_achievement_id(typed, organisation_id=record.organisation_id + 1000) is None


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "   ", "36020261000", "36020261000A", "٣٦٠٢٠٢٦١٠٠٠١"])
def test_registered_achievement_id_asks_nothing_for_what_is_no_number(typed, django_assert_num_queries):
    PublishedAchievementFactory(registration_number="360202610001")
    with django_assert_num_queries(0):
        assert registered_achievement_id(typed) is None


def test_typed_number_keeps_what_it_does_not_know():
    """`core.ids.typed_number`, shared with the inquiry's contract number: only width and spaces change."""
    from techtransfer.core.ids import typed_number

    assert typed_number(" ３６０１\u3000００ ") == "360100"
    assert typed_number("36-01 ab") == "36-01ab"
    assert typed_number(None) == ""
