from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "techtransfer.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        register_audit_scopes()


def register_audit_scopes() -> None:
    """Government reads the events of the inquiries it takes part in and of the (public) events."""
    from techtransfer.audit import scopes
    from techtransfer.matchmaking.access import inquiries_visible_to
    from techtransfer.matchmaking.models import BrokerRating, Event, EventItem, Result, Session

    scopes.register("matchmaking.inquiry", inquiries_visible_to)
    scopes.register(
        "matchmaking.brokerrating", lambda user: BrokerRating.objects.filter(inquiry__in=inquiries_visible_to(user))
    )
    scopes.register("matchmaking.event", lambda user: Event.objects.all())
    scopes.register("matchmaking.eventitem", lambda user: EventItem.objects.all())
    scopes.register("matchmaking.session", lambda user: Session.objects.all())
    scopes.register("matchmaking.result", lambda user: Result.objects.all())
