"""Multi-factor authentication for staff: moderators, product managers and admins must have an
authenticator app (TOTP, with recovery codes) before they reach any staff page.

allauth.mfa does the enrolment and asks for the code at every login once it is set up; this module
only decides who must have it and which pages it guards.
"""

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

from accounts.roles import user_answers_officially

# Every page under these URL namespaces is a staff page, and so are these named pages.
STAFF_NAMESPACES = frozenset({"moderation", "themes", "admin"})
STAFF_URL_NAMES = frozenset({"campaigns:create", "campaigns:edit", "ideas:change_status"})


def user_needs_mfa(user: Any) -> bool:
    """Anyone who holds a staff role (or may enter the admin) must use a second factor."""
    return bool(user.is_authenticated and (user.is_staff or user_answers_officially(user)))


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


def totp_code(secret: str) -> str:
    """The code an authenticator app shows for this secret right now."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def is_staff_page(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    return bool(set(match.namespaces) & STAFF_NAMESPACES) or match.view_name in STAFF_URL_NAMES


class StaffMfaMiddleware:
    """Sends a staff member without an authenticator app to set one up before any staff page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.STAFF_MFA_REQUIRED or not is_staff_page(request):
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
