"""What every API view shares: the error answers of the schema, the site's write limits, the
caller as a member."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse
from rest_framework.request import Request

from accounts.models import User
from community.api.errors import RateLimited
from config.ratelimit import is_rate_limited

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A 400 names each wrong field with its messages ("non_field_errors" for the others), or has a
# "detail" for a body that is not JSON.
_FIELDS = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERRORS = {
    400: OpenApiResponse(_FIELDS, description="Bad input: the fields named, with why."),
    401: OpenApiResponse(_DETAIL, description="No valid session or API token."),
    403: OpenApiResponse(_DETAIL, description="Not allowed (role, sanction, token scope...)."),
    404: OpenApiResponse(_DETAIL, description="Not there, or not visible to the caller."),
    409: OpenApiResponse(_DETAIL, description="The idea was merged into another one."),
    415: OpenApiResponse(_DETAIL, description="The body is not JSON."),
    429: OpenApiResponse(_DETAIL, description="Too many requests: see Retry-After."),
}


def errors(*codes: int) -> dict[int, Any]:
    """The error answers of an operation; any may meet a bad token (401) or a budget (429)."""
    return {code: ERRORS[code] for code in sorted({*codes, 401, 429})}


def limit(request: Request, scope: str) -> None:
    """The site's write limit of this scope (config.ratelimit), per member and address."""
    if is_rate_limited(request._request, scope):
        raise RateLimited(wait=settings.RATE_LIMITS[scope][1])


def member(request: Request) -> User:
    user = request.user
    assert isinstance(user, User), "behind a permission that requires a signed-in member"
    return user
