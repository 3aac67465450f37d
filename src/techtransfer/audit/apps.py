from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "techtransfer.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from techtransfer.audit import jobs  # noqa: F401  (registers the export job)
