"""Proposing a deal from a listing's page."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_amount_far_from_the_asking_price_is_proposed_only_once_confirmed(client, listing, buyer, outsider):
    """2,500,000 typed as yuan for a 100–150 (10,000 yuan) listing: said (with thousands separators), and kept, until confirmed."""
    from techtransfer.market.models import Deal

    client.force_login(outsider)
    url = f"/market/listings/{listing.pk}/deals/new/"
    form = {"organisation": buyer.pk, "amount": "2500000", "note": "首次报价"}
    first = client.post(url, form)
    page = first.content.decode()
    assert first.status_code == 200 and not Deal.objects.exists()
    assert (
        "2,500,000 万元与挂牌价 100.00–150.00 万元相差很大：请核对单位。如确认无误，请勾选“金额无误”后再提交。" in page
    )
    assert 'type="checkbox" name="confirm_amount"' in page and 'value="首次报价"' not in page  # a textarea
    assert "首次报价</textarea>" in page
    assert client.post(url, {**form, "confirm_amount": "on"}).status_code == 302
    assert Deal.objects.get().amount == 2500000
    # Within ten times the asking price nothing is asked.
    assert client.post(url, {**form, "amount": "120"}).status_code == 302


def test_a_deal_form_sent_twice_makes_one_deal(client, listing, buyer, outsider, seller, applicant_member):
    """A double-click, or Back and send again, proposed the same deal twice (ADR 0026)."""
    from techtransfer.market.models import Deal
    from techtransfer.market.tests.factories import ListingFactory

    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    url = f"/market/listings/{listing.pk}/deals/new/"
    form = {"organisation": buyer.pk, "amount": "120", "note": "首次报价"}
    first = client.post(url, form)
    deal = Deal.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/market/deals/{deal.pk}/"
    again = client.post(url, form, follow=True)
    assert again.redirect_chain == [(f"/market/deals/{deal.pk}/", 302)]
    assert "This form was already submitted; here is the record it created." in again.content.decode()
    assert list(Deal.objects.values_list("pk", flat=True)) == [deal.pk]
    # Another content, or the same offer on another listing, is another deal.
    changed = client.post(url, {**form, "amount": "125"})
    other = ListingFactory(organisation=seller, created_by=applicant_member, status=listing.status)
    elsewhere = client.post(f"/market/listings/{other.pk}/deals/new/", form)
    assert (changed.status_code, elsewhere.status_code) == (302, 302)
    assert sorted(Deal.objects.values_list("listing_id", "amount")) == sorted(
        [(listing.pk, 120), (listing.pk, 125), (other.pk, 120)]
    )


def test_a_refused_deal_frees_the_form_for_the_corrected_one(client, listing, buyer, outsider):
    """The service refused (the listing was sold meanwhile): the same form sent again is judged again."""
    from techtransfer.market.choices import DealStatus, ListingMode
    from techtransfer.market.models import Deal

    listing.mode = ListingMode.SOLE_LICENCE
    listing.save(update_fields=["mode"])
    sold = Deal.objects.create(listing=listing, buyer=buyer, amount=100, status=DealStatus.AGREED, created_by=outsider)
    client.force_login(outsider)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions below read English texts
    url = f"/market/listings/{listing.pk}/deals/new/"
    form = {"organisation": buyer.pk, "amount": "120"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and "it cannot be sold again." in refused.content.decode()
    sold.status = DealStatus.CANCELLED
    sold.save(update_fields=["status"])
    assert client.post(url, form).status_code == 302
    assert Deal.objects.filter(status=DealStatus.NEGOTIATING).count() == 1
