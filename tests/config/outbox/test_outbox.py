"""The outbox: events are stored with the change, delivered once per consumer, never lost."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from config.outbox.delivery import backlog, deliver, purge, sweep
from config.outbox.events import Event, NotYet, event, record, subscribe
from config.outbox.models import OutboxDelivery, OutboxEvent
from config.outbox.tasks import deliver_event

pytestmark = pytest.mark.django_db

SEEN: list[tuple[str, int]] = []
FAIL_ONCE: set[int] = set()


@event("test.thing_happened")
@dataclass(frozen=True)
class ThingHappened(Event):
    thing_id: int


@event("test.nobody_listens")
@dataclass(frozen=True)
class NobodyListens(Event):
    thing_id: int


@subscribe(ThingHappened)
def first_consumer(happened: ThingHappened) -> None:
    SEEN.append(("first", happened.thing_id))


@subscribe(ThingHappened)
def flaky_consumer(happened: ThingHappened) -> None:
    if happened.thing_id in FAIL_ONCE:
        FAIL_ONCE.discard(happened.thing_id)
        OutboxEvent.objects.create(name="test.rolled_back", payload={})  # must not survive
        raise RuntimeError("the database blinked")
    SEEN.append(("flaky", happened.thing_id))


@event("test.work_handed_over")
@dataclass(frozen=True)
class WorkHandedOver(Event):
    thing_id: int


CLAIMED: set[int] = set()  # the work a task of the consumer's would have claimed by now


@subscribe(WorkHandedOver)
def hand_over_the_work(happened: WorkHandedOver) -> None:
    if happened.thing_id in CLAIMED:
        SEEN.append(("claimed", happened.thing_id))
        return
    OutboxEvent.objects.create(name="test.rolled_back", payload={})  # must not survive
    SEEN.append(("queued", happened.thing_id))
    raise NotYet("its task has not claimed the work yet")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    SEEN.clear()
    FAIL_ONCE.clear()
    CLAIMED.clear()


def test_an_event_is_stored_with_its_name_and_payload_and_delivered_on_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = record(ThingHappened(thing_id=7))
        assert SEEN == []  # nothing runs before the commit
    row.refresh_from_db()
    assert (row.name, row.payload) == ("test.thing_happened", {"thing_id": 7})
    assert row.delivered_at is not None
    assert SEEN == [("first", 7), ("flaky", 7)]
    assert set(row.deliveries.values_list("consumer", flat=True)) == {
        f"{__name__}.first_consumer",
        f"{__name__}.flaky_consumer",
    }


def test_an_event_rolled_back_with_its_change_is_never_delivered(
    django_capture_on_commit_callbacks,
):
    def change_that_fails() -> None:
        with transaction.atomic():
            record(ThingHappened(thing_id=8))
            raise ValueError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValueError, match="the change failed"),
    ):
        change_that_fails()
    assert callbacks == []
    assert not OutboxEvent.objects.filter(name="test.thing_happened").exists()
    assert SEEN == []


def test_delivering_twice_runs_each_consumer_once():
    row = record(ThingHappened(thing_id=9))
    assert deliver(row.pk) is True
    OutboxEvent.objects.filter(pk=row.pk).update(delivered_at=None)  # as if the sweep raced
    assert deliver(row.pk) is True
    assert SEEN == [("first", 9), ("flaky", 9)]
    assert OutboxDelivery.objects.filter(event=row).count() == 2


def test_a_failing_consumer_rolls_back_alone_and_is_retried_later():
    FAIL_ONCE.add(10)
    row = record(ThingHappened(thing_id=10))
    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert row.delivered_at is None
    assert row.attempts == 1
    assert "the database blinked" in row.last_error
    assert row.retry_at is not None
    assert row.retry_at > timezone.now()
    assert not OutboxEvent.objects.filter(name="test.rolled_back").exists()
    assert SEEN == [("first", 10)]
    assert sweep(budget_seconds=5) == 0  # not before its retry time

    OutboxEvent.objects.filter(pk=row.pk).update(
        retry_at=timezone.now(), created_at=timezone.now() - timedelta(minutes=1)
    )
    assert sweep(budget_seconds=5) == 1
    assert SEEN == [("first", 10), ("flaky", 10)]  # the first consumer did not run again
    row.refresh_from_db()
    assert row.delivered_at is not None


def test_a_consumer_not_yet_done_is_delivered_again_after_a_sweep_interval(settings, caplog):
    settings.OUTBOX_SWEEP_SECONDS = 60
    row = record(WorkHandedOver(thing_id=20))
    assert deliver(row.pk) is False
    row.refresh_from_db()
    # Waiting, as if it had never run: no delivery mark, no attempt, no error.
    assert row.delivered_at is None
    assert row.attempts == 0
    assert row.last_error == ""
    assert not OutboxDelivery.objects.filter(event=row).exists()
    assert not OutboxEvent.objects.filter(name="test.rolled_back").exists()
    assert row.retry_at is not None
    assert timedelta(seconds=55) < row.retry_at - timezone.now() <= timedelta(seconds=60)
    assert not [r for r in caplog.records if r.levelname in {"WARNING", "ERROR"}]
    OutboxEvent.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert sweep(budget_seconds=5, grace_seconds=0) == 0  # nor a relay, before its time

    OutboxEvent.objects.filter(pk=row.pk).update(retry_at=timezone.now())
    assert sweep(budget_seconds=5) == 0  # still not done: queued again, waits again
    CLAIMED.add(20)
    OutboxEvent.objects.filter(pk=row.pk).update(retry_at=timezone.now())
    assert sweep(budget_seconds=5) == 1
    assert SEEN == [("queued", 20), ("queued", 20), ("claimed", 20)]
    row.refresh_from_db()
    assert row.delivered_at is not None
    assert row.attempts == 0
    assert OutboxDelivery.objects.filter(event=row).count() == 1


def test_the_broker_being_down_never_reaches_the_request(
    django_capture_on_commit_callbacks, monkeypatch
):
    """The nudge cannot reach the broker: the change and its event are saved, the caller sees
    no error, the sweep delivers. (tests/integration/test_outbox_fault.py stops a real Redis.)"""

    def broker_down(*args: object, **kwargs: object) -> None:
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6400. Connection refused.")

    monkeypatch.setattr(deliver_event, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = record(ThingHappened(thing_id=11))
    assert SEEN == []
    assert backlog()[0] == 1
    OutboxEvent.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert sweep(budget_seconds=5) == 1
    assert SEEN == [("first", 11), ("flaky", 11)]
    assert backlog() == (0, None)


def test_the_sweep_leaves_a_fresh_event_to_its_nudge():
    record(ThingHappened(thing_id=12))
    assert sweep(budget_seconds=5) == 0
    assert SEEN == []


def test_an_event_nobody_consumes_is_stored_as_delivered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        row = record(NobodyListens(thing_id=1))
    assert callbacks == []
    assert row.delivered_at is not None
    assert backlog() == (0, None)


def test_delivered_events_are_purged_after_the_kept_days(settings):
    settings.OUTBOX_KEEP_DAYS = 7
    old = record(ThingHappened(thing_id=13))
    deliver(old.pk)
    OutboxEvent.objects.filter(pk=old.pk).update(delivered_at=timezone.now() - timedelta(days=8))
    recent = record(ThingHappened(thing_id=14))
    deliver(recent.pk)
    waiting = OutboxEvent.objects.create(
        name="test.thing_happened",
        payload={"thing_id": 15},
        created_at=timezone.now() - timedelta(days=30),
    )
    purge()
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


@pytest.fixture
def relay_every_second(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Production's nudge: one relay per second (eager here: it runs at once); the tests' cache is
    per process, so this process throttles its own relays (config.outbox.events.nudge, 3)."""
    from config.outbox import events

    settings.OUTBOX_NUDGE_SECONDS = 1.0
    monkeypatch.setattr(events, "_relay_covers_until", None)
    return events


