from collections.abc import Iterator, Mapping
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from techtransfer.notifications.registry import KINDS


class NotificationsConfig(AppConfig):
    name = "techtransfer.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from techtransfer.audit.templatetags.audit_tags import register_change_labels

        # `notifications.preferences` writes, on the user, {kind: {"in_app": …, "email": …}}.
        register_change_labels("core.user", KindLabels())


class KindLabels(Mapping[str, Any]):
    """The notification kinds (`registry.KINDS`, filled as their apps' modules load) as audit change
    labels, with the channels as the labels of their values' keys."""

    def __getitem__(self, kind: str) -> Any:
        from techtransfer.audit.templatetags.audit_tags import ChangeLabel

        return ChangeLabel(KINDS[kind], keys={"in_app": _("in my inbox"), "email": _("by e-mail")})

    def __iter__(self) -> Iterator[str]:
        return iter(list(KINDS))

    def __len__(self) -> int:
        return len(KINDS)
