from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "techtransfer.contracts"
    label = "contracts"
    verbose_name = _("Technology contract registration")

    def ready(self) -> None:
        from techtransfer.contracts import market_hooks, panels  # noqa: F401  (deal guard; achievement panel)
