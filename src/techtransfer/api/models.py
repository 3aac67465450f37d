"""Personal access tokens for the REST API."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from techtransfer.core.choices import TokenScope


class PersonalAccessToken(models.Model):
    """A user's API token. Only a SHA-256 digest is stored; the secret is shown once at creation.

    The token text is `tt_<prefix>_<secret>`; `prefix` (8 characters) identifies the row and is shown
    in lists so people can tell their tokens apart. Revoked or expired tokens never authenticate.
    """

    Scope = TokenScope

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, unique=True)
    digest = models.CharField(max_length=64)
    scope = models.CharField(_("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")

    def __str__(self) -> str:
        return f"{self.name} (tt_{self.prefix}_…)"
