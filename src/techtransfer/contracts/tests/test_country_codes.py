"""A party's country is an ISO 3166-1 alpha-3 code that names a country."""

import pytest

from techtransfer.contracts import services
from techtransfer.contracts.errors import ContractErrors
from techtransfer.core.errors import DomainError


@pytest.mark.parametrize(
    ("code", "ok"), [("CHN", True), ("DEU", True), ("ZZZ", False), ("chn", False), ("ＣＨＮ", False)]
)
def test_country_codes_name_a_country(code, ok):
    assert services.is_country_code(code) is ok


def test_a_party_of_no_country_is_refused_under_its_field():
    with pytest.raises(DomainError) as refused:
        services._check_party("buyer", {"name": "买方", "country": "ZZZ"})
    assert (refused.value.error, refused.value.details) == (
        ContractErrors.COUNTRY_UNKNOWN,
        {"party": "buyer", "field": "buyer_country"},
    )
