"""Who may do what through the API, before the services check the site's own rules (sanctions,
pre-moderation, edit windows, roles), which raise 403 or 400 the same way."""

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.tokens import token_allows_writes


def read_only_token(request: Request) -> bool:
    return isinstance(request.auth, ApiToken) and not token_allows_writes(request.auth)


class ReadOpenWriteScoped(permissions.BasePermission):
    """Anyone reads what they could read on the site; writes need a signed-in member, and a
    token with the write scope when it is a token."""

    message = "This API token is read-only: create a token with the write scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            self.message = "Sign in or send an API token to do this."
            return False
        return not read_only_token(request)


class SignedIn(ReadOpenWriteScoped):
    """Only for a signed-in member (the current member's own data)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            self.message = "Sign in or send an API token to do this."
            return False
        return super().has_permission(request, view)


class HasPermission(ReadOpenWriteScoped):
    """A Django permission of the site's roles (accounts.roles), e.g. themes for product
    managers. Subclass with `permission = "ideas.manage_themes"`."""

    permission = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            self.message = "Sign in or send an API token to do this."
            return False
        if not request.user.has_perm(self.permission):
            self.message = "Your role does not allow this."
            return False
        return super().has_permission(request, view)
