import pytest

from techtransfer.core import uscc


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B", "91350100m000100y43"])
def test_valid_codes_pass(code):
    assert uscc.problem(code) is None
    assert uscc.is_valid(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100I43", "character"),  # I is not in the GB 32100 alphabet
        ("913501A0M000100Y43", "character"),  # the division code must be digits
        ("91350100M000100Y44", "check"),
        ("91350100M000100Y4A", "check"),
    ],
)
def test_invalid_codes_report_the_reason(code, reason):
    assert uscc.problem(code) == reason
    assert not uscc.is_valid(code)


def test_check_character_of_the_standard_example():
    assert uscc.check_character("91350100M000100Y4") == "3"


def test_make_completes_a_prefix_with_its_check_character():
    code = uscc.make("91360100000000001")
    assert len(code) == 18
    assert code[:17] == "91360100000000001"
    assert uscc.is_valid(code)
    with pytest.raises(ValueError):
        uscc.make("9136")


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("11", uscc.STATE_ORGAN),
        ("12", uscc.PUBLIC_INSTITUTION),
        ("13", None),  # 机构编制, another category
        ("51", uscc.SOCIAL_ORGANISATION),
        ("53", uscc.SOCIAL_ORGANISATION),
        ("91", uscc.ENTERPRISE),
        ("92", uscc.ENTERPRISE),
        ("Y1", None),  # another authority
    ],
)
def test_registrant_kind_reads_the_first_two_characters(prefix, kind):
    code = uscc.make(prefix + "360100MA3500000")
    assert uscc.registrant_kind(code) == kind
    assert uscc.registrant_kind(code.lower()) == kind


def test_no_code_has_no_registrant_kind():
    assert (uscc.registrant_kind(""), uscc.registrant_kind(None)) == (None, None)  # type: ignore[arg-type]
