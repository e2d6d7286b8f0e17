"""/health/live and /health/ready: what a load balancer and a monitoring system see."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from config.celery import app as celery_app
from config.ops.heartbeat import KEY, heartbeat_beat
from ideas.models import ClusteringRun, RunState
from tests.config.ops.conftest import closed_port
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_live_answers_ok_without_a_query_whatever_the_host(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_the_old_healthz_answers_like_live(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_200_with_each_check_when_everything_works(client):
    heartbeat_beat()
    response = client.get("/health/ready", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database", "broker", "cache", "worker", "themes", "similar_search"
    }  # fmt: skip
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["worker"]["age_seconds"] < 5


def test_ready_stays_200_with_a_warning_when_the_similar_search_process_is_down(client, settings):
    """The site still suggests similar ideas by title words: no reason to take it out."""
    heartbeat_beat()
    settings.SIMILAR_SEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["similar_search"] == {
        "status": "warn",
        "reason": "unreachable: similar ideas by title words",
    }


def test_ready_is_503_before_any_worker_has_sent_a_heartbeat(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"] == {"status": "fail", "reason": "no heartbeat yet"}
    assert body["checks"]["database"] == {"status": "ok"}


def test_a_failing_probe_is_not_logged_as_an_error_of_the_site(client, caplog):
    """Probed every few seconds through an outage, /health/ready's 503 filled the error log
    (django.request, ERROR, one line a probe: ops check, 2026-12-04)."""
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/health/ready").status_code == 503
        assert client.get("/no-such-page-for-the-log/").status_code == 404
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "django.request"]
    assert not [m for m in logged if "/health/ready" in m[1]]
    assert ("WARNING", "Not Found: /no-such-page-for-the-log/") in logged  # others still are


def test_ready_is_503_when_the_last_heartbeat_is_older_than_the_limit(client, store, settings):
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 120
    store.put(KEY, time.time() - 300)
    worker = client.get("/health/ready").json()["checks"]["worker"]
    assert worker["status"] == "fail"
    assert worker["reason"] == "heartbeat too old"
    assert 299 < worker["age_seconds"] < 310
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 600
    assert client.get("/health/ready").json()["checks"]["worker"]["status"] == "ok"


def test_ready_is_503_while_the_last_theme_run_failed_and_200_once_one_is_published(client):
    heartbeat_beat()
    ClusteringRun.objects.create(trigger="nightly", state=RunState.PUBLISHED)
    ClusteringRun.objects.create(trigger="manual", state=RunState.FAILED, error="boom")
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["themes"] == {"status": "fail", "reason": "last run failed"}
    assert "boom" not in response.content.decode()

    ClusteringRun.objects.create(trigger="manual", state=RunState.PUBLISHED)
    ClusteringRun.objects.create(trigger="manual", state=RunState.RUNNING)  # not finished yet
    assert client.get("/health/ready").status_code == 200


def test_ready_is_503_while_a_theme_run_lost_its_worker(client, settings):
    """A run whose worker was killed stays `running` until the next claim marks it failed, which
    may be the next night: readiness says so as soon as the dashboard does (heartbeat stale)."""
    heartbeat_beat()
    ClusteringRun.objects.create(trigger="nightly", state=RunState.PUBLISHED)
    stale = timezone.now() - timedelta(seconds=settings.THEMES_RUN_STALE_SECONDS + 1)
    ClusteringRun.objects.create(trigger="manual", heartbeat_at=stale)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["themes"] == {
        "status": "fail",
        "reason": "last run lost its worker",
    }

    ClusteringRun.objects.filter(state=RunState.RUNNING).update(heartbeat_at=timezone.now())
    assert client.get("/health/ready").status_code == 200  # alive again: under way, not counted


def test_ready_is_503_when_the_cache_is_unreachable(client, settings):
    heartbeat_beat()
    port = closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["cache"] == {"status": "fail", "reason": "unreachable"}
    assert body["checks"]["database"] == {"status": "ok"}
    assert str(port) not in response.content.decode()


def test_ready_is_503_when_the_broker_is_unreachable(client):
    heartbeat_beat()
    port = closed_port()
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    try:
        started = time.monotonic()
        response = client.get("/health/ready")
        elapsed = time.monotonic() - started
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"status": "fail", "reason": "unreachable"}
    assert str(port) not in response.content.decode()
    assert "redis" not in response.content.decode().lower()
    assert elapsed < 5  # a short timeout: a probe must not hang


def test_health_answers_over_plain_http_when_the_site_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/ideas/").status_code == 301  # the site itself goes to https
    assert client.get("/health/live").status_code == 200
    heartbeat_beat()
    assert client.get("/health/ready").status_code == 200


def test_a_staff_member_without_two_factor_still_gets_the_health_answers(client):
    heartbeat_beat()
    moderator = UserFactory(role=roles.MODERATOR, mfa=False)
    client.force_login(moderator)  # has no authenticator app: every page sends them to set one up
    assert client.get("/ideas/").status_code == 302
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200


def test_posting_to_a_health_url_is_not_answered_by_the_probe(client):
    assert client.post("/health/live").status_code == 404
