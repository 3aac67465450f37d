from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "techtransfer.market"
    label = "market"
    verbose_name = _("Technology market")

    def ready(self) -> None:
        # Register the periodic maintenance (closing auctions past their end, expiring listings).
        from techtransfer.market import panels, periodic  # noqa: F401  (panel on achievement pages)

        register_audit_scopes()
        register_brokered_deals()
        register_change_labels()


def register_change_labels() -> None:
    """The audit log names the keys the market's services write in events' changes that are no field of
    the event's object (a bid's number, an interest's message, a broker's rating)."""
    from techtransfer.audit.templatetags.audit_tags import ChangeLabel, register_change_labels

    organisation = ChangeLabel(_("organisation"), model="core.organisation")
    register_change_labels(
        "market.listing",
        {
            "attachment": _("attachment"),
            "mime": _("file type"),
            "size": _("size (bytes)"),
            "organisation": organisation,  # who showed interest
            "message": _("message"),
            "new": _("first interest"),
        },
    )
    register_change_labels(
        "market.deal",
        {
            "auction": _("auction no."),
            "score": ChangeLabel(like="market.dealbrokerrating.score"),
            "comment": ChangeLabel(like="market.dealbrokerrating.comment"),
        },
    )
    register_change_labels(
        "market.auctionsession",
        {
            "organisation": organisation,  # the bidder, or the depositor
            "bid": _("bid no."),
            "amount": ChangeLabel(like="market.bid.amount"),
            "extended": _("end extended"),
        },
    )


def register_brokered_deals() -> None:
    """The brokers page counts the deals each broker brokers and their ratings (ADR 0030 addendum)."""
    from techtransfer.market.selectors import broker_deal_numbers
    from techtransfer.matchmaking.brokerage import on_broker_deals

    on_broker_deals(broker_deal_numbers)


def register_audit_scopes() -> None:
    """Government reads the events of the listings and deals it may open (never a draft listing)."""
    from techtransfer.audit import scopes
    from techtransfer.market.access import deals_visible_to, listings_visible_to
    from techtransfer.market.models import AuctionSession

    scopes.register("market.listing", listings_visible_to)
    scopes.register("market.deal", deals_visible_to)
    scopes.register(
        "market.auctionsession", lambda user: AuctionSession.objects.filter(listing__in=listings_visible_to(user))
    )
