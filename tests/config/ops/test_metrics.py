"""/metrics: Prometheus text a bank's monitoring scrapes, from allowed addresses or with a token."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from config.ops.heartbeat import heartbeat_beat
from ideas.models import ClusteringRun, RunState

pytestmark = pytest.mark.django_db

SAMPLE = re.compile(r"^([a-z_]+)(\{.*\})? (\S+)$")


def samples(text: str) -> dict[str, float]:
    """{'name{labels}': value} for every sample line of an exposition."""
    found = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        found[f"{match[1]}{match[2] or ''}"] = float(match[3])
    return found


def scrape(client) -> dict[str, float]:  # type: ignore[no-untyped-def]
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return samples(response.content.decode())


def test_metrics_are_refused_to_an_address_not_allowed(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert b"ruche_" not in response.content


def test_metrics_are_served_to_an_allowed_network(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 403
    assert client.get("/metrics").status_code == 403  # loopback is no longer in the list


def test_metrics_are_served_with_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert (
        client.get(
            "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", **outside
        ).status_code
        == 200
    )
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 403
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION="s3cret-scrape-token", **outside).status_code
        == 403
    )


def test_an_empty_token_setting_lets_no_one_in_by_token(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403


def test_request_latency_is_a_histogram_by_view_method_and_status_class(client):
    for _ in range(3):
        assert client.get("/ideas/").status_code == 200
    client.get("/ideas/", {"sort": "new"})
    found = scrape(client)
    labels = 'view="ideas:list",method="GET",status="2xx"'
    assert found[f"ruche_http_request_duration_seconds_count{{{labels}}}"] == 4
    assert found[f'ruche_http_request_duration_seconds_bucket{{{labels},le="+Inf"}}'] == 4
    buckets = [
        v
        for k, v in found.items()
        if k.startswith(f"ruche_http_request_duration_seconds_bucket{{{labels}")
    ]
    assert buckets == sorted(buckets)  # cumulative
    assert 0 < found[f"ruche_http_request_duration_seconds_sum{{{labels}}}"] < 60
    # the probes and the scrape itself are not counted
    assert not any("health" in key or "metrics" in key for key in found if "duration" in key)


def test_urls_that_match_no_view_share_one_series(client):
    for n in range(5):
        assert client.get(f"/no-such-page-{n}/").status_code == 404
    found = scrape(client)
    assert (
        found[
            'ruche_http_request_duration_seconds_count{view="unmatched",method="GET",status="4xx"}'
        ]
        == 5
    )
    assert not any("no-such-page" in key for key in found)


def test_a_503_answered_before_the_url_was_resolved_keeps_its_view_name(client, monkeypatch):
    """The database down while the session is read: the outage page comes from a middleware
    before Django resolves the URL, and is counted under the page asked for, not "unmatched"."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db import OperationalError

    def refused(self, request):  # type: ignore[no-untyped-def]
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionMiddleware, "process_request", refused)
    visitor = Client(raise_request_exception=False)
    assert visitor.get("/ideas/").status_code == 503
    assert visitor.get("/no-such-page/").status_code == 503
    monkeypatch.undo()
    found = scrape(client)
    assert (
        found[
            'ruche_http_request_duration_seconds_count{view="ideas:list",method="GET",status="5xx"}'
        ]
        == 1
    )
    assert (
        found[
            'ruche_http_request_duration_seconds_count{view="unmatched",method="GET",status="5xx"}'
        ]
        == 1
    )


def test_queue_lengths_count_the_tasks_waiting_in_each_queue(client):
    queue = f"test-metrics-{uuid.uuid4().hex[:10]}"
    saved = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = queue, False
    try:
        for _ in range(2):
            celery_app.send_task("ideas.tasks.recluster_if_needed", queue=queue)
        found = scrape(client)
    finally:
        celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = saved
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
    assert found[f'ruche_celery_queue_length{{queue="{queue}"}}'] == 2