def test_events_within_the_nudge_interval_queue_one_relay_that_delivers_them_all(
    relay_every_second, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = record(ThingHappened(thing_id=1))
    assert SEEN == [("first", 1), ("flaky", 1)]  # the relay it queued (run eagerly here)
    covered = relay_every_second._relay_covers_until
    assert covered is not None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        second = record(ThingHappened(thing_id=2))
    # Less than a second later: no message at all, the event waits for the queued relay.
    assert relay_every_second._relay_covers_until == covered
    assert ("first", 2) not in SEEN
    assert OutboxEvent.objects.get(pk=second.pk).delivered_at is None
    from config.outbox.tasks import relay_outbox

    assert relay_outbox() == 1  # what the queued relay does when its countdown ends
    assert SEEN.count(("first", 2)) == 1
    assert not OutboxEvent.objects.filter(pk__in=[first.pk, second.pk], delivered_at=None).exists()


def test_a_relay_that_could_not_be_queued_is_tried_again_by_the_next_event(
    relay_every_second, monkeypatch, django_capture_on_commit_callbacks
):
    from config.outbox.tasks import relay_outbox

    down = [True]
    queue = relay_outbox.apply_async

    def broker_blinks(*args, **kwargs):  # type: ignore[no-untyped-def]
        if down[0]:
            raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Refused.")
        return queue(*args, **kwargs)

    monkeypatch.setattr(relay_outbox, "apply_async", broker_blinks)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        lost = record(ThingHappened(thing_id=3))
    assert relay_every_second._relay_covers_until is None  # nothing queued: nothing to wait for
    assert SEEN == []
    down[0] = False
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record(ThingHappened(thing_id=4))  # within the second, yet it queues a relay
    assert SEEN.count(("first", 3)) == 1
    assert SEEN.count(("first", 4)) == 1
    assert OutboxEvent.objects.get(pk=lost.pk).delivered_at is not None
