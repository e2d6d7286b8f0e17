""" "Re-run now" survives Redis: the request is an outbox event in PostgreSQL, not a message.

An ops check found a request lost: queued just before Redis restarted empty, the page said
"requested" and nothing ran until the nightly run. Here a Redis started by the test is the broker
(never the shared one), and a real worker runs with its beat (the outbox sweep every 2 seconds,
tests/integration/conftest.py). Each test asserts that exactly one run answers the request, once
Redis and the worker are back, without anyone clicking again.
"""

import time
from collections.abc import Callable

import pytest
import redis
from django.urls import reverse

from config.celery import app as celery_app
from config.outbox.delivery import deliver
from config.outbox.models import OutboxEvent
from ideas.models import ClusteringRun, RunState
from ideas.themes import runs
from tests.integration.conftest import RedisServer, wait_until
from tests.themes.data import GROUPS

pytestmark = pytest.mark.integration

REQUESTED = "themes.run_requested"


@pytest.fixture
def baseline(transactional_db, make_ideas, monkeypatch, settings) -> ClusteringRun:  # type: ignore[no-untyped-def]
    """Ideas and a published run (so the worker's first start queues no run of its own); title
    words for the runs, here and in the worker it starts, which inherits this environment."""
    monkeypatch.setenv("THEMES_BACKEND", "tfidf")
    settings.THEMES_BACKEND = "tfidf"
    make_ideas(GROUPS)
    run = runs.run_recluster(trigger="nightly")
    assert run is not None
    return run


def _answered(product_manager) -> Callable[[], bool]:  # type: ignore[no-untyped-def]
    """A run the product manager asked for is published, and no request waits any more."""

    def check() -> bool:
        return (
            ClusteringRun.objects.filter(
                requested_by=product_manager, trigger="manual", state=RunState.PUBLISHED
            ).exists()
            and not OutboxEvent.objects.filter(name=REQUESTED, delivered_at__isnull=True).exists()
        )

    return check


def _request_a_run(client, product_manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(product_manager)
    response = client.post(reverse("themes:rerun"), follow=True)
    assert response.status_code == 200
    assert "A new run was requested. It starts as soon as the worker can take it" in response.text


def _queued_messages(server: RedisServer) -> int:
    with redis.Redis(host="127.0.0.1", port=server.port) as broker:
        return int(broker.llen(celery_app.conf.task_default_queue))


def test_a_rerun_asked_twice_while_redis_is_down_runs_once_when_it_is_back(
    request, baseline, client, product_manager, redis_server
):
    worker = request.getfixturevalue("worker_with_beat")
    redis_server.stop()
    _request_a_run(client, product_manager)
    _request_a_run(client, product_manager)  # no answer came: clicked again
    assert OutboxEvent.objects.filter(name=REQUESTED, delivered_at__isnull=True).count() == 2
    time.sleep(3)  # an outage the nudges could not reach through
    redis_server.start()  # empty

    wait_until(_answered(product_manager), seconds=180, worker=worker)
    time.sleep(6)  # three more sweeps: no second run
    assert ClusteringRun.objects.exclude(pk=baseline.pk).count() == 1
    assert worker.process.poll() is None


def test_a_rerun_whose_task_redis_lost_runs_all_the_same(
    request, baseline, settings, client, product_manager, redis_server
):
    """The request's event was delivered and its consumer queued the run's task: then Redis
    restarted empty before a worker took the task. The event was not marked delivered (no run
    claimed since the request), so the sweep delivers it again and the task is queued again."""
    settings.OUTBOX_SWEEP_SECONDS = 2  # the wait the consumer asks for, as in the worker
    _request_a_run(client, product_manager)
    [row] = OutboxEvent.objects.filter(name=REQUESTED)
    # A worker delivers it (this process here, no worker is running yet).
    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert row.delivered_at is None
    assert row.attempts == 0
    assert _queued_messages(redis_server) == 2  # the nudge and the run's task

    redis_server.stop()
    redis_server.start()  # restarted empty: both messages are gone
    assert _queued_messages(redis_server) == 0
    worker = request.getfixturevalue("worker_with_beat")

    wait_until(_answered(product_manager), seconds=180, worker=worker)
    time.sleep(6)
    assert ClusteringRun.objects.exclude(pk=baseline.pk).count() == 1
