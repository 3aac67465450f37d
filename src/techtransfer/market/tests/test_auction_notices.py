"""What auctions tell people: the outbid bidder, the winner, the other bidders and the organisers, each
exactly once, with the listing's title and a link to the auction page; never a rival's name or amount."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from techtransfer.core.errors import DomainError
from techtransfer.core.models import Membership
from techtransfer.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from techtransfer.market import services
from techtransfer.market.choices import DealStatus, ListingMode
from techtransfer.market.errors import MarketErrors
from techtransfer.market.models import Deal
from techtransfer.market.services import AuctionInput
from techtransfer.notifications.models import Notification

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
END = T0 + datetime.timedelta(hours=2)


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    """The assertions read English texts: people who chose no language read the platform's default."""
    settings.LANGUAGE_CODE = "en"


def at(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


@pytest.fixture
def world(listing, applicant_member, applicant_admin, buyer):  # type: ignore[no-untyped-def]
    """applicant_member schedules the auction, applicant_admin records the deposits, a third member of
    the seller does neither; bidders: the buyer (outsider and a colleague), 赣江 (rival) and 抚河
    (deposit paid, never bids)."""
    MembershipFactory(user=UserFactory(username="seller_bystander"), organisation=listing.organisation)
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=buyer)
    rival_org = OrganisationFactory(name="赣江测试公司", region_id="360102")
    rival = UserFactory(username="rival")
    MembershipFactory(user=rival, organisation=rival_org)
    idle_org = OrganisationFactory(name="抚河测试公司", region_id="360102")
    MembershipFactory(user=UserFactory(username="idle"), organisation=idle_org)
    session = services.create_auction(
        actor=applicant_member, listing_id=listing.pk, data=AuctionInput(Decimal("100.00"), Decimal("5.00"), T0, END)
    )
    for org in (buyer, rival_org, idle_org):
        services.record_deposit(actor=applicant_admin, session_id=session.pk, organisation_id=org.pk, status="paid")
    return {"session": session, "colleague": colleague, "rival": rival, "rival_org": rival_org}


def bid(user, org, amount: str, minute: int, session) -> None:  # type: ignore[no-untyped-def]
    services.place_bid(
        actor=user, session_id=session.pk, organisation_id=org.pk, amount=Decimal(amount), now=at(minute)
    )


def sent() -> list[tuple[str, str, str, str, str]]:
    rows = Notification.objects.values_list("user__username", "kind", "title", "body", "url")
    return sorted(rows)  # type: ignore[arg-type]


def test_the_previous_leader_is_told_it_was_outbid(world, listing, outsider, buyer):
    session, rival, rival_org = world["session"], world["rival"], world["rival_org"]
    url = f"/market/auctions/{session.pk}/"
    bid(outsider, buyer, "100", 1, session)
    assert sent() == []  # the first bid outbids nobody
    bid(rival, rival_org, "105", 2, session)
    title = f"You were outbid in the auction of “{listing.title}”"
    body = "Another bid now leads. You may bid again until the auction ends."
    assert sent() == [("outsider", "market.outbid", title, body, url)]
    bid(world["colleague"], buyer, "110", 3, session)
    assert sent() == [("outsider", "market.outbid", title, body, url), ("rival", "market.outbid", title, body, url)]
    # A bid refused (here: the leader against itself) tells nobody anything.
    with pytest.raises(DomainError) as exc:
        bid(outsider, buyer, "200", 4, session)
    assert exc.value.error == MarketErrors.ALREADY_LEADING
    assert len(sent()) == 2


def test_a_person_who_outbids_their_own_earlier_bid_for_another_organisation_is_not_told(world, outsider, buyer):
    """One person in two bidding organisations: the new lead is their own doing."""
    session, rival_org = world["session"], world["rival_org"]
    MembershipFactory(user=outsider, organisation=rival_org)
    bid(outsider, buyer, "100", 1, session)
    bid(outsider, rival_org, "105", 2, session)
    assert sent() == []


