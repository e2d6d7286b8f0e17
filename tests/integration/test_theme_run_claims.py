"""A themes run whose worker is killed no longer blocks "Re-run now": its heartbeat stops, and
once it is older than THEMES_RUN_STALE_SECONDS a new run can start (not after the broker's
visibility timeout, which was an hour)."""

import os
import signal
import time

import pytest
from django.urls import reverse

from ideas.models import ClusteringRun, RunState
from ideas.tasks import recluster
from ideas.themes import runs
from tests.integration.conftest import wait_until
from tests.themes.data import GROUPS

pytestmark = pytest.mark.integration


def test_a_killed_run_gives_way_to_a_new_one_once_its_heartbeat_is_stale(
    start_worker, make_ideas, settings, client, product_manager
):
    settings.THEMES_RUN_STALE_SECONDS = 6  # six missed heartbeats (one a second)
    make_ideas(GROUPS)
    # An earlier run, so the worker's start does not queue one of its own.
    ClusteringRun.objects.create(trigger="startup", state=RunState.FAILED)
    worker = start_worker(
        RUCHE_TEST_PUBLISH_PAUSE_SECONDS="120",  # tests/integration/worker_hooks.py
        THEMES_RUN_HEARTBEAT_SECONDS="1",
        THEMES_BACKEND="tfidf",
    )
    recluster.delay(trigger="manual")
    wait_until(
        lambda: "Pausing 120.0 s before publishing" in worker.output(), seconds=240, worker=worker
    )
    running = ClusteringRun.objects.get(state=RunState.RUNNING)
    client.force_login(product_manager)
    # Its worker is alive: "Re-run now" says a run is under way, and nothing else can claim.
    response = client.post(reverse("themes:rerun"), follow=True)
    assert "already under way" in response.text
    assert runs.run_claim(trigger="manual") is None

    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    time.sleep(settings.THEMES_RUN_STALE_SECONDS + 2)

    # The dashboard says the run stopped, rather than "under way" until someone re-runs.
    dashboard = client.get(reverse("themes:dashboard")).text
    assert "The last run stopped: its worker was lost." in dashboard
    assert "A new run is under way" not in dashboard

    response = client.post(reverse("themes:rerun"), follow=True)
    assert "A new run was requested" in response.text
    fresh = runs.run_claim(trigger="manual")
    assert fresh is not None
    running.refresh_from_db()
    assert running.state == RunState.FAILED
    assert running.error == "The worker was lost mid-run."
