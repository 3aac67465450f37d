"""The contracts' panel of an achievement's page: every viewer reads the registered contracts' public
facts (number, type, registration date); the number links to the contract, and the deal to the deal,
only for a viewer who may open them, instead of a link that ends in a 404. A constant number of
queries decides the links, however many contracts the achievement has.

Personas: applicant_admin (the seller), ganzhou_reviewer (the buyer's region: reads the contract, not
the deal on a listing of 南昌县), a logged-in passer-by of no organisation, an anonymous visitor.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from techtransfer.achievements.choices import AchievementStatus
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.contracts.access import openable_contract_ids
from techtransfer.contracts.tests.factories import registered
from techtransfer.core.models import User
from techtransfer.market import services as market
from techtransfer.market.choices import ListingMode, ListingStatus
from techtransfer.market.tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def achievement(seller, applicant_admin):  # type: ignore[no-untyped-def]
    return AchievementFactory(
        organisation=seller, created_by=applicant_admin, status=AchievementStatus.PUBLISHED,
        registration_number="360202610077", published_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def contract(seller, applicant_admin, county_reviewer, outsider, other_org, achievement):  # type: ignore[no-untyped-def]
    """A registered contract carrying out a deal on the achievement's listing (buyer in 赣州)."""
    listing = ListingFactory(
        organisation=seller, created_by=applicant_admin, achievement=achievement, patent_numbers="",
        mode=ListingMode.EXCLUSIVE_LICENCE, status=ListingStatus.PUBLISHED, published_at=timezone.now(),
        listed_until=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    deal = market.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=other_org.pk, amount=Decimal("100.00"))
    market.agree_deal(actor=applicant_admin, deal_id=deal.pk)
    return registered(seller, applicant_admin, county_reviewer, deal_id=deal.pk)


def _client(user: User | None) -> Client:
    c = Client(headers={"accept-language": "en"})
    if user is not None:
        c.force_login(user)
    return c


def _row(c) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The panel's line of `c`, linked and as text."""
    start = f'<li id="achievement-contract-{c.pk}">'
    with translation.override("en"):
        facts = f" · {c.get_contract_type_display()} · {timezone.localtime(c.registered_at):%Y-%m-%d}</li>"
    linked = (
        f'{start}<a href="/market/deals/{c.deal_id}/">deal #{c.deal_id}</a> → '
        f'<a href="/contracts/{c.pk}/"><code>{c.registration_number}</code></a>{facts}'
    )
    text = f"{start}<span>deal #{c.deal_id}</span> → <code>{c.registration_number}</code>{facts}"
    return linked, text


def test_the_seller_follows_both_links(contract, achievement, applicant_admin):
    page = _client(applicant_admin).get(f"/achievements/{achievement.pk}/").content.decode()
    assert _row(contract)[0] in page
    assert _client(applicant_admin).get(f"/contracts/{contract.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["passer_by", "anonymous"])
def test_a_viewer_who_may_not_open_the_contract_reads_its_facts_as_text(contract, achievement, who):
    user = User.objects.create_user(username="passer_by", password="x") if who == "passer_by" else None
    client = _client(user)
    page = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert _row(contract)[1] in page
    assert f"/contracts/{contract.pk}/" not in page and f"/market/deals/{contract.deal_id}/" not in page
    if user is not None:  # what the link would have led to
        assert client.get(f"/contracts/{contract.pk}/").status_code == 404


def test_the_buyers_region_links_the_contract_but_not_the_deal(contract, achievement, ganzhou_reviewer):
    client = _client(ganzhou_reviewer)
    page = client.get(f"/achievements/{achievement.pk}/").content.decode()
    start = f'<li id="achievement-contract-{contract.pk}">'
    assert (
        f'{start}<span>deal #{contract.deal_id}</span> → <a href="/contracts/{contract.pk}/">'
        f"<code>{contract.registration_number}</code></a>"
    ) in page
    assert client.get(f"/contracts/{contract.pk}/").status_code == 200
    assert client.get(f"/market/deals/{contract.deal_id}/").status_code == 404


def test_openable_contract_ids_asks_once_for_any_number(contract, applicant_admin, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert openable_contract_ids(applicant_admin, []) == set()
    passer_by = User.objects.create_user(username="passer_by", password="x")
    assert openable_contract_ids(passer_by, [contract.pk, contract.pk + 1]) == set()
    assert openable_contract_ids(applicant_admin, [contract.pk, contract.pk + 1]) == {contract.pk}


def test_the_links_cost_the_same_queries_for_one_contract_or_three(
    contract, achievement, seller, applicant_admin, county_reviewer, ganzhou_reviewer, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client = _client(ganzhou_reviewer)
    url = f"/achievements/{achievement.pk}/"
    client.get(url)  # warm the caches that are not the panel's
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(2):
        registered(seller, applicant_admin, county_reviewer, achievement_id=achievement.pk)
    with django_assert_max_num_queries(len(one)) as three:
        page = client.get(url).content.decode()
    assert len(three) == len(one)
    assert len(re.findall(r'href="/contracts/\d+/"', page)) == 3
