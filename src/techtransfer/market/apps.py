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
