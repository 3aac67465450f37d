import functools
from typing import Any

from django.http import HttpRequest

from techtransfer.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the navigation bar (only for logged-in users). A callable, which the
    template engine calls where the count is shown: the query runs once for a page that shows it,
    and not for the fragments rendered with the request (htmx answers, the parts of the search page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": functools.cache(functools.partial(unread_count, user))}
