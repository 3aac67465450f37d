"""The project's password validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the refusal under the msgid its catalogues translate.

    Django 5.2 says "… at least %d characters." but its zh_Hans catalogue holds only the older
    "… at least %(min_length)d characters.", so a short password was refused in English beside the
    other rules in Chinese. The English text is the same; the help text already uses this form.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
