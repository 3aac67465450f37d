from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "techtransfer.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        register_audit_scopes()
        register_change_labels()


def register_change_labels() -> None:
    """The audit log names the keys matchmaking's services write in events' changes that are no field of
    the event's object: an inquiry's thread entry, an event's programme item, session and result."""
    from techtransfer.audit.templatetags.audit_tags import ChangeLabel, register_change_labels

    register_change_labels(
        "matchmaking.inquiry",
        {
            # The entry's text is in the thread; its name would be "author id: text".
            "message": _("thread entry no."),
            "note": ChangeLabel(like="matchmaking.inquiry.meeting_note"),
            "score": ChangeLabel(like="matchmaking.brokerrating.score"),
            "comment": ChangeLabel(like="matchmaking.brokerrating.comment"),
        },
    )
    register_change_labels(
        "matchmaking.event",
        {
            "item": _("programme item no."),
            "need": ChangeLabel(like="matchmaking.eventitem.need"),
            "achievement": ChangeLabel(like="matchmaking.eventitem.achievement"),
            "status": ChangeLabel(like="matchmaking.eventitem.status"),
            "starts_at": ChangeLabel(like="matchmaking.session.starts_at"),
            "kind": ChangeLabel(like="matchmaking.result.kind"),
            "parties": ChangeLabel(like="matchmaking.result.parties"),
            "amount": ChangeLabel(like="matchmaking.result.amount"),
        },
    )


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
