"""Who is calling: a personal API token (accounts.tokens) in `Authorization: Bearer`, or the
site's session (with Django's CSRF check on writes, as DRF does)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.tokens import token_find, token_refusal, token_touch

SessionAuthentication = authentication.SessionAuthentication


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ruche_<prefix>_<secret>`. A token that is unknown, revoked,
    expired, of a closed account or of staff without two-factor is refused with 401; the
    request's `auth` is the ApiToken, whose scope the permissions read."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _sep, secret = header.partition(" ")
        if keyword != self.keyword or not secret.strip():
            return None
        token = token_find(secret.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is not valid.")
        refusal = token_refusal(token)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "community.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile: ruche_<prefix>_<secret>.",
        }
