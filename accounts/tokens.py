"""Personal API tokens: created by a member on their profile, named, read-only or read and write,
expiring, revoked by their owner; shown once and stored as a SHA-256 digest.

A token reads `ruche_<prefix>_<secret>`: the prefix (8 characters, shown in the list of tokens)
finds the row, the whole token's digest must match the stored one. 32 random bytes of secret
make a slow hash pointless (nobody can guess one), so SHA-256 is enough and keeps each API request
to one indexed read.

Staff and two-factor authentication. A staff account (any permission beyond a member's:
accounts.roles.user_holds_staff_role) must have passed its second factor in the session that
creates a token, and its tokens last at most API_TOKEN_STAFF_MAX_DAYS. A token created without
the second factor, or longer than that (a member's, before they were given a staff role), stops
working while its owner is staff: a token never lets anyone skip the code their role requires,
nor outlast what staff may hold (`token_refusal`).

Staff and single sign-on. With SSO_REQUIRED_FOR_STAFF a staff member signs in by the bank's
identity provider only (accounts.sso.login); a token is another way in, so a staff member's
token works only if it was made in a session signed in by single sign-on (`ApiToken.sso`).
Tokens made before the setting was turned on (with a password session) are refused from then
on, with a message saying to make a new one. Service accounts never sign in: their tokens,
made by an administrator, are not concerned.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mfa import user_has_mfa, user_needs_mfa
from accounts.models import ApiToken, ApiTokenScope, User
from accounts.roles import user_holds_staff_role
from accounts.sso.config import SsoConfig

TOKEN_PREFIX = "ruche_"  # noqa: S105 (the public start of every token, not a secret)
# A member's last-used time is written at most this often (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once: only its digest is kept


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_max_days(user: User) -> int:
    if user_needs_mfa(user):
        return int(settings.API_TOKEN_STAFF_MAX_DAYS)
    return int(settings.API_TOKEN_MAX_DAYS)


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ListedToken:
    token: ApiToken
    refused: str  # why an active token would be refused now (`token_refusal`), "" if it works


def tokens_listed(*, user: User) -> list[ListedToken]:
    """The user's tokens for their profile, newest first, each active one with why it would be
    refused now: a staff token made without the second factor, or, under
    SSO_REQUIRED_FOR_STAFF, outside a single sign-on session. Revoked and expired tokens say so
    in their own column."""
    listed = []
    for token in tokens_of(user=user):
        token.user = user  # the same person: no query per token
        listed.append(ListedToken(token, token_refusal(token) if token.is_active else ""))
    return listed


def token_create(
    *, user: User, name: str, scope: str, days: int, second_factor: bool, sso: bool = False
) -> NewToken:
    """A new token for `user`, valid `days` days. `second_factor`: whether the session asking
    passed two-factor authentication (accounts.mfa.session_passed_second_factor); `sso`: whether
    it was signed in by single sign-on (accounts.sso.login.signed_in_by_sso)."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the token a name, e.g. the script that uses it.")
    if scope not in ApiTokenScope.values:
        errors["scope"] = _("Choose read or write.")
    longest = token_max_days(user)
    if not 1 <= days <= longest:
        errors["days"] = _("A token lasts from 1 to %(days)s days.") % {"days": longest}
    if errors:
        raise ValidationError(errors)
    if user_needs_mfa(user) and settings.STAFF_MFA_REQUIRED and not second_factor:
        raise PermissionDenied(
            _("Staff accounts create API tokens only after typing their two-factor code.")
        )
    active = tokens_of(user=user).filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    if active.count() >= settings.API_TOKENS_PER_USER:
        raise ValidationError(
            _("You have %(count)s active tokens: revoke one first.") % {"count": active.count()}
        )
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:60],
        scope=scope,
        prefix=prefix,
        digest=_digest(secret),
        second_factor=second_factor,
        sso=sso,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return NewToken(token=token, secret=secret)


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if it is not theirs or already revoked."""
    with transaction.atomic():
        return bool(
            ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        )


def token_find(secret: str) -> ApiToken | None:
    """The token this secret is, active or not, with its user; None if it is none of ours."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, rest = secret.removeprefix(TOKEN_PREFIX).partition("_")
    if len(prefix) != 8 or not rest:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    return token


def token_refusal(token: ApiToken) -> str:
    """Why this token cannot be used now, or "" when it can."""
    user: Any = token.user
    if token.revoked_at is not None:
        return _("This API token was revoked.")
    if token.expires_at <= timezone.now():
        return _("This API token has expired.")
    if not user.is_active or user.is_erased:
        return _("This account is closed.")
    staff = settings.STAFF_MFA_REQUIRED and user_needs_mfa(user)
    # A service account has no authenticator app: the admin who made its token passed the
    # second factor for it (accounts.service_accounts).
    # Nor has a staff member whose identity provider did the second factor at single sign-on
    # (accounts.sso.login, SSO_TRUSTED_MFA_AMR): the token was made in that session.
    second_factor_holds = user.is_service_account or user_has_mfa(user) or token.sso
    if staff and not (token.second_factor and second_factor_holds):
        return _("Staff tokens must be created after two-factor authentication: create a new one.")
    # A token made as a member, longer than staff may hold one, ends when its holder becomes staff
    # (whether or not the second factor is required: token_create caps staff tokens either way).
    longest = token_max_days(user)
    if user_needs_mfa(user) and token.expires_at - token.created_at > timedelta(days=longest):
        return _("Staff tokens last at most %(days)s days: create a new one.") % {"days": longest}
    if _sso_required_for_staff() and _staff_person(user) and not token.sso:
        return _(
            "Staff tokens must be created after signing in by single sign-on: create a new one."
        )
    return ""


def _staff_person(user: Any) -> bool:
    """A staff member who signs in (not a service account, which never does)."""
    return not user.is_service_account and user_holds_staff_role(user)


def _sso_required_for_staff() -> bool:
    config: SsoConfig | None = getattr(settings, "SSO", None)
    return bool(config and config.required_for_staff)


def token_touch(token: ApiToken) -> None:
    """Note when the token was last used, at most every LAST_USED_RESOLUTION."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_allows_writes(token: ApiToken) -> bool:
    return token.scope == ApiTokenScope.WRITE
