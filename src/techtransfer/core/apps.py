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
        register_change_labels()


def register_change_labels() -> None:
    """The audit log names the keys core's services (and the Django admin's user form) write in events'
    changes that are no field of the event's object."""
    from techtransfer.audit.templatetags.audit_tags import register_change_labels

    register_change_labels("core.invitation", {"revoked": _("revoked"), "replaced": _("replaced by a new invitation")})
    # The admin's "add user" form: `AuditedAdminMixin` names the password fields, never their values.
    register_change_labels(
        "core.user",
        {
            "password1": _("Password"),
            "password2": _("Password confirmation"),
            "usable_password": _("Password-based authentication"),
        },
    )
