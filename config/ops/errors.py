"""Branded error pages, and a 503 with Retry-After while the database is down.

A Redis outage does not get here: the cache degrades (config/cache.py: security counters move to
the database, other callers carry on without it) and queueing a task never raises into a request.
Redis connection errors still count as an outage, so one that escapes anyway gets the 503 page
rather than a bare 500.

When PostgreSQL stops, every request raises a connection error; Django would answer a bare
500 to each. Instead:
1. OutageMiddleware.process_exception turns a connection error raised by a view (or while its
   template renders) into the 503 page.
2. `server_error` (handler500) does the same for one raised anywhere else, e.g. in a middleware
   reading the session, and renders the branded 500 page for everything else.
3. Both pages are rendered without the request: no context processor runs, so nothing reads the
   session, the user or their notifications from the database that is down. The templates
   (templates/error_base.html) are standalone.
Nothing needs restarting afterwards: Django closes a connection that failed at the end of the
request, and with CONN_HEALTH_CHECKS checks a kept connection before reusing it.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from config.branding import brand
from config.ops.requestid import current_request_id

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def outage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import redis

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency; keep working without it
        pass
    return tuple(errors)


OUTAGE_ERRORS = outage_errors()


def is_outage(exception: BaseException | None) -> bool:
    """A database or cache connection error (SQLite's "database is locked" counts: try again)."""
    return isinstance(exception, OUTAGE_ERRORS)


def outage_response() -> HttpResponse:
    context = {
        "retry_after": RETRY_AFTER_SECONDS,
        "request_id": current_request_id.get(),
        "brand": brand(),  # from the settings: nothing that may be down
    }
    body = loader.render_to_string("503.html", context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.error("Service unavailable: %s %s", request.method, request.path, exc_info=True)
        return outage_response()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside its `except` block, so sys.exc_info() is the error."""
    if is_outage(sys.exc_info()[1]):
        return outage_response()
    context = {"request_id": current_request_id.get(), "brand": brand()}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
