from typing import Any

from django.http import HttpRequest

from techtransfer.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the navigation bar (one COUNT query, only for logged-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}  # type: ignore[arg-type]
