from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "techtransfer.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from techtransfer.audit import scopes
        from techtransfer.core import periodic  # noqa: F401  (forgetting old sent-form claims)

        # Government reads an organisation's profile, members and invitations in its jurisdiction.
        for label in ("core.organisation", "core.membership", "core.invitation"):
            scopes.register_organisational(label)
