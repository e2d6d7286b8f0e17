"""Clustering runs in a real worker process: one that succeeds, and one killed mid-publish."""

import os
import signal

import pytest

from ideas.models import ClusteringRun, RunState, Theme, ThemeMembership
from ideas.tasks import recluster
from ideas.themes import runs
from ideas.themes.selectors import published_run, theme_members_of_run
from tests.integration.conftest import wait_until
from tests.themes.data import GROUPS

pytestmark = pytest.mark.integration


def test_a_worker_process_runs_the_clustering_and_publishes(start_worker, make_ideas):
    make_ideas(GROUPS)
    worker = start_worker()
    recluster.delay(trigger="manual")
    wait_until(
        lambda: ClusteringRun.objects.filter(state=RunState.PUBLISHED).exists(),
        seconds=120,
        worker=worker,
    )
    run = published_run()
    assert run is not None
    assert run.idea_count == 24
    assert run.theme_count >= 3
    assert ThemeMembership.objects.filter(run=run).count() == run.themed_count
    assert "ideas.tasks.recluster" in worker.output()


def test_a_worker_killed_while_publishing_leaves_the_previous_themes_intact(
    start_worker, make_ideas
):
    make_ideas(GROUPS)
    first = runs.run_recluster(trigger="manual")
    before_members = theme_members_of_run(first)
    before_themes = list(Theme.objects.order_by("pk").values("pk", "label", "size", "is_active"))

    # The worker pauses inside its publishing transaction, after writing the new themes and
    # memberships: the moment a crash would do the most harm.
    worker = start_worker(RUCHE_TEST_PUBLISH_PAUSE_SECONDS="60")
    recluster.delay(trigger="manual")
    wait_until(
        lambda: "Pausing 60.0 s before publishing" in worker.output(), seconds=120, worker=worker
    )
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)

    assert published_run() == first
    assert theme_members_of_run(first) == before_members
    assert (
        list(Theme.objects.order_by("pk").values("pk", "label", "size", "is_active"))
        == before_themes
    )
    killed = ClusteringRun.objects.exclude(pk=first.pk).get()
    assert killed.state == RunState.RUNNING  # claimed, never published
    assert not ThemeMembership.objects.filter(run=killed).exists()
