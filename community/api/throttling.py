"""Requests per token, per signed-in member or per address (settings.REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES), on top of the site's own write limits (config.ratelimit), which the
views apply to submitting, commenting and voting as the pages do."""

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken
from config.ratelimit import client_ip


class ApiThrottle(SimpleRateThrottle):
    """Each token has its own budget; a session its member's; anonymous callers their
    address's. 429 with Retry-After past it."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiToken):
            self.scope = "token"
        elif request.user and request.user.is_authenticated:
            self.scope = "user"
        else:
            self.scope = "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        scope = getattr(self, "scope", None)
        if scope is None:  # __init__ asks before allow_request has chosen one
            return None
        # Read at each request, so a change of settings (tests) takes effect at once.
        return str(api_settings.DEFAULT_THROTTLE_RATES[scope])

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{client_ip(request._request)}"
        return f"throttle:api:{ident}"
