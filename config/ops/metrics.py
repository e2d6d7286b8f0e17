"""Prometheus metrics, in the text exposition format, written by hand (a few dozen lines, no
client library to keep in multiprocess mode).

Counts are kept in the operations store (config.ops.store), shared by every web and worker
process, so whichever process answers a scrape reports the totals:
- request latency: RequestMetricsMiddleware adds each request to a histogram by view name, method
  and status class (added up in the process, written to Redis in one round trip per second);
- task outcomes: Celery's task_success, task_failure and task_retry signals, in the worker.
Gauges are read when scraped: queue lengths from the broker, the worker heartbeat's age, the
latest themes runs and the outbox backlog from the database, and each readiness check.
"""

import hmac
import ipaddress
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from config.ops import health
from config.ops.heartbeat import heartbeat_age
from config.ops.store import flush_pending, record, record_soon, store
from config.ratelimit import client_ip

logger = logging.getLogger(__name__)

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SEP = "|"


# --- Recording --------------------------------------------------------------------------------


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    series = SEP.join((view.replace(SEP, "_"), method, f"{status // 100}xx"))
    bucket = next((str(b) for b in BUCKETS if seconds <= b), "+Inf")
    record_soon(
        "http",
        {f"{series}{SEP}{bucket}": 1, f"{series}{SEP}count": 1, f"{series}{SEP}sum": seconds},
    )


class RequestMetricsMiddleware:
    """Times every request (the health and metrics endpoints answer before it and are not
    counted). Unresolved URLs (404s from the resolver) share the view name "unmatched", so a
    scan of random URLs cannot create new series."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        request_observe(
            view=_view_name(request, response),
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response


def _view_name(request: HttpRequest, response: HttpResponse) -> str:
    """The URL name of the view asked for, also when a middleware answered before Django resolved
    the URL (the outage page while the session cannot be read); "unmatched" when none matches.
    A resolver's 404 is not resolved a second time."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name)
    if response.status_code == 404:
        return "unmatched"
    try:
        return str(resolve(request.path_info).view_name)
    except Resolver404:
        return "unmatched"


def _task_outcome(sender: Any, outcome: str) -> None:
    name = getattr(sender, "name", None) or "unknown"
    record("tasks", {f"{name}{SEP}{outcome}": 1})


@task_success.connect
def _count_success(sender: Any = None, **kwargs: Any) -> None:
    _task_outcome(sender, "succeeded")


@task_failure.connect
def _count_failure(sender: Any = None, **kwargs: Any) -> None:
    _task_outcome(sender, "failed")


@task_retry.connect
def _count_retry(sender: Any = None, **kwargs: Any) -> None:
    _task_outcome(sender, "retried")


# --- Access -----------------------------------------------------------------------------------


def metrics_allowed(request: HttpRequest) -> bool:
    """From an address in METRICS_ALLOWED_IPS, or with `Authorization: Bearer <METRICS_TOKEN>`."""
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_IPS
    )


# --- Exposition -------------------------------------------------------------------------------


def _label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    return ",".join(f'{k}="{_label_value(v)}"' for k, v in labels.items())


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, value: float, labels: str = "") -> None:
        self.lines.append(
            f"{name}{{{labels}}} {_number(value)}" if labels else f"{name} {_number(value)}"
        )

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _http_latency(out: Exposition) -> None:
    name = "ruche_http_request_duration_seconds"
    out.family(
        name, "histogram", "Time to answer a request, by view name, method and status class."
    )
    series: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for field, value in store().read("http").items():
        view, method, status, part = field.split(SEP)
        series[(view, method, status)][part] = value
    for (view, method, status), parts in sorted(series.items()):
        labels = _labels(view=view, method=method, status=status)
        cumulative = 0.0
        for bound in BUCKETS:
            cumulative += parts.get(str(bound), 0)
            out.sample(f"{name}_bucket", cumulative, f'{labels},le="{bound}"')
        out.sample(f"{name}_bucket", parts.get("count", 0), f'{labels},le="+Inf"')
        out.sample(f"{name}_sum", parts.get("sum", 0), labels)
        out.sample(f"{name}_count", parts.get("count", 0), labels)


def _tasks(out: Exposition) -> None:
    name = "ruche_celery_tasks_total"
    out.family(name, "counter", "Celery tasks finished, by task name and outcome.")
    for field, value in sorted(store().read("tasks").items()):
        task, outcome = field.split(SEP)
        out.sample(name, value, _labels(task=task, outcome=outcome))


def queue_names() -> list[str]:
    from config.celery import app as celery_app

    conf = celery_app.conf
    names = {conf.task_default_queue}
    names.update(queue.name for queue in conf.task_queues or ())
    routes = conf.task_routes if isinstance(conf.task_routes, dict) else {}
    names.update(r["queue"] for r in routes.values() if isinstance(r, dict) and "queue" in r)
    return sorted(names)


