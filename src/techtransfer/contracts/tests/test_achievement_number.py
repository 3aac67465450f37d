"""The contract form reads the transferred achievement's registration number as the achievements app
reads it (`achievements.registration_numbers`): full-width digits and spaces between groups."""

import pytest
from django.utils import translation

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts.forms import ContractForm
from techtransfer.contracts.tests.factories import contract_data

pytestmark = pytest.mark.django_db


def form(number: str) -> ContractForm:
    data = {k: str(v) for k, v in contract_data().items()}
    data.update(ip_type="patent", plan_category="none", achievement_number=number)
    return ContractForm(data)


@pytest.fixture
def achievement(seller):  # type: ignore[no-untyped-def]
    return AchievementFactory(
        organisation=seller, status=AchievementStatus.PUBLISHED, registration_number="360202610077"
    )


@pytest.mark.parametrize(
    "typed", ["360202610077", "３６０２０２６１００７７", "3602 0261 0077", "３６０２\u30000261\u30000077"]
)
def test_the_number_is_read_as_typed(achievement, typed) -> None:  # type: ignore[no-untyped-def]
    """QA: ３６０２０２６１００７７ answered "no registered achievement has this number"."""
    f = form(typed)
    assert f.is_valid(), f.errors
    assert f.cleaned_data["achievement_number"] == achievement.pk


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("36020261007", "登记号为 12 位数字，当前填写了 11 个字符。"),
        ("３６０２ ０２６１ ００７７ ７", "登记号为 12 位数字，当前填写了 13 个字符。"),
        ("360202610099", "没有使用该登记号的已登记成果。"),
    ],
)
def test_a_wrong_number_is_told_why(achievement, typed, expected) -> None:  # type: ignore[no-untyped-def]
    f = form(typed)
    with translation.override("zh-hans"):
        assert not f.is_valid()
        assert f.errors["achievement_number"] == [expected]


def test_no_number_links_no_achievement(achievement) -> None:  # type: ignore[no-untyped-def]
    f = form("  ")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["achievement_number"] is None
