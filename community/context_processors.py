from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from community.notifications.services import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the bell in the header (logged-in people only): one query, and only
    when the template shows the bell, so an htmx fragment (a vote button) asks nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}  # type: ignore[arg-type]
