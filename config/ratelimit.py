"""A small fixed-window rate limit on writes, per user and per IP address, kept in the cache.

With REDIS_URL the counters are shared by every web process; without it (make run) they live in
the single dev-server process. Limits are set in settings.RATE_LIMITS as (requests, seconds).

When Redis is down, the scopes in settings.RATE_LIMITS_KEPT_WITHOUT_CACHE go on counting in the
database (config.cache); the others let every request through until it is back (fail open), with
a warning in the log. docs/security.md#when-the-cache-is-down gives the reasons.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.cache import REDIS_ERRORS, redis_script

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies (each appending to
    X-Forwarded-For), the address the outermost one saw: that many entries from the right.
    Entries further left are whatever the client sent, so they are never read; without proxies
    the header is ignored altogether. allauth reads it the same way (ALLAUTH_TRUSTED_PROXY_COUNT
    is set from the same variable)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        addresses = [address.strip() for address in forwarded if address.strip()]
        if len(addresses) >= count:
            return addresses[-count]
    return request.META.get("REMOTE_ADDR", "unknown")


def is_rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count this request and say whether it goes over the scope's limit."""
    limit, period = settings.RATE_LIMITS[scope]
    keys = [f"ratelimit:{scope}:ip:{client_ip(request)}"]
    if request.user.is_authenticated:
        keys.append(f"ratelimit:{scope}:user:{request.user.pk}")
    try:
        return any(count > limit for count in _count_all(keys, period=period))
    except REDIS_ERRORS:  # only scopes not kept in the database get here (config.cache)
        logger.warning("Rate limit %s not applied: the cache is unavailable", scope)
        return False


# Each key counted and, if it has no expiry yet (a new window), given one: one round trip for all
# the keys of a request, where `add` then `incr` (which asks EXISTS first) took three per key.
_WINDOW_SCRIPT = redis_script(
    """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
""",
)


def _count_all(keys: list[str], *, period: int) -> list[int]:
    """Count this request under each key. On Redis (the shared cache up), one script; the same
    keys and values as `_count`'s (Django's Redis cache stores integers as they are). Otherwise,
    and for a request that finds Redis failing, key by key through the cache, which routes
    the scopes kept without Redis to the database (config.cache)."""
    primary = getattr(cache, "primary", None)
    if isinstance(primary, RedisCache) and not cache.is_degraded():  # type: ignore[attr-defined]
        made = [primary.make_and_validate_key(key) for key in keys]
        try:
            client = primary._cache.get_client(made[0], write=True)  # type: ignore[attr-defined]
            return [int(n) for n in _WINDOW_SCRIPT(made, [period], client=client)]
        except REDIS_ERRORS:
            pass  # the cache's own calls below mark Redis down and use the fallback
    return [_count(key, period=period) for key in keys]


def _count(key: str, *, period: int) -> int:
    cache.add(key, 0, timeout=period)  # starts the window; does nothing if it exists
    try:
        return int(cache.incr(key))
    except ValueError:  # the key expired between add and incr: a new window
        cache.set(key, 1, timeout=period)
        return 1


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    """The 429 page for `scope`, saying when to try again."""
    _, period = settings.RATE_LIMITS[scope]
    response = render(request, "429.html", {"retry_after": period}, status=429)
    response["Retry-After"] = str(period)
    return response


def rate_limit(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 with a message when a POST goes over the limit of `scope`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and is_rate_limited(request, scope):
                return too_many_requests(request, scope)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
