"""Staff sessions are short: they end after a few idle minutes and when the browser closes.

A member may stay signed in for weeks; a moderator's or an admin's session opens private
complaints, hidden posts and the audit log, so a forgotten tab on a shared desk must not stay
open. The idle limit is STAFF_SESSION_IDLE_MINUTES (30 by default).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.roles import user_holds_staff_role

LAST_SEEN_KEY = "staff_last_seen"
# The last-seen time is written at most this often, not on every request.
WRITE_EVERY_SECONDS = 30


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if user_holds_staff_role(request.user) and staff_session_idle(request):
            return staff_session_end(request)
        response = self.get_response(request)
        # After the view, so that the request that signs a staff member in is covered too.
        if user_holds_staff_role(request.user):
            staff_session_touch(request)
        return response


def staff_session_idle(request: HttpRequest) -> bool:
    last_seen = request.session.get(LAST_SEEN_KEY)
    idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
    return isinstance(last_seen, int | float) and time.time() - last_seen > idle_limit


def staff_session_end(request: HttpRequest) -> HttpResponse:
    """Sign out, say why, and come back to the same page after signing in again."""
    logout(request)
    messages.info(
        request,
        _("You were signed out after %(minutes)d minutes without activity.")
        % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES},
    )
    return redirect_to_login(request.get_full_path())


def staff_session_touch(request: HttpRequest) -> None:
    """Note this request (at most every WRITE_EVERY_SECONDS) and keep the cookie to this
    browser session."""
    now = time.time()
    last_seen = request.session.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, int | float) or now - last_seen >= WRITE_EVERY_SECONDS:
        request.session[LAST_SEEN_KEY] = now
    if not request.session.get_expire_at_browser_close():
        request.session.set_expiry(0)