def queue_lengths(names: Iterable[str]) -> dict[str, int]:
    """Messages waiting in each queue (not those a worker has taken and not yet acknowledged)."""
    folder = health.filesystem_queue_folder()
    if folder is not None:  # kombu names each message file <time>_<uuid>.<queue>.msg
        files = [p.name.partition(".")[2] for p in folder.iterdir()]
        return {name: files.count(f"{name}.msg") for name in names}
    import redis

    # A publisher's timeouts: a Redis that hangs costs a scrape half a second, not 2 s a queue.
    options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    client = redis.Redis.from_url(
        health.broker_url(),
        socket_timeout=options["socket_timeout"],
        socket_connect_timeout=options["socket_connect_timeout"],
    )
    # kombu's Redis transport keeps one list per queue and priority step.
    steps = ["", "\x06\x163", "\x06\x166", "\x06\x169"]
    return {name: sum(int(client.llen(name + step)) for step in steps) for name in names}  # type: ignore[arg-type]


def _queues(out: Exposition) -> None:
    name = "ruche_celery_queue_length"
    out.family(name, "gauge", "Tasks waiting in each Celery queue.")
    for queue, length in queue_lengths(queue_names()).items():
        out.sample(name, length, _labels(queue=queue))


def _worker(out: Exposition) -> None:
    age = heartbeat_age()
    if age is not None:
        out.family(
            "ruche_worker_heartbeat_age_seconds", "gauge", "Seconds since a worker's heartbeat."
        )
        out.sample("ruche_worker_heartbeat_age_seconds", round(age, 3))


def _themes(out: Exposition) -> None:
    from ideas.models import ClusteringRun, RunState
    from ideas.themes.selectors import lost_runs

    # A run whose worker died stays `running` in the table until the next claim marks it failed:
    # counted as failed (as the dashboard says "its worker was lost"), not as under way.
    lost = lost_runs(now=timezone.now())
    any_lost = lost.exists()
    finished = (
        ClusteringRun.objects.exclude(state=RunState.RUNNING)
        .order_by("-started_at")
        .only("state", "started_at", "finished_at", "duration_seconds")
        .first()
    )
    if finished is not None:
        duration = finished.duration_seconds
        if duration is None and finished.finished_at:
            duration = (finished.finished_at - finished.started_at).total_seconds()
        name = "ruche_theme_run_last_duration_seconds"
        out.family(name, "gauge", "Duration of the latest finished themes run, by its state.")
        out.sample(name, round(duration or 0.0, 3), _labels(state=finished.state))
    if finished is not None or any_lost:
        name = "ruche_theme_run_last_failed"
        out.family(name, "gauge", "1 if the latest finished themes run failed, else 0.")
        failed = any_lost or (finished is not None and finished.state == RunState.FAILED)
        out.sample(name, int(failed))
    if finished is not None and finished.finished_at:
        name = "ruche_theme_run_last_finished_timestamp_seconds"
        out.family(name, "gauge", "When the latest finished themes run ended (Unix time).")
        out.sample(name, round(finished.finished_at.timestamp(), 3))
    running = (
        ClusteringRun.objects.filter(state=RunState.RUNNING)
        .exclude(pk__in=lost.values("pk"))
        .values_list("started_at", flat=True)
    )
    started = running.first()
    name = "ruche_theme_run_running_seconds"
    out.family(name, "gauge", "How long the themes run under way has been running (0: none).")
    out.sample(name, round((timezone.now() - started).total_seconds(), 3) if started else 0)


def _outbox(out: Exposition) -> None:
    from config.outbox.delivery import backlog

    waiting, oldest = backlog()
    name = "ruche_outbox_events_waiting"
    out.family(name, "gauge", "Events recorded and not yet delivered to all their consumers.")
    out.sample(name, waiting)
    name = "ruche_outbox_oldest_waiting_seconds"
    out.family(name, "gauge", "Age of the oldest event waiting for delivery (0: none).")
    out.sample(name, round((timezone.now() - oldest).total_seconds(), 3) if oldest else 0)


def _health(out: Exposition) -> None:
    _, results = health.readiness()
    name = "ruche_health_check_ok"
    out.family(name, "gauge", "1 if the readiness check passes, else 0.")
    for check, result in results.items():
        out.sample(name, int(result["status"] == "ok"), _labels(check=check))


SECTIONS: tuple[Callable[[Exposition], None], ...] = (
    _http_latency,
    _tasks,
    _queues,
    _worker,
    _themes,
    _outbox,
    _health,
)


def exposition() -> str:
    """Every metric; a section whose source is down is left out (and logged), the rest stay."""
    out = Exposition()
    flush_pending()
    for section in SECTIONS:
        mark = len(out.lines)
        try:
            section(out)
        except Exception:
            del out.lines[mark:]
            logger.warning("Metrics section %s failed", section.__name__, exc_info=True)
    return out.text()
