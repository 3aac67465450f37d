from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "techtransfer.needs"
    label = "needs"
    verbose_name = _("Technology needs and challenges")

    def ready(self) -> None:
        register_audit_scopes()


def register_audit_scopes() -> None:
    """Government reads the events of the needs, challenges and proposals it may open (never a draft
    need, nor a solver's proposal)."""
    from techtransfer.audit import scopes
    from techtransfer.needs.access import needs_visible_to
    from techtransfer.needs.challenge_access import all_proposals_visible_to, challenges_visible_to

    scopes.register("needs.need", needs_visible_to)
    scopes.register("needs.challenge", challenges_visible_to)
    scopes.register("needs.proposal", all_proposals_visible_to)
