"""The brokers page counts the market deals each broker brokers (negotiating, agreed, cancelled) and
weighs their ratings with the inquiries' (ADR 0030 addendum), per broker and per agency, in a fixed
number of queries whatever the number of brokers, deals and ratings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.models import Organisation, User
from techtransfer.core.tests.factories import OrganisationFactory, member, verify
from techtransfer.market import services
from techtransfer.market.selectors import broker_deal_numbers
from techtransfer.market.tests.factories import ListingFactory
from techtransfer.matchmaking.brokerage import BrokeredDeals
from techtransfer.matchmaking.models import BrokerRating, Inquiry

pytestmark = pytest.mark.django_db

# The page's queries: the session and its user; the brokers with their inquiry counts, the inquiry
# ratings and the brokers' agencies (`broker_numbers`); the deals by broker and their ratings (the
# market's counter); whether the reader is a broker (the link to their deals); the unread count.
BROKERS_PAGE_QUERIES = 9


def _agency(name: str) -> Organisation:
    return verify(OrganisationFactory(type=OrganisationType.SERVICE_AGENCY, region_id="360103", name=name))


def _broker(username: str, agency: Organisation, display_name: str) -> User:
    user = member(username, agency, Role.BROKER)
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    return user


def _deals(listing, buyer, outsider, seller_person, broker: User, *, agreed: int, negotiating: int, cancelled: int):  # type: ignore[no-untyped-def]
    made = []
    for n in range(agreed + negotiating + cancelled):
        deal = services.open_deal(actor=outsider, listing_id=listing.pk, buyer_id=buyer.pk, amount=Decimal(100 + n))
        services.set_deal_broker(actor=outsider, deal_id=deal.pk, username=broker.username)
        if n < agreed:
            services.agree_deal(actor=seller_person, deal_id=deal.pk)
        elif n >= agreed + negotiating:
            services.cancel_deal(actor=outsider, deal_id=deal.pk, reason="取消")
        made.append(deal)
    return made


def _rows(page: str, table: str) -> list[str]:
    body = page.split(f'id="{table}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.strip() for row in body.split("</tr>") if row.strip()]


def test_deals_and_their_ratings_count_per_broker_and_per_agency(
    listing, buyer, outsider, applicant_admin, applicant_member
):  # type: ignore[no-untyped-def]
    centre = _agency("转移中心")
    li = _broker("broker_li", centre, "李经纪")
    wang = _broker("broker_wang", centre, "王经纪")
    zhao = _broker("broker_zhao", _agency("另一中心"), "赵经纪")
    li_deals = _deals(listing, buyer, outsider, applicant_member, li, agreed=2, negotiating=1, cancelled=1)
    _deals(listing, buyer, outsider, applicant_member, wang, agreed=1, negotiating=0, cancelled=0)
    # Li: the seller rates the first deal 5, the buyer 4 and 2; one inquiry rating of 3 (another kind).
    services.rate_deal_broker(actor=applicant_admin, deal_id=li_deals[0].pk, score=5)
    services.rate_deal_broker(actor=outsider, deal_id=li_deals[0].pk, score=4)
    services.rate_deal_broker(actor=outsider, deal_id=li_deals[1].pk, score=2)
    inquiry = Inquiry.objects.create(
        subject="退磁", initiator=buyer, recipient=listing.organisation, created_by=outsider, broker=li, status="closed"
    )
    BrokerRating.objects.create(inquiry=inquiry, broker=li, organisation=buyer, rated_by=outsider, score=3)

    assert broker_deal_numbers() == {
        li.pk: BrokeredDeals(negotiating=1, agreed=2, cancelled=1, rating_sum=11, ratings=3),
        wang.pk: BrokeredDeals(agreed=1),
    }
    c = Client(headers={"accept-language": "en"})
    c.force_login(applicant_admin)
    page = c.get(reverse("matchmaking:brokers")).content.decode()
    # Columns: broker, agency, open inquiries, contracts signed, closed without contract, success rate,
    # market deals negotiating, agreed, cancelled, rating.
    assert _rows(page, "brokers") == [
        "<tr><td>李经纪</td><td>转移中心</td><td>0</td><td>0</td><td>1</td><td>0%</td>"
        "<td>1</td><td>2</td><td>1</td><td>3.5 of 5 (4 ratings)</td>",
        "<tr><td>王经纪</td><td>转移中心</td><td>0</td><td>0</td><td>0</td><td>—</td>"
        "<td>0</td><td>1</td><td>0</td><td>—</td>",
        "<tr><td>赵经纪</td><td>另一中心</td><td>0</td><td>0</td><td>0</td><td>—</td>"
        "<td>0</td><td>0</td><td>0</td><td>—</td>",
    ]
    assert _rows(page, "agencies") == [
        "<tr><td>另一中心</td><td>1</td><td>0</td><td>0</td><td>0</td><td>—</td>"
        "<td>0</td><td>0</td><td>0</td><td>—</td>",
        "<tr><td>转移中心</td><td>2</td><td>0</td><td>0</td><td>1</td><td>0%</td>"
        "<td>1</td><td>3</td><td>1</td><td>3.5 of 5 (4 ratings)</td>",
    ]
    assert 'id="brokered-deals-link"' not in page  # the reader is no broker
    mine = Client()
    mine.force_login(zhao)
    assert 'id="brokered-deals-link"' in mine.get(reverse("matchmaking:brokers")).content.decode()


def test_the_brokers_page_asks_the_same_queries_for_many_brokers_and_deals(
    listing, buyer, outsider, seller, applicant_admin, applicant_member
):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(applicant_admin)
    url = reverse("matchmaking:brokers")
    first = _broker("broker_0", _agency("中心0"), "经纪0")
    _deals(listing, buyer, outsider, applicant_member, first, agreed=1, negotiating=0, cancelled=0)
    c.get(url)  # caches warmed (suggestions, the session) as on any later request
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for n in range(1, 6):
        broker = _broker(f"broker_{n}", _agency(f"中心{n}"), f"经纪{n}")
        other = ListingFactory(organisation=seller, created_by=applicant_member, status=listing.status)
        deals = _deals(other, buyer, outsider, applicant_member, broker, agreed=2, negotiating=1, cancelled=1)
        services.rate_deal_broker(actor=applicant_admin, deal_id=deals[0].pk, score=4)
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(one) == len(many) == BROKERS_PAGE_QUERIES, [q["sql"][:90] for q in many.captured_queries]
