from techtransfer.core.patents import check_digit, split_numbers, wrong_numbers


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
