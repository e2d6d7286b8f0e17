"""Multi-factor authentication for staff: moderators, product managers and admins must have an
authenticator app (TOTP, with recovery codes) before they reach any staff page.

allauth.mfa does the enrolment and asks for the code at every login once it is set up; this module
only decides who must have it and which pages it guards.
"""

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.roles import user_holds_staff_role

# Every page under these URL namespaces is a staff page, and so are these named pages (the staff
# pages tests/test_staff_pages.py requests as every role).
STAFF_NAMESPACES = frozenset({"moderation", "themes", "admin"})
STAFF_URL_NAMES = frozenset({"campaigns:create", "campaigns:edit", "ideas:change_status"})


def user_needs_mfa(user: Any) -> bool:
    """Anyone who holds a staff role (or may enter the admin) must use a second factor."""
    return user_holds_staff_role(user)


def user_has_mfa(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrol(user: Any, *, secret: str | None = None) -> str:
    """Give a user an authenticator app (TOTP) and recovery codes, as allauth's own setup page
    does; returns the TOTP secret. For the demo data and tests: people enrol through the page."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_seconds_left() -> float:
    """How long the authenticator-app code of this moment stays the current one."""
    from allauth.mfa import app_settings

    period = app_settings.TOTP_PERIOD
    return period - time.time() % period


def totp_code(secret: str, *, valid_for: float = 0.0) -> str:
    """The code an authenticator app shows for this secret right now. With `valid_for`, first
    wait for the next code if this one expires sooner (allauth accepts only the current code)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if totp_seconds_left() < valid_for:
        time.sleep(totp_seconds_left() + 0.1)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def usable_without_mfa(request: HttpRequest) -> bool:
    """Pages a staff member may open before enrolling: signing in and out, the two-factor
    set-up itself (allauth's account_* and mfa_* pages), the language switch, the privacy page."""
    match = request.resolver_match
    if match is None:
        return True
    name = match.url_name or ""
    return name.startswith(("account_", "mfa_")) or match.view_name in OPEN_TO_ALL


# Pages anyone may read whatever their account (public, nothing staff-only on them).
OPEN_TO_ALL = frozenset({"set_language", "privacy:notice", "privacy:terms"})


class StaffMfaMiddleware:
    """Sends a staff member without an authenticator app to set one up before anything else.

    Every page, not only staff pages: a staff account sees hidden and waiting posts, private
    complaint cases and profiles, and can remove comments from ordinary pages too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.STAFF_MFA_REQUIRED or usable_without_mfa(request):
            return None
        if not user_needs_mfa(request.user) or user_has_mfa(request.user):
            return None
        messages.warning(
            request,
            _(
                "Staff pages need two-factor authentication. Set up an authenticator app to "
                "continue; you will be asked for a code each time you sign in."
            ),
        )
        setup = reverse("mfa_activate_totp")
        return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
