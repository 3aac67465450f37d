from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "techtransfer.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from techtransfer.audit.templatetags.audit_tags import register_change_labels

        # The audit log names what `token.revoke` writes (the token's own fields name the rest).
        register_change_labels("api.personalaccesstoken", {"revoked": _("revoked")})
