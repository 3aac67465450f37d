from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from techtransfer.core.forms import style_fields


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        style_fields(self)
