"""Where a form post may send the browser back to."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_path(request: HttpRequest, default: str) -> str:
    """The form's `next` when it is a path on this site ("/ideas/?page=2"), else `default`.

    Only a path: `redirect()` would read any other string without a slash ("x", "-1") as the
    name of a URL pattern and fail with a 500 after the post's change was made, and a full
    URL is never what our own pages put there."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
