"""Multi-factor authentication for staff: moderators, product managers and admins must have an
authenticator app (TOTP, with recovery codes), and must have typed one of its codes *in this
session*, before they reach any page.

allauth.mfa does the enrolment and asks for the code at every login once it is set up, and it
records in the session which factors were used (`get_authentication_records`). Having an
authenticator is not enough: a session that came in by any other door (Django's admin login, a
password reset, a social login, a session from before the rule) has no "mfa" record, and the
middleware below asks for a code before anything else. This module decides who must have it,
whether this session passed it, and which pages stay open until then.
"""

import time
from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
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
STAFF_NAMESPACES = frozenset({"moderation", "themes", "analytics", "webhooks", "admin"})
STAFF_URL_NAMES = frozenset({"campaigns:create", "campaigns:edit", "ideas:change_status"})


def user_needs_mfa(user: Any) -> bool:
    """Anyone who holds a staff role (or may enter the admin) must use a second factor."""
    return user_holds_staff_role(user)


def user_has_mfa(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_second_factor(request: HttpRequest) -> bool:
    """Whether the person signed in on this request typed a code from their authenticator app
    (or a recovery code) in this very session: allauth records it at login, at re-authentication
    and (see `record_enrolment`) when they set the app up. A single sign-on whose checked
    id_token says the identity provider did MFA (SSO_TRUSTED_MFA_AMR) records one of type "idp"
    (accounts.sso.login)."""
    records = get_authentication_records(request, getattr(request, "user", None))
    return any(record.get("method") == "mfa" for record in records)


def on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    """Setting up an authenticator app means typing a valid code from it: that counts as the
    second factor for the session it happens in (allauth itself records only logins)."""
    if authenticator.type == Authenticator.Type.TOTP and request.user == user:
        record_authentication(request, user, "mfa", id=authenticator.pk, type="totp", enrolled=True)


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


# Pages a staff member may open before passing the second factor: signing in and out, typing
# the code, the language switch and the public privacy pages; and, for one who has no
# authenticator yet, setting one up (allauth asks for the password again first).
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_email",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "set_language",
        "privacy:notice",
        "privacy:terms",
    }
)
OPEN_FOR_ENROLMENT = frozenset(
    {
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
    }
)


def _view_name(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return None if match is None else match.view_name


class StaffMfaMiddleware:
    """Holds every page back from a staff member until this session has passed the second
    factor: one without an authenticator app is sent to set one up, one with an app is asked
    for its code.

    Every page, not only staff pages: a staff account sees hidden and waiting posts, private
    complaint cases and profiles, and can remove comments from ordinary pages too. The Django
    admin checks the same rule again (config.admin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.STAFF_MFA_REQUIRED or not user_needs_mfa(request.user):
            return None
        if session_passed_second_factor(request):
            return None
        name = _view_name(request)
        if name is None or name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        next_query = urlencode({"next": request.get_full_path()})
        if not user_has_mfa(request.user):
            if name in OPEN_FOR_ENROLMENT:
                return None
            messages.warning(
                request,
                _(
                    "Staff pages need two-factor authentication. Set up an authenticator app to "
                    "continue; you will be asked for a code each time you sign in."
                ),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{next_query}")
        messages.warning(
            request,
            _("Staff accounts need a code from your authenticator app in every session."),
        )
        return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
