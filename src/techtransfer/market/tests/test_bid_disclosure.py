"""Who learns who bid in an auction. A QA pass found every bidder's name on the auction page, shown to
anyone. An open ascending auction makes amounts and times public, not identities: bidders are named to
the organisers, platform admins and government users of the listing's region, and each bidder to
itself for its own bids; everyone else reads "Bidder n", numbered by the order of first bids. The same
on the page, in the API's bid history and for the winner once closed."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market import services
from techtransfer.market.services import AuctionInput

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
END = T0 + datetime.timedelta(hours=2)
RIVAL = "赣江测试公司"  # bids first: Bidder 1, loses
BUYER = "东湖测试大学"  # the outsider's university: Bidder 2, wins
OWN = " (your organisation)"


def at(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


@pytest.fixture
def world(listing, applicant_member, buyer, outsider):  # type: ignore[no-untyped-def]
    """The rival bids 100 and 110, the buyer (the outsider) 105 and 115; 抚河 paid its deposit and never
    bids. The rival's organisation is created after the buyer's, so numbers follow first bids, not ids."""
    rival_org = OrganisationFactory(name=RIVAL, region_id="360102")
    rival = UserFactory(username="rival")
    MembershipFactory(user=rival, organisation=rival_org)
    idle_org = OrganisationFactory(name="抚河测试公司", region_id="360102")
    idle = UserFactory(username="idle")
    MembershipFactory(user=idle, organisation=idle_org)
    session = services.create_auction(
        actor=applicant_member, listing_id=listing.pk, data=AuctionInput(Decimal("100.00"), Decimal("5.00"), T0, END)
    )
    for org in (buyer, rival_org, idle_org):
        services.record_deposit(actor=applicant_member, session_id=session.pk, organisation_id=org.pk, status="paid")
    for minute, (user, org, amount) in enumerate(
        [(rival, rival_org, "100"), (outsider, buyer, "105"), (rival, rival_org, "110"), (outsider, buyer, "115")],
        start=1,
    ):
        services.place_bid(
            actor=user, session_id=session.pk, organisation_id=org.pk, amount=Decimal(amount), now=at(minute)
        )
    return {"session": session, "rival": rival, "rival_org": rival_org, "idle": idle}


def close(world) -> None:  # type: ignore[no-untyped-def]
    services.close_auction(session_id=world["session"].pk, now=END)
    world["session"].refresh_from_db()


def persona(name: str, world, request):  # type: ignore[no-untyped-def]
    """The user behind a persona's name (None: anonymous)."""
    return {
        "anonymous": None,
        "non_bidder": world["idle"],
        "losing_bidder": world["rival"],
        "winning_bidder": request.getfixturevalue("outsider"),
        "seller": request.getfixturevalue("applicant_member"),
        "region_reviewer": request.getfixturevalue("county_reviewer"),
        "other_region_reviewer": request.getfixturevalue("ganzhou_reviewer"),
        "platform_admin": request.getfixturevalue("platform_admin"),
    }[name]


# What each persona reads in the bid history, newest first, and as the winner: the bidder of bids 4
# and 2 (the buyer's), then of bids 3 and 1 (the rival's).
HIDDEN = ("Bidder 2", "Bidder 1")
NAMED = (BUYER, RIVAL)
SEES = {
    "anonymous": HIDDEN,
    "non_bidder": HIDDEN,
    "losing_bidder": ("Bidder 2", RIVAL + OWN),
    "winning_bidder": (BUYER + OWN, "Bidder 1"),
    "seller": NAMED,
    "region_reviewer": NAMED,
    "other_region_reviewer": HIDDEN,
    "platform_admin": NAMED,
}
# Whose organisation ids the API gives each persona: the buyer's, the rival's.
IDS = {
    "anonymous": (False, False),
    "non_bidder": (False, False),
    "losing_bidder": (False, True),
    "winning_bidder": (True, False),
    "seller": (True, True),
    "region_reviewer": (True, True),
    "other_region_reviewer": (False, False),
    "platform_admin": (True, True),
}
# Who is shown the link to the winner's deal (those who may open it).
SEES_DEAL = {"winning_bidder", "seller", "region_reviewer", "platform_admin"}


def hms(n: int) -> str:
    return timezone.localtime(at(n)).strftime("%Y-%m-%d %H:%M:%S")


