"""Single sign-on in the login flow: allauth's hooks call these (accounts.adapters).

- roles follow the identity provider's groups at every sign-in (accounts.sso.roles);
- the second factor: a staff member arriving by single sign-on still passes Ruche's two-factor
  step (accounts.mfa), unless the id_token says the identity provider did multi-factor
  authentication (`amr` holds one of SSO_TRUSTED_MFA_AMR); the session then gets an "mfa"
  record of type "idp", which is what accounts.mfa.session_passed_second_factor looks for;
- SSO_REQUIRED_FOR_STAFF: staff sign in by single sign-on only.
"""

import logging
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import user_holds_staff_role
from accounts.sso.config import OIDC_PROVIDER_ID, SAML_PROVIDER_ID, SsoConfig
from accounts.sso.roles import RoleSync, groups_from_claims, sso_roles_sync

log = logging.getLogger(__name__)


def sso_config() -> SsoConfig:
    config: SsoConfig = getattr(settings, "SSO", None) or SsoConfig()
    return config


def is_sso_login(sociallogin: SocialLogin | None) -> bool:
    if sociallogin is None:
        return False
    return sociallogin.account.provider in sso_config().provider_ids


def idp_groups(sociallogin: SocialLogin) -> list[str]:
    """The groups the identity provider sent for this sign-in: the id_token's claim if it has
    it, else userinfo's (OpenID Connect); the groups attribute (SAML). None sent: no groups."""
    config = sso_config()
    extra = sociallogin.account.extra_data or {}
    if sociallogin.account.provider == OIDC_PROVIDER_ID:
        for source in (extra.get("id_token") or {}, extra.get("userinfo") or {}):
            if config.groups_claim in source:
                return groups_from_claims(source[config.groups_claim])
            if config.groups_claim in (source.get("_claim_names") or {}):
                # Microsoft Entra ID's "group overage": too many groups to list in the token.
                log.warning(
                    "The identity provider sent a reference instead of the %s claim (too many "
                    "groups): no staff role from groups. Use app roles or filter the groups "
                    "sent (docs/sso.md).",
                    config.groups_claim,
                )
                return []
        return []
    if sociallogin.account.provider == SAML_PROVIDER_ID:
        return groups_from_claims(extra.get(config.saml_groups_attribute))
    return []


def sso_sync_roles(*, user: User, sociallogin: SocialLogin) -> RoleSync:
    return sso_roles_sync(
        user=user, groups=idp_groups(sociallogin), role_groups=sso_config().role_groups
    )


def on_pre_social_login(request: HttpRequest, sociallogin: SocialLogin) -> None:
    """An existing account signing in by single sign-on: roles follow the groups before the
    login goes on, so the rest of it (two-factor, staff session) sees the roles of today."""
    if is_sso_login(sociallogin) and sociallogin.is_existing and sociallogin.user.is_active:
        sso_sync_roles(user=sociallogin.user, sociallogin=sociallogin)


def on_social_user_saved(user: User, sociallogin: SocialLogin) -> None:
    """A new account created by single sign-on (after the sign-up form)."""
    if is_sso_login(sociallogin):
        sso_sync_roles(user=user, sociallogin=sociallogin)


def idp_asserted_mfa(sociallogin: SocialLogin | None) -> list[str]:
    """The trusted `amr` values of this sign-in's id_token (empty: the identity provider did
    not say it used a second factor, or is not trusted to). OpenID Connect only: the id_token
    was checked by accounts.sso.views (signature, issuer, audience, nonce)."""
    if sociallogin is None or sociallogin.account.provider != OIDC_PROVIDER_ID:
        return []
    trusted = set(sso_config().trusted_mfa_amr)
    amr = (sociallogin.account.extra_data or {}).get("id_token", {}).get("amr") or []
    if not isinstance(amr, list):
        return []
    return sorted(trusted & {str(value) for value in amr})


class SsoAwareAuthenticateStage(AuthenticateStage):
    """allauth's two-factor step of the login, skipped only when the identity provider
    asserted multi-factor authentication (see the module's docstring)."""

    def handle(self) -> tuple[Any, bool]:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if isinstance(sociallogin, SocialLogin) and self.login.user is not None:
            amr = idp_asserted_mfa(sociallogin)
            if amr:
                record_authentication(
                    self.request,
                    self.login.user,
                    "mfa",
                    type="idp",
                    provider=sociallogin.account.provider,
                    amr=amr,
                )
                return None, True
        response: tuple[Any, bool] = super().handle()
        return response


def login_stages(stages: list[str]) -> list[str]:
    original = "allauth.mfa.stages.AuthenticateStage"
    ours = f"{__name__}.SsoAwareAuthenticateStage"
    return [ours if path == original else path for path in stages]


def signed_in_by_sso(request: HttpRequest) -> bool:
    from allauth.account.authentication import get_authentication_records

    providers = sso_config().provider_ids
    return any(
        record.get("method") == "socialaccount" and record.get("provider") in providers
        for record in get_authentication_records(request, getattr(request, "user", None))
    )


def _use_sso_instead(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        _(
            "Staff accounts sign in with %(name)s only: use the “Sign in with %(name)s” "
            "button below."
        )
        % {"name": sso_config().name},
    )
    return redirect("account_login")


def sso_login_refusal(
    request: HttpRequest, user: Any, *, signal_kwargs: dict[str, Any] | None
) -> HttpResponse | None:
    """With SSO_REQUIRED_FOR_STAFF, a staff account may sign in by single sign-on only: a
    password (after a reset too), an email link, another social login are refused."""
    if not sso_config().required_for_staff or not user_holds_staff_role(user):
        return None
    sociallogin = (signal_kwargs or {}).get("sociallogin")
    if isinstance(sociallogin, SocialLogin) and is_sso_login(sociallogin):
        return None
    return _use_sso_instead(request)


class SsoRequiredForStaffMiddleware:
    """With SSO_REQUIRED_FOR_STAFF, a staff session that did not come through single sign-on
    (from before the setting, or a member given a role since) is signed out."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            sso_config().required_for_staff
            and user_holds_staff_role(request.user)
            and not signed_in_by_sso(request)
        ):
            logout(request)
            return _use_sso_instead(request)
        response: HttpResponse = self.get_response(request)
        return response
