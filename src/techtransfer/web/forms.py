import math
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from techtransfer.audit.middleware import client_ip
from techtransfer.core import throttle
from techtransfer.core.forms import style_fields

# One address may fail this many times as often as one user name (a shared office or campus address).
ADDRESS_FACTOR = 5


class ThrottledLoginMixin(AuthenticationForm):
    """A sign-in form that refuses a user name (or an address) that failed too often
    (`LOGIN_FAILURES_LIMIT` within `LOGIN_FAILURE_WINDOW`): password guessing. The check comes before
    the password is checked, so a guess in a blocked window learns nothing; a successful sign-in
    forgets the name's failures. The site's and the admin's sign-in forms count the same failures."""

    throttled = False

    def _keys(self) -> list[tuple[str, int]]:
        limit = settings.LOGIN_FAILURES_LIMIT
        name = str(self.data.get("username", "")).strip().casefold()
        address = (client_ip(self.request) if self.request is not None else None) or "-"
        return [
            (throttle.key("login-name", name), limit),
            (throttle.key("login-address", address), limit * ADDRESS_FACTOR),
        ]

    def clean(self) -> dict[str, Any]:
        if not settings.LOGIN_FAILURES_LIMIT:
            return super().clean()
        keys = self._keys()
        if any(throttle.failures(key) >= limit for key, limit in keys):
            self.throttled = True
            minutes = math.ceil(settings.LOGIN_FAILURE_WINDOW / 60)
            raise ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                    "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            for key, _limit in keys:
                throttle.fail(key, settings.LOGIN_FAILURE_WINDOW)
            raise
        finally:
            if self.user_cache is not None:  # the right password: the name starts afresh
                throttle.forget(keys[0][0])


class LoginForm(ThrottledLoginMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        style_fields(self)


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's sign-in form (/admin/login/), limited like the site's: it was a way around it."""
