"""A Redis that hangs (it accepts connections and answers nothing: SIGSTOP, as a blocked or
swapped-out server) costs a web request that queues a task about a second, not the worker's
socket timeout times its retries: in the ops check of 2026-12-04 one publish waited 40 s and an
idea post 52 s, near gunicorn's limit, after the idea was saved. The worker keeps its longer
timeout, which its consumer's blocking read needs (config.celery.worker_broker_timeouts).

A Redis started by the test is the broker; no worker consumes it.
"""

import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from kombu.exceptions import OperationalError

from config.celery import worker_broker_timeouts
from config.outbox.models import OutboxEvent
from config.outbox.tasks import deliver_event
from ideas.models import Vote
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.integration

# What a publisher may take against a hung Redis: its connect and read timeouts (0.5 s each)
# for the try and the one retry, with room for a loaded machine. The worker's timeouts took 40 s.
PUBLISH_BOUND = 4.0


def test_queueing_a_task_fails_within_seconds_while_redis_hangs(redis_server):
    deliver_event.delay(0)  # the connection is made and works
    redis_server.pause()
    try:
        start = time.monotonic()
        with pytest.raises(OperationalError):
            deliver_event.delay(0)
        elapsed = time.monotonic() - start
    finally:
        redis_server.resume()
    assert elapsed < PUBLISH_BOUND
    deliver_event.delay(0)  # and the next one goes through once Redis answers again


@pytest.mark.django_db(transaction=True)
def test_a_vote_while_redis_hangs_is_answered_in_seconds_and_kept_for_the_sweep(
    redis_server, client
):
    idea, voter = IdeaFactory(), UserFactory()
    client.force_login(voter)
    deliver_event.delay(0)
    redis_server.pause()
    try:
        start = time.monotonic()
        response = client.post(reverse("ideas:vote", args=[idea.pk]), {"voted": "1"})
        elapsed = time.monotonic() - start
    finally:
        redis_server.resume()
    assert response.status_code == 302
    assert elapsed < PUBLISH_BOUND
    assert Vote.objects.filter(idea=idea, user=voter).exists()
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).exists()  # for the sweep


@pytest.mark.django_db
def test_the_probes_answer_within_seconds_while_redis_hangs(redis_server, client, settings):
    """A monitoring system learns of the hang at once: /health/ready took 11 s, /metrics 14.5 s
    (ops check, 2026-12-04)."""
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    redis_server.pause()
    try:
        start = time.monotonic()
        ready = client.get("/health/ready")
        ready_seconds = time.monotonic() - start
        start = time.monotonic()
        metrics = client.get("/metrics")
        metrics_seconds = time.monotonic() - start
    finally:
        redis_server.resume()
    assert ready.status_code == 503
    assert ready.json()["checks"]["broker"]["status"] == "fail"
    assert ready_seconds < PUBLISH_BOUND
    assert metrics.status_code == 200
    assert "ruche_celery_queue_length" not in metrics.content.decode()  # left out, not stuck
    assert metrics_seconds < PUBLISH_BOUND


def test_only_the_worker_waits_longer_on_its_socket() -> None:
    web = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    assert float(web["socket_timeout"]) <= 1
    assert float(web["socket_connect_timeout"]) <= 1
    conf = SimpleNamespace(broker_transport_options=dict(web))
    worker_broker_timeouts(conf=conf)
    assert conf.broker_transport_options["socket_timeout"] == 10
    assert conf.broker_transport_options["socket_connect_timeout"] == 2
    assert conf.broker_transport_options["socket_timeout"] > 1  # its blocking read is 1 s
    assert conf.broker_transport_options["visibility_timeout"] == web["visibility_timeout"]
    # The filesystem queue of `make run` has no socket: left as it is.
    local = SimpleNamespace(broker_transport_options={"data_folder_in": "var/celery/queue"})
    worker_broker_timeouts(conf=local)
    assert local.broker_transport_options == {"data_folder_in": "var/celery/queue"}
