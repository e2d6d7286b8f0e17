"""The `sso` provider: allauth's OpenID Connect provider for the bank's identity provider, with
a nonce in every authorization request (checked in accounts.sso.views). One identity provider,
configured from the environment (accounts.sso.config), under /accounts/sso/login/."""

import secrets
from typing import Any

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode

from accounts.sso.config import OIDC_PROVIDER_ID


class SsoProvider(OpenIDConnectProvider):
    id = OIDC_PROVIDER_ID
    name = "Single sign-on"

    def get_login_url(self, request: HttpRequest, **kwargs: Any) -> str:
        url = reverse("sso_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self) -> str:
        return reverse("sso_callback")

    def get_oauth2_adapter(self, request: HttpRequest) -> Any:
        from accounts.sso.views import SsoAdapter

        return SsoAdapter(request)

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        """Send a fresh nonce with the request and keep it in the login's state: the id_token
        must carry it back (OpenID Connect Core 3.1.2.1), so a token issued for another login
        (stolen, or replayed from a log) is refused."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params)
        auth_params["nonce"] = nonce
        response: HttpResponse = super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
        return response


provider_classes = [SsoProvider]
