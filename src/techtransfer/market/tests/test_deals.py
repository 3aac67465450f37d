"""Proposing a deal from a listing's page."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_amount_far_from_the_asking_price_is_proposed_only_once_confirmed(client, listing, buyer, outsider):
    """2,500,000 typed as yuan for a 100–150 (10,000 yuan) listing: said, and kept, until confirmed."""
    from techtransfer.market.models import Deal

    client.force_login(outsider)
    url = f"/market/listings/{listing.pk}/deals/new/"
    form = {"organisation": buyer.pk, "amount": "2500000", "note": "首次报价"}
    first = client.post(url, form)
    page = first.content.decode()
    assert first.status_code == 200 and not Deal.objects.exists()
    assert (
        "2500000 (万元) 与挂牌价 100.00–150.00 (万元) 相差很大：请核对单位。如确认无误，请勾选“金额无误”后再提交。"
        in page
    )
    assert 'type="checkbox" name="confirm_amount"' in page and 'value="首次报价"' not in page  # a textarea
    assert "首次报价</textarea>" in page
    assert client.post(url, {**form, "confirm_amount": "on"}).status_code == 302
    assert Deal.objects.get().amount == 2500000
    # Within ten times the asking price nothing is asked.
    assert client.post(url, {**form, "amount": "120"}).status_code == 302