def expected_rows(name: str) -> str:
    buyer, rival = SEES[name]
    rows = [(4, buyer, "115.00"), (3, rival, "110.00"), (2, buyer, "105.00"), (1, rival, "100.00")]
    return "".join(f"<tr><td>{n}</td><td>{who}</td><td>{amount}</td><td>{hms(n)}</td></tr>" for n, who, amount in rows)


def page_of(client, user, world) -> str:  # type: ignore[no-untyped-def]
    if user is not None:
        client.force_login(user)
    response = client.get(f"/market/auctions/{world['session'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", list(SEES))
def test_the_auction_page_names_bidders_only_to_whom_it_may(client, world, request, name):
    page = page_of(client, persona(name, world, request), world)
    history = re.search(r'<tbody id="bid-history">(.*?)</tbody>', page, re.S)
    assert history is not None and history.group(1) == expected_rows(name)
    assert 'id="auction-winner"' not in page  # still open: no winner yet
    # A name hidden from the history appears nowhere else on the page either.
    buyer, rival = SEES[name]
    assert (BUYER in page, RIVAL in page) == (BUYER in buyer, RIVAL in rival)


@pytest.mark.parametrize("name", list(SEES))
def test_the_winner_is_named_only_to_whom_it_may(client, world, request, name):
    close(world)
    page = page_of(client, persona(name, world, request), world)
    winner = SEES[name][0]
    assert f'<dd class="col-sm-9" id="auction-winner">{winner}</dd>' in page
    deal = f'<a href="/market/deals/{world["session"].deal_id}/">'
    assert (deal in page) == (name in SEES_DEAL)
    history = re.search(r'<tbody id="bid-history">(.*?)</tbody>', page, re.S)
    assert history is not None and history.group(1) == expected_rows(name)
    buyer, rival = SEES[name]
    assert (BUYER in page, RIVAL in page) == (BUYER in buyer, RIVAL in rival)


def api_row(name: str, world, buyer_org, n: int, amount: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Bid `n` as the API gives it to persona `name` (bids 2 and 4 are the buyer's)."""
    is_buyer = n % 2 == 0
    org = buyer_org if is_buyer else world["rival_org"]
    own = (name == "winning_bidder" and is_buyer) or (name == "losing_bidder" and not is_buyer)
    return {
        "sequence": n,
        "number": 2 if is_buyer else 1,
        "bidder": SEES[name][0 if is_buyer else 1],
        "organisation_id": org.pk if IDS[name][0 if is_buyer else 1] else None,
        "own": own,
        "amount": amount,
        "placed_at": at(n).isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.parametrize("name", list(SEES))
def test_the_api_names_bidders_and_the_winner_only_to_whom_it_may(client, world, request, buyer, name):
    user = persona(name, world, request)
    if user is not None:
        client.force_login(user)
    pk = world["session"].pk
    rows = [api_row(name, world, buyer, n, a) for n, a in [(4, "115.00"), (3, "110.00"), (2, "105.00"), (1, "100.00")]]
    response = client.get(f"/api/v1/market/auctions/{pk}/bids", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.json() == rows
    assert client.get(f"/api/v1/market/auctions/{pk}", HTTP_ACCEPT_LANGUAGE="en").json()["winner"] is None
    close(world)
    auction = client.get(f"/api/v1/market/auctions/{pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert auction["status"] == "closed" and auction["winner"] == rows[0]


def test_the_api_bid_history_of_an_auction_one_may_not_see_is_not_found(client, world, listing):
    type(listing).objects.filter(pk=listing.pk).update(status="draft")
    response = client.get(f"/api/v1/market/auctions/{world['session'].pk}/bids")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_auction_page_reads_the_bidders_in_a_fixed_number_of_queries(client, world, buyer, outsider):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page_of(client, None, world)
        return len(ctx.captured_queries)

    page_of(client, outsider, world)  # logged in, caches warm
    before = count()
    third = OrganisationFactory(name="第三测试公司", region_id="360102")
    third_user = UserFactory(username="third")
    MembershipFactory(user=third_user, organisation=third)
    services.record_deposit(
        actor=world["session"].created_by, session_id=world["session"].pk, organisation_id=third.pk, status="paid"
    )
    services.place_bid(
        actor=third_user, session_id=world["session"].pk, organisation_id=third.pk, amount=Decimal("120"), now=at(5)
    )
    services.place_bid(
        actor=outsider, session_id=world["session"].pk, organisation_id=buyer.pk, amount=Decimal("125"), now=at(6)
    )
    assert count() == before
    assert "<tr><td>5</td><td>Bidder 3</td><td>120.00</td>" in page_of(client, outsider, world)
