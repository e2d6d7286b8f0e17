"""/health/live, /health/ready and /metrics, answered before any other middleware.

Load balancers and Prometheus come by IP address (a Host header not in ALLOWED_HOSTS), over
plain HTTP, without cookies. Answering first, ahead of Django's SecurityMiddleware, CommonMiddleware
and sessions, means no host check, no redirect to HTTPS, no session or user lookup (so no
database query) and no two-factor redirect stands in their way, and a probe says nothing about
the visitor-facing stack except what it checks. Neither endpoint reveals anything secret.
"""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from config.ops import health, metrics

LIVE_PATHS = frozenset({"/health/live", "/health/live/", "/healthz"})
READY_PATHS = frozenset({"/health/ready", "/health/ready/"})
METRICS_PATHS = frozenset({"/metrics", "/metrics/"})


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), content_type="application/json", status=status)
    return _no_cache(response)


def _no_cache(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def live() -> HttpResponse:
    """The process is up and answering: nothing else is checked."""
    return _json({"status": "ok"}, 200)


def ready() -> HttpResponse:
    """200 when every dependency works, else 503; each check's status either way.

    A 503 here is the probe's answer, not an error of the site: it is not logged again by
    django.request at ERROR (a probe every few seconds through an outage filled the error log
    with one line each; the check that raised is logged once per probe at WARNING, and
    ruche_health_check_ok says which failed)."""
    ok, checks = health.readiness()
    response = _json({"status": "ok" if ok else "fail", "checks": checks}, 200 if ok else 503)
    if not ok:
        response._has_been_logged = True  # type: ignore[attr-defined]  # django.utils.log
    return response


def metrics_page(request: HttpRequest) -> HttpResponse:
    if not metrics.metrics_allowed(request):
        return _no_cache(HttpResponse("Forbidden\n", content_type="text/plain", status=403))
    return _no_cache(HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE))


class OpsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if request.method in ("GET", "HEAD"):
            if path in LIVE_PATHS:
                return live()
            if path in READY_PATHS:
                return ready()
            if path in METRICS_PATHS:
                return metrics_page(request)
        return self.get_response(request)
