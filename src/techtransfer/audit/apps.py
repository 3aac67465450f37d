from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "techtransfer.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from techtransfer.audit import jobs  # noqa: F401  (registers the export job)
        from techtransfer.audit.templatetags.audit_tags import ANY_OBJECT, ChangeLabel, register_change_labels

        # Words many services write in an event's changes; an app labels its own keys (and may say these
        # otherwise for its object types). A comment or a note may be [before, after].
        register_change_labels(
            ANY_OBJECT,
            {
                "comment": ChangeLabel(_("comment"), pair=True),
                "note": ChangeLabel(_("note"), pair=True),
                "reason": _("reason"),
                "recipients": _("recipients"),
            },
        )
