from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "techtransfer.contracts"
    label = "contracts"
    verbose_name = _("Technology contract registration")

    def ready(self) -> None:
        from techtransfer.audit.templatetags.audit_tags import register_key_labels
        from techtransfer.contracts import market_hooks, panels  # noqa: F401  (deal guard; achievement panel)
        from techtransfer.contracts.choices import RECOGNITION_CHECKLIST

        # The audit log names the recognition conditions of a decision's checklist, not their keys.
        register_key_labels("contracts.contract", "checklist", dict(RECOGNITION_CHECKLIST))