def test_closing_with_a_winner_tells_winner_losers_and_organisers(world, listing, outsider, buyer):
    session, rival, rival_org = world["session"], world["rival"], world["rival_org"]
    url = f"/market/auctions/{session.pk}/"
    bid(outsider, buyer, "100", 1, session)
    bid(rival, rival_org, "105", 2, session)
    bid(world["colleague"], buyer, "120", 3, session)
    Notification.objects.all().delete()  # the outbid notices, checked above
    services.close_auction(session_id=session.pk, now=END)
    organised = (
        "market.auction_closed",
        f"The auction of “{listing.title}” closed with a winning bid",
        "The winner's deal is recorded as agreed.",
        url,
    )
    won = (
        "market.auction_result",
        f"Your organisation won the auction of “{listing.title}”",
        "The deal is recorded as agreed; the seller registers the technology contract.",
        url,
    )
    lost = ("market.auction_result", f"The auction of “{listing.title}” has ended; another bid won", "", url)
    assert sent() == [
        ("applicant_admin", *organised),
        ("applicant_member", *organised),
        ("colleague", *won),
        ("outsider", *won),
        ("rival", *lost),
    ]
    # Nobody hears the winner's name or amount through a notice.
    for n in Notification.objects.all():
        assert buyer.name not in n.title + n.body and "120" not in n.title + n.body


def test_closing_without_a_bid_tells_the_organisers_only(world, listing, applicant_admin, seller):
    session = world["session"]
    # An organiser who has left the seller hears nothing more of its auctions.
    Membership.objects.filter(user=applicant_admin, organisation=seller).update(is_active=False)
    services.close_due_auctions(now=END)
    assert sent() == [
        (
            "applicant_member",
            "market.auction_closed",
            f"The auction of “{listing.title}” closed without a valid bid",
            "",
            f"/market/auctions/{session.pk}/",
        )
    ]


def test_nothing_is_sent_when_the_bid_or_the_close_is_rolled_back(world, outsider, buyer):
    session, rival, rival_org = world["session"], world["rival"], world["rival_org"]
    bid(outsider, buyer, "100", 1, session)
    with pytest.raises(RuntimeError), transaction.atomic():
        bid(rival, rival_org, "105", 2, session)
        assert len(sent()) == 1
        raise RuntimeError("rolled back after the bid")
    assert sent() == []
    with pytest.raises(RuntimeError), transaction.atomic():
        services.close_auction(session_id=session.pk, now=END)
        assert len(sent()) == 3  # two organisers and the winner
        raise RuntimeError("rolled back after the close")
    assert sent() == []


def test_each_recipient_reads_the_notice_in_their_own_language(world, listing, outsider, buyer):
    """The rival bid in Chinese; the outbid person chose English: the notice follows the recipient."""
    session, rival, rival_org = world["session"], world["rival"], world["rival_org"]
    rival.language = "zh-hans"
    rival.save(update_fields=["language"])
    outsider.language = "en"
    outsider.save(update_fields=["language"])
    bid(rival, rival_org, "100", 1, session)
    bid(outsider, buyer, "105", 2, session)
    bid(rival, rival_org, "110", 3, session)
    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert titles["outsider"] == f"You were outbid in the auction of “{listing.title}”"
    with translation.override("zh-hans"):
        chinese = str(_("You were outbid in the auction of “%(title)s”")) % {"title": listing.title}
    assert titles["rival"] == chinese and listing.title in chinese and not chinese.startswith("You were")


def test_an_auction_ended_by_a_sale_meanwhile_tells_its_bidders(world, listing, outsider, buyer, applicant_member):
    """Bids stood, but the assigned technology was sold by negotiation: no winner, and the bidders hear it."""
    session, rival, rival_org = world["session"], world["rival"], world["rival_org"]
    listing.mode = ListingMode.ASSIGNMENT
    listing.save(update_fields=["mode"])
    bid(outsider, buyer, "100", 1, session)
    bid(rival, rival_org, "105", 2, session)
    # Agreed by negotiation during the auction, as earlier versions allowed (now `listing_under_auction`).
    Deal.objects.create(
        listing=listing, buyer=buyer, amount=Decimal("150"), status=DealStatus.AGREED, created_by=outsider
    )
    Notification.objects.all().delete()
    services.close_auction(session_id=session.pk, now=END)
    url = f"/market/auctions/{session.pk}/"
    closed = ("market.auction_closed", f"The auction of “{listing.title}” closed without a valid bid", "", url)
    ended = (
        "market.auction_result",
        f"The auction of “{listing.title}” ended without a sale",
        "The technology was sold by negotiation before the auction ended.",
        url,
    )
    assert sent() == [
        ("applicant_admin", *closed),
        ("applicant_member", *closed),
        ("outsider", *ended),
        ("rival", *ended),
    ]
