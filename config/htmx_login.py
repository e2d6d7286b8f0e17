"""An htmx request that needs a login gets a full-page trip to the login page, not the login page
swapped into the fragment it targeted.

An anonymous visitor who clicks Vote, Follow or Comment sends an htmx POST; the view's
`login_required` answers 302 to the login page and the browser's XMLHttpRequest follows it
silently, so htmx received the whole login page and put it inside the vote box. Here that 302
becomes `HX-Redirect` (htmx then loads the page itself) with `?next=` pointing at the page the
visitor was on (`HX-Current-URL`), not at the POST-only action URL, so they come back to it after
logging in.
"""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302):
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login_path:
            return response
        back = self.page_of(request)
        redirected = HttpResponse(status=204)
        redirected["HX-Redirect"] = (
            f"{login_path}?{urlencode({'next': back})}" if back else login_path
        )
        return redirected

    @staticmethod
    def page_of(request: HttpRequest) -> str:
        """The path and query of the page the visitor was on, if it is one of ours."""
        current = request.headers.get("HX-Current-URL", "")
        if not current or not url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return ""
        parts = urlsplit(current)
        return parts.path + (f"?{parts.query}" if parts.query else "")