def test_theme_run_duration_and_state_come_from_the_latest_runs(client):
    now = timezone.now()
    published = ClusteringRun.objects.create(
        trigger="nightly", state=RunState.PUBLISHED, finished_at=now, duration_seconds=12.5
    )
    ClusteringRun.objects.filter(pk=published.pk).update(started_at=now - timedelta(hours=1))
    found = scrape(client)
    assert found['ruche_theme_run_last_duration_seconds{state="published"}'] == 12.5
    assert found["ruche_theme_run_last_failed"] == 0
    assert found["ruche_theme_run_running_seconds"] == 0

    failed = ClusteringRun.objects.create(trigger="manual", state=RunState.FAILED, finished_at=now)
    ClusteringRun.objects.filter(pk=failed.pk).update(started_at=now - timedelta(seconds=40))
    running = ClusteringRun.objects.create(trigger="manual")
    ClusteringRun.objects.filter(pk=running.pk).update(started_at=now - timedelta(seconds=90))
    found = scrape(client)
    assert found['ruche_theme_run_last_duration_seconds{state="failed"}'] == pytest.approx(
        40, abs=1
    )
    assert found["ruche_theme_run_last_failed"] == 1
    assert 89 < found["ruche_theme_run_running_seconds"] < 120


def test_a_theme_run_that_lost_its_worker_counts_as_failed_not_as_under_way(client, settings):
    """Killed mid-run, a run stays `running` in the table until the next claim; the dashboard
    says "its worker was lost" once its heartbeat is stale, and so do the gauges."""
    now = timezone.now()
    ClusteringRun.objects.create(trigger="nightly", state=RunState.PUBLISHED, finished_at=now)
    stale = now - timedelta(seconds=settings.THEMES_RUN_STALE_SECONDS + 1)
    lost = ClusteringRun.objects.create(trigger="manual", heartbeat_at=stale)
    ClusteringRun.objects.filter(pk=lost.pk).update(started_at=stale)
    found = scrape(client)
    assert found["ruche_theme_run_last_failed"] == 1
    assert found["ruche_theme_run_running_seconds"] == 0
    assert found['ruche_health_check_ok{check="themes"}'] == 0


def test_the_worker_heartbeat_and_each_readiness_check_are_gauges(client):
    heartbeat_beat()
    found = scrape(client)
    assert 0 <= found["ruche_worker_heartbeat_age_seconds"] < 5
    for check in ("database", "broker", "cache", "worker", "themes"):
        assert found[f'ruche_health_check_ok{{check="{check}"}}'] == 1


def test_tasks_run_in_process_are_counted_by_outcome(client):
    from ideas.tasks import recluster_if_needed

    recluster_if_needed.delay()  # eager in unit tests: Celery still sends its signals
    recluster_if_needed.delay()
    found = scrape(client)
    assert (
        found[
            'ruche_celery_tasks_total{task="ideas.tasks.recluster_if_needed",outcome="succeeded"}'
        ]
        == 2
    )


def test_the_outbox_backlog_is_the_waiting_events_and_the_oldest_ones_age(client):
    from config.outbox.models import OutboxEvent

    found = scrape(client)
    assert found["ruche_outbox_events_waiting"] == 0
    assert found["ruche_outbox_oldest_waiting_seconds"] == 0
    now = timezone.now()
    OutboxEvent.objects.create(name="idea.published", payload={"idea_id": 1}, created_at=now)
    OutboxEvent.objects.create(
        name="idea.published", payload={"idea_id": 2}, created_at=now - timedelta(seconds=300)
    )
    OutboxEvent.objects.create(
        name="idea.published",
        payload={"idea_id": 3},
        created_at=now - timedelta(hours=2),
        delivered_at=now,
    )
    found = scrape(client)
    assert found["ruche_outbox_events_waiting"] == 2
    assert found["ruche_outbox_oldest_waiting_seconds"] == pytest.approx(300, abs=5)
