"""A party's region code is read as typed on a Chinese keyboard, as its credit code is: ３６０１２１ was
refused as "Unknown administrative division code"."""

import pytest
from django.utils import translation

from techtransfer.contracts.choices import NatureCode
from techtransfer.contracts.forms import PartyForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["360121", "３６０１２１", " 360121 "])
def test_a_buyers_region_code_is_read_in_full_width_digits_too(typed):
    form = PartyForm(
        {
            "buyer-name": "买方公司",
            "buyer-region": typed,
            "buyer-country": "CHN",
            "buyer-nature": NatureCode.ENTERPRISE,
        },
        prefix="buyer",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].code == "360121"


def test_a_code_no_region_has_is_still_refused():
    with translation.override("en"):
        form = PartyForm(
            {
                "buyer-name": "买方公司",
                "buyer-region": "９９９９９９",
                "buyer-country": "CHN",
                "buyer-nature": NatureCode.ENTERPRISE,
            },
            prefix="buyer",
        )
        assert form.errors == {"region": ["Unknown administrative division code."]}
