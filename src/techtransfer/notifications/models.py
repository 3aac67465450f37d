"""In-app notifications and per-user delivery preferences."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.core.languages import for_reader


class Notification(models.Model):
    """One message in a user's inbox. Text only: it never carries private content of a record (such as a
    proposal), just what happened and a link that is itself permission-checked.

    `title` and `body` are in the recipient's language as it was when the notice was sent (what the
    e-mail said); `texts` holds both in every language of the platform (`core.languages`), so the
    inbox and the API show them in the language the recipient reads the page in (`shown_title`,
    `shown_body`). Rows written before `texts` existed show `title` and `body`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # {"zh-hans": {"title": ..., "body": ...}, "en": {...}}; empty when the text is the same in all.
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's), else as stored."""
        return str(for_reader(self.texts, {}).get("title", self.title))

    @property
    def shown_body(self) -> str:
        """The body in the active language (the reader's), else as stored."""
        return str(for_reader(self.texts, {}).get("body", self.body))


class Preference(models.Model):
    """A user's choice for one kind: in the inbox, by e-mail, both or neither. No row: both on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=64)
    in_app = models.BooleanField(_("in my inbox"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "kind"], name="notifications_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
