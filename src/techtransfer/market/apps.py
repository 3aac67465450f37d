from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "techtransfer.market"
    label = "market"
    verbose_name = _("Technology market")

    def ready(self) -> None:
        # Register the periodic maintenance (closing auctions past their end, expiring listings).
        from techtransfer.market import panels, periodic  # noqa: F401  (panel on achievement pages)
