"""What auctions, and a deal's broker, tell people, through the shared notifications app.

Messages name the listing and link to the auction page (itself permission-checked). A bidder is told
only about its own standing: never who else bid, who won or at what amount. Titles are functions:
each is written in each recipient's language. Called by `market.services` inside its transaction, so
a rolled-back bid or close notifies nobody.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techtransfer.core.models import Membership
from techtransfer.market.models import AuctionSession, Bid, BidderDeposit, Deal, DealBrokerRating
from techtransfer.notifications.registry import register_kind
from techtransfer.notifications.services import notify

OUTBID = register_kind("market.outbid", _("Another organisation outbids mine in an auction"))
AUCTION_RESULT = register_kind("market.auction_result", _("Results of auctions I bid in"))
AUCTION_CLOSED = register_kind("market.auction_closed", _("Results of auctions I organise"))
DEAL_BROKER = register_kind("market.deal_broker", _("Market deals I broker and their ratings"))


def _url(session: AuctionSession) -> str:
    return reverse("market:auction", args=[session.pk])


def outbid(session: AuctionSession, previous: Bid, *, actor_id: int) -> None:
    """Tell the person who placed the bid that led until now that another organisation leads
    (not when that person placed the new bid too, for another of their organisations)."""
    if previous.user_id == actor_id:
        return
    title = session.listing.title
    notify(
        user_ids=[previous.user_id],
        kind=OUTBID,
        title=lambda: str(_("You were outbid in the auction of “%(title)s”")) % {"title": title},
        body=lambda: str(_("Another bid now leads. You may bid again until the auction ends.")),
        url=_url(session),
    )


def _organisers(session: AuctionSession) -> list[int]:
    """The seller's people who ran the session: who scheduled it and who recorded deposits, as long as
    they are still active members of the listing's organisation."""
    ran = {session.created_by_id}
    ran |= set(BidderDeposit.objects.filter(session=session).values_list("recorded_by_id", flat=True))
    members = Membership.objects.filter(
        organisation_id=session.listing.organisation_id, is_active=True, user_id__in=ran
    ).values_list("user_id", flat=True)
    return sorted(members)


def auction_closed(session: AuctionSession, winner: Bid | None) -> None:
    """Tell the organisers how the session ended; with a winner, tell the people who bid for the winning
    organisation that it won, and those who bid for any other one that another bid won; without one
    (bids stood but the listing was sold meanwhile), tell the bidders that it ended without a sale."""
    title = session.listing.title
    url = _url(session)
    bidders = list(Bid.objects.filter(session=session).values_list("user_id", "organisation_id").distinct())
    if winner is None:
        notify(
            user_ids=_organisers(session),
            kind=AUCTION_CLOSED,
            title=lambda: str(_("The auction of “%(title)s” closed without a valid bid")) % {"title": title},
            url=url,
        )
        # Bids stood, but the listing was sold meanwhile by negotiation: the bidders wait no longer.
        notify(
            user_ids={user for user, _org in bidders},
            kind=AUCTION_RESULT,
            title=lambda: str(_("The auction of “%(title)s” ended without a sale")) % {"title": title},
            body=lambda: str(_("The technology was sold by negotiation before the auction ended.")),
            url=url,
        )
        return
    notify(
        user_ids=_organisers(session),
        kind=AUCTION_CLOSED,
        title=lambda: str(_("The auction of “%(title)s” closed with a winning bid")) % {"title": title},
        body=lambda: str(_("The winner's deal is recorded as agreed.")),
        url=url,
    )
    won = {user for user, org in bidders if org == winner.organisation_id}
    lost = {user for user, org in bidders if org != winner.organisation_id} - won
    notify(
        user_ids=won,
        kind=AUCTION_RESULT,
        title=lambda: str(_("Your organisation won the auction of “%(title)s”")) % {"title": title},
        body=lambda: str(_("The deal is recorded as agreed; the seller registers the technology contract.")),
        url=url,
    )
    notify(
        user_ids=lost,
        kind=AUCTION_RESULT,
        title=lambda: str(_("The auction of “%(title)s” has ended; another bid won")) % {"title": title},
        url=url,
    )


def _deal_url(deal: Deal) -> str:
    return reverse("market:deal", args=[deal.pk])


def broker_named(deal: Deal) -> None:
    """Tell the broker a deal now names them (they may open it from now on)."""
    title = deal.listing.title
    notify(
        user_ids=[deal.broker_id] if deal.broker_id else [],
        kind=DEAL_BROKER,
        title=lambda: str(_("You broker the deal on “%(title)s”")) % {"title": title},
        url=_deal_url(deal),
    )


def broker_rated(rating: DealBrokerRating) -> None:
    """Tell the broker how a side rated their brokering of a deal (its comment as the body)."""
    title, organisation, score = rating.deal.listing.title, rating.organisation.name, rating.score
    notify(
        user_ids=[rating.broker_id],
        kind=DEAL_BROKER,
        title=lambda: (
            str(_("%(organisation)s rated your brokering of the deal on “%(title)s”: %(score)d of 5"))
            % {"organisation": organisation, "title": title, "score": score}
        ),
        body=rating.comment,
        url=_deal_url(rating.deal),
    )
