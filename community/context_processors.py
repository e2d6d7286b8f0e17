from typing import Any

from django.http import HttpRequest

from community.notifications import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the bell in the header (one query, logged-in people only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}  # type: ignore[arg-type]
