import pytest

from techtransfer.core.patents import (
    application_parts,
    check_digit,
    has_wrong_check_digit,
    split_numbers,
    wrong_numbers,
)


def test_check_digits_of_application_numbers():
    # CNIPA's worked example; an 8-digit number of 1997; a remainder of 10 is written X
    # (2·2 + 3·5 + 1·6 + 1·8 + 2·5 = 43, 43 mod 11 = 10).
    assert (check_digit("201710601862"), check_digit("97101765"), check_digit("200310100002")) == ("3", "4", "X")


def test_numbers_of_a_field_and_the_wrong_ones():
    value = "zl201710601862.3，200310100002.X、97101765．4; CN105000000A US10123456B2 201710601862.4 专利"
    assert split_numbers(value) == [
        "ZL201710601862.3", "200310100002.X", "97101765.4", "CN105000000A", "US10123456B2", "201710601862.4", "专利",
    ]  # fmt: skip
    assert wrong_numbers(value) == ["201710601862.4", "专利"]
    assert wrong_numbers("") == []
    # A space after ZL, full-width digits and dot (a Chinese keyboard): one valid number each.
    assert split_numbers("ZL 201710601862.3、２０１７１０６０１８６２．３") == ["ZL201710601862.3", "201710601862.3"]
    assert wrong_numbers("ZL 201710601862.3、２０１７１０６０１８６２．３") == []


# Real application numbers (CNIPA records as shown on public patent sites), two of them of patents in
# ../shared/data/cn_patents (CN111504366B → 202010208203.5, CN117151122A → 202311419309.X): the
# weights 2…9, 2…5 and "10 is X" hold for 12- and 8-digit numbers and for a PCT national phase (8).
REAL_APPLICATIONS = [
    "202010208203.5", "202311419309.X", "201811283407.4", "202310918296.4", "202011502234.8",
    "202110880092.7", "202311013721.1", "202111186229.5", "201080063196.9", "97101765.4", "95115608.X",
]  # fmt: skip


def test_real_application_numbers_carry_the_computed_check_digit():
    assert [check_digit(n.split(".")[0]) for n in REAL_APPLICATIONS] == [n[-1] for n in REAL_APPLICATIONS]
    assert not any(has_wrong_check_digit(n) for n in REAL_APPLICATIONS)
    assert wrong_numbers("，".join(REAL_APPLICATIONS)) == []


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("202311419309.X", False),
        ("202311419309.x", False),  # any case
        ("ZL 2023 1 1419309.X", False),  # spaces between the groups, as on a certificate
        ("ＣＮ２０２３１１４１９３０９．Ｘ", False),  # full-width, a Chinese keyboard
        ("202311419309X", False),  # without the dot
        ("202311419309.1", True),
        ("2023114193091", True),
        ("97101765.5", True),
        ("971017655", True),  # an 8-digit number of 1997 without the dot
        # Not application numbers: not checked here (no check digit, or not a Chinese number).
        ("CN117151122A", False),
        ("CN105000000", False),  # a publication number without its kind code, not 1050000 + 0
        ("202311419309", False),
        ("2023SR0123456", False),
        ("US10123456B2", False),
        ("", False),
    ],
)
def test_a_single_number_is_read_as_typed(typed, wrong):
    assert has_wrong_check_digit(typed) is wrong


def test_application_parts():
    assert application_parts("ZL202311419309.X") == ("202311419309", "X")
    assert application_parts("971017654") == ("97101765", "4")
    assert application_parts("CN105000000") is None
    assert application_parts("CN105000000A") is None
    assert wrong_numbers("CN105000000、CN105000000A") == []
