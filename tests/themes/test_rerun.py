""" "Re-run now": the request is an outbox event in PostgreSQL, and its consumer has one full run
made for it however often it is clicked or delivered (the broker losing the task: the
integration test tests/integration/test_theme_rerun_outage.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from config.outbox.delivery import deliver
from config.outbox.events import record
from config.outbox.models import OutboxDelivery, OutboxEvent
from ideas.events import ThemeRunRequested
from ideas.models import ClusteringRun, RunState
from ideas.tasks import recluster
from ideas.themes import runs
from ideas.themes.services import run_request
from tests.themes.data import GROUPS

REQUESTED = "themes.run_requested"


def requests() -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(name=REQUESTED).order_by("pk"))


def test_run_request_records_the_request_and_queues_it_only_on_commit(
    product_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert run_request(requested_by=product_manager) == "queued"
    [row] = requests()
    assert row.delivered_at is None
    assert row.payload["requested_by_id"] == product_manager.pk
    assert len(callbacks) == 1  # the nudge, after the commit; nothing queued before it
    assert not ClusteringRun.objects.exists()


@pytest.mark.parametrize("who", ["alice", "partner", "moderator"])
def test_only_product_managers_and_admins_request_a_run(request, who, admin_user):
    with pytest.raises(PermissionDenied):
        run_request(requested_by=request.getfixturevalue(who))
    assert requests() == []
    assert run_request(requested_by=admin_user) == "queued"


def test_a_request_while_a_live_run_computes_says_so_and_records_nothing(product_manager):
    assert runs.run_claim(trigger="nightly") is not None
    assert run_request(requested_by=product_manager) == "under_way"
    assert requests() == []


def test_a_request_is_answered_by_one_full_run_even_if_delivered_twice(
    make_ideas, product_manager, django_capture_on_commit_callbacks
):
    make_ideas(GROUPS)
    with django_capture_on_commit_callbacks(execute=True):
        run_request(requested_by=product_manager)
    run = ClusteringRun.objects.get()
    assert (run.state, run.trigger, run.requested_by) == (
        RunState.PUBLISHED,
        "manual",
        product_manager,
    )
    [row] = requests()
    assert row.delivered_at is not None

    # Delivered again (a worker died before acknowledging it): the run claimed since answers it.
    OutboxDelivery.objects.filter(event=row).delete()
    OutboxEvent.objects.filter(pk=row.pk).update(delivered_at=None)
    assert deliver(row.pk) is True
    assert ClusteringRun.objects.count() == 1


def test_two_clicks_before_the_run_starts_make_one_run(
    make_ideas, product_manager, django_capture_on_commit_callbacks
):
    make_ideas(GROUPS)
    with django_capture_on_commit_callbacks():  # the broker lost both nudges
        assert run_request(requested_by=product_manager) == "queued"
        assert run_request(requested_by=product_manager) == "queued"
    first, second = requests()
    assert deliver(first.pk) is True
    assert deliver(second.pk) is True
    assert ClusteringRun.objects.get().state == RunState.PUBLISHED


def test_a_request_behind_a_run_already_claimed_waits_and_is_run_after_it(
    make_ideas, settings, product_manager
):
    """Claimed just before the request was recorded (between run_request's check and its
    write): that run does not answer it, since it read the ideas before the click."""
    settings.OUTBOX_SWEEP_SECONDS = 60
    make_ideas(GROUPS)
    earlier = runs.run_claim(trigger="nightly")
    assert earlier is not None
    now = timezone.now().isoformat()
    row = record(ThemeRunRequested(requested_by_id=product_manager.pk, requested_at=now))

    assert deliver(row.pk) is False  # its task found the claim taken: the request waits
    row.refresh_from_db()
    assert (row.delivered_at, row.attempts, row.last_error) == (None, 0, "")
    assert row.retry_at is not None
    assert row.retry_at > timezone.now() + timedelta(seconds=50)
    assert ClusteringRun.objects.count() == 1

    ClusteringRun.objects.filter(pk=earlier.pk).update(state=RunState.FAILED)
    assert deliver(row.pk) is True  # the next sweep: its task claims a run now
    assert ClusteringRun.objects.filter(state=RunState.PUBLISHED).count() == 1
    assert deliver(row.pk) is True
    assert ClusteringRun.objects.count() == 2


def test_the_task_of_a_request_answered_meanwhile_does_nothing(make_ideas):
    make_ideas(GROUPS)
    requested_at = timezone.now().isoformat()
    assert runs.run_recluster(trigger="nightly") is not None
    assert recluster.delay(trigger="manual", requested_at=requested_at).get() is None
    assert ClusteringRun.objects.count() == 1
    # A request made after that run is not answered by it.
    later = timezone.now().isoformat()
    assert recluster.delay(trigger="manual", requested_at=later).get() is not None
    assert ClusteringRun.objects.count() == 2
