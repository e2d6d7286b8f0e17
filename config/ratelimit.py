"""A small fixed-window rate limit on writes, per user and per IP address, kept in the cache.

With REDIS_URL the counters are shared by every web process; without it (make run) they live in
the single dev-server process. Limits are set in settings.RATE_LIMITS as (requests, seconds).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _client_ip(request: HttpRequest) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips);
    # X-Forwarded-For is not trusted here because any client can forge it.
    return request.META.get("REMOTE_ADDR", "unknown")


def is_rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count this request and say whether it goes over the scope's limit."""
    limit, period = settings.RATE_LIMITS[scope]
    keys = [f"ratelimit:{scope}:ip:{_client_ip(request)}"]
    if request.user.is_authenticated:
        keys.append(f"ratelimit:{scope}:user:{request.user.pk}")
    over = False
    for key in keys:
        cache.add(key, 0, timeout=period)  # starts the window; does nothing if it exists
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr: a new window
            cache.set(key, 1, timeout=period)
            count = 1
        over = over or count > limit
    return over


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
