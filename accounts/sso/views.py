"""The login and callback views of the `sso` provider: allauth's OpenID Connect views with an
adapter that checks more than allauth's own.

allauth skips the id_token's signature when the token came straight from the token endpoint
(which OpenID Connect allows over TLS) and sends no nonce. For staff sessions Ruche checks both:
the signature against the provider's published keys (RS/PS/ES algorithms only), the issuer, the
audience, the expiry, the nonce of this very login, and that userinfo speaks of the same subject.
The MFA claim (`amr`) is trusted only from such a token (accounts.sso.login).
"""

import hmac
import logging
from typing import Any

import jwt
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from requests import RequestException

from accounts.sso.config import OIDC_PROVIDER_ID

logger = logging.getLogger(__name__)

# Asymmetric algorithms only: never "none", never HS* (whose key would be the public one).
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
CLOCK_SKEW_SECONDS = 60


class SsoAdapter(OpenIDConnectOAuth2Adapter):
    # The nonce this login sent, set by SsoCallbackView from the login's state.
    expected_nonce: str | None = None

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request, OIDC_PROVIDER_ID)

    def get_callback_url(self, request: HttpRequest, app: SocialApp) -> str:
        return str(build_absolute_uri(request, reverse("sso_callback"), self.redirect_uri_protocol))

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("The identity provider sent no id_token.")
        claims = self._decode_id_token(app, id_token)
        data: dict[str, Any] = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            # OpenID Connect Core 5.3.2: userinfo about another subject must not be used.
            if str(userinfo.get("sub")) != str(claims.get("sub")):
                raise OAuth2Error("userinfo is about another subject than the id_token.")
            data["userinfo"] = userinfo
        try:
            login: SocialLogin = self.get_provider().sociallogin_from_response(request, data)
        except (ImproperlyConfigured, TypeError, ValueError) as error:
            # Claims allauth cannot store or read: a `sub` longer than its uid column (OpenID
            # Connect allows 255 characters, allauth keeps 191), an `email` that is a number.
            # The sign-in fails with allauth's message page, not a 500.
            raise OAuth2Error(f"The identity provider's claims cannot be used: {error}") from error
        return login

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(id_token)
            if header.get("alg") not in ALLOWED_ALGORITHMS:
                raise OAuth2Error(f"id_token signed with {header.get('alg')!r}, not allowed.")
            alg, key = jwtkit.fetch_key(
                id_token, self.openid_config["jwks_uri"], jwtkit.lookup_kid_jwk
            )
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key,
                algorithms=[alg],
                audience=app.client_id,
                issuer=self.openid_config["issuer"],
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
            )
        except (jwt.PyJWTError, KeyError) as error:
            raise OAuth2Error(f"Invalid id_token: {error}") from error
        nonce = str(claims.get("nonce", ""))
        if not self.expected_nonce or not hmac.compare_digest(nonce, self.expected_nonce):
            raise OAuth2Error("The id_token's nonce is not the one this login sent.")
        jwtkit.verify_jti(claims)  # a token seen once is refused (with its jti, until it expires)
        return claims


class SsoCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider: Any) -> tuple[Any, Any]:
        # allauth reads (and removes) the login's state before the code exchange; the nonce
        # kept in it is what the id_token must carry. (Private method of allauth's view, pinned
        # version: tests/accounts/sso/test_oidc_flow.py fails if it stops being called.)
        state, response = super()._get_state(request, provider)
        if isinstance(self.adapter, SsoAdapter):
            self.adapter.expected_nonce = (state or {}).get("nonce")
        return state, response


def login(request: HttpRequest) -> HttpResponse:
    adapter = SsoAdapter(request)
    try:
        response: HttpResponse = OAuth2LoginView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None  # single sign-on is not configured
    except (RequestException, ValueError) as error:
        # The identity provider's discovery document could not be fetched or read (it is down,
        # or answers with a page that is not JSON): the sign-in page says so, with a way back,
        # rather than a 500 for every staff member while the provider is out.
        logger.warning("single sign-on: the identity provider cannot be reached: %s", error)
        return render_authentication_error(request, adapter.get_provider(), exception=error)
    return response


def callback(request: HttpRequest) -> HttpResponse:
    try:
        response: HttpResponse = SsoCallbackView.adapter_view(SsoAdapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return response
