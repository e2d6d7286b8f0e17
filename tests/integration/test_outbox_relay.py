"""Votes' side effects arrive when the site sends at most one outbox relay per interval, whichever
web process commits them (config.outbox.events.nudge, OUTBOX_NUDGE_SECONDS: a claim in the shared
Redis cache), and the beat's sweep delivers events whose relay never came.

A Redis started by the test is the broker and the cache; a real worker runs (with its beat, the
outbox sweep every 2 seconds, or without it, so that nothing but the relays delivers). Members
vote over HTTP; each vote's points for the author and the voter's follow must arrive exactly
once. "Another web process" is this one with its memory of the relays it queued forgotten: all it
shares with the others is the Redis cache, as real processes do.
"""

import time
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import reverse

from community.models import Follow, PointsEntry
from config.outbox import events
from config.outbox.models import OutboxEvent
from tests.factories import IdeaFactory, UserFactory
from tests.integration.conftest import Worker, wait_until

pytestmark = pytest.mark.integration


def _queued(worker: Worker, task: str) -> int:
    """How many messages of `task` the worker received (its log line per message)."""
    return sum(f"{task}[" in line and "received" in line for line in worker.output().splitlines())


def _vote_all(client, ideas, voters, before_each=None) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    cast = []
    for voter in voters:
        client.force_login(voter)
        for idea in ideas:
            if before_each is not None:
                before_each()
            response = client.post(reverse("ideas:vote", args=[idea.pk]), {"voted": "1"})
            assert response.status_code == 302, response.content[:300]
            cast.append((voter.pk, idea.pk))
    return cast


def _every_effect_once(cast: list[tuple[int, int]]) -> bool:
    return (
        all(
            PointsEntry.objects.filter(key=f"vote:{voter}:{idea}").count() == 1
            and Follow.objects.filter(user_id=voter, idea_id=idea).count() == 1
            for voter, idea in cast
        )
        and not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    )


def _redis_cache(settings, redis_server) -> None:  # type: ignore[no-untyped-def]
    """The shared Redis cache of production settings (config.cache), on the test's Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"{redis_server.address}/1",
            "OPTIONS": {"retry_seconds": 5, "socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    cache.primary.clear()  # type: ignore[attr-defined]  # Redis only: the database's stays


def _another_process(monkeypatch) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Before each vote: this process forgets the relays it queued, as another web process
    knows nothing of them."""
    return lambda: monkeypatch.setattr(events, "_relay_covers_until", None)


@pytest.fixture
def relay_every_second(settings, monkeypatch, redis_server):  # type: ignore[no-untyped-def]
    settings.OUTBOX_NUDGE_SECONDS = 1.0  # production's default (the tests' is a task per event)
    monkeypatch.setattr(events, "_relay_covers_until", None)
    _redis_cache(settings, redis_server)


def test_votes_from_many_processes_send_one_relay_a_second_and_it_delivers_them_all(
    relay_every_second, monkeypatch, client, redis_server, start_worker
):
    """No beat: an event no relay read would never be delivered. Each vote comes from "another
    process": per process, each would have queued a relay of its own."""
    worker = start_worker(REDIS_URL=redis_server.url)
    ideas = IdeaFactory.create_batch(3)
    started = time.monotonic()
    cast = _vote_all(client, ideas, UserFactory.create_batch(6), _another_process(monkeypatch))
    took = time.monotonic() - started
    wait_until(lambda: _every_effect_once(cast), seconds=60, worker=worker)
    relays = _queued(worker, "config.outbox.tasks.relay_outbox")
    assert 1 <= relays <= int(took) + 2 < len(cast), (relays, took, len(cast))
    assert _queued(worker, "config.outbox.tasks.sweep_outbox") == 0
    assert _queued(worker, "config.outbox.tasks.deliver_event") == 0


def test_votes_nudged_at_most_once_a_second_all_get_their_side_effects_once(
    relay_every_second, monkeypatch, client, worker_with_beat
):
    worker = worker_with_beat
    ideas = IdeaFactory.create_batch(3)
    started = time.monotonic()
    cast = _vote_all(client, ideas, UserFactory.create_batch(6))
    took = time.monotonic() - started
    wait_until(lambda: _every_effect_once(cast), seconds=60, worker=worker)
    relays = _queued(worker, "config.outbox.tasks.relay_outbox")
    # One message per second of voting at most (plus the first), far fewer than votes: the
    # nudges in between were skipped, and their votes' effects came with a relay all the same.
    assert 1 <= relays <= int(took) + 2 < len(cast), (relays, took, len(cast))
    assert _queued(worker, "config.outbox.tasks.deliver_event") == 0

    # A relay that never comes (lost with a broker, or a worker clock running ahead): this
    # process believes one is queued, so it sends nothing; the beat's sweep delivers.
    monkeypatch.setattr(events, "_relay_covers_until", time.monotonic() + 3600)
    more = _vote_all(client, ideas, UserFactory.create_batch(3))
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == len(more)
    wait_until(lambda: _every_effect_once(cast + more), seconds=60, worker=worker)
    assert _queued(worker, "config.outbox.tasks.relay_outbox") == relays  # none sent
    time.sleep(3)  # another sweep: nothing arrives twice
    assert _every_effect_once(cast + more)
    assert worker.process.poll() is None


class _Relays:
    """Stands in for queueing relay_outbox (the claim in Redis is real): records each publish,
    or fails it like a broker that refuses."""

    def __init__(self) -> None:
        self.queued: list[float] = []
        self.refuse = False

    def __call__(self, countdown: float) -> None:
        if self.refuse:
            raise ConnectionRefusedError("broker down")
        self.queued.append(time.monotonic())


@pytest.fixture
def relays(relay_every_second, monkeypatch) -> _Relays:  # type: ignore[no-untyped-def]
    fake = _Relays()
    monkeypatch.setattr(events, "_queue_relay", fake)
    return fake


def test_a_process_that_loses_the_claim_is_covered_only_until_the_winners_relay(
    relays, monkeypatch
):
    events.nudge(1)  # process A claims and queues the relay: it starts a second later
    assert len(relays.queued) == 1
    relay_starts = relays.queued[0] + 1.0
    time.sleep(0.6)
    monkeypatch.setattr(events, "_relay_covers_until", None)  # process B
    events.nudge(2)
    assert len(relays.queued) == 1  # A's relay reads B's event: B sends nothing...
    covered = events._relay_covers_until
    assert covered is not None
    assert covered <= relay_starts  # ...and is covered no longer than A's claim lasts
    time.sleep(max(0.0, relay_starts - time.monotonic()) + 0.1)
    events.nudge(3)  # after A's relay started: B claims and queues the next one
    assert len(relays.queued) == 2


def test_a_publish_that_fails_gives_the_claim_back(relays, monkeypatch):
    relays.refuse = True
    events.nudge(1)  # logged, not raised; nothing covered
    assert events._relay_covers_until is None
    relays.refuse = False
    monkeypatch.setattr(events, "_relay_covers_until", None)  # another process, at once
    events.nudge(2)
    assert len(relays.queued) == 1


def test_without_the_redis_cache_each_process_throttles_its_own_relays(
    relays, redis_server, monkeypatch
):
    redis_server.stop()  # the cache (and the broker) down: the claim cannot be made
    events.nudge(1)
    assert len(relays.queued) == 1  # queued all the same (the broker may be elsewhere)
    events.nudge(2)
    assert len(relays.queued) == 1  # this process covers its own interval
    monkeypatch.setattr(events, "_relay_covers_until", None)  # another process
    events.nudge(3)
    assert len(relays.queued) == 2


def test_a_claim_given_back_late_leaves_the_next_processs_claim_alone(relays):
    """A publish that failed after its claim ran out (a slow broker) must not give back the claim
    another process has made since: a third process would queue a relay too many."""
    assert events._claim(0.2, "first") is None  # process A claims
    time.sleep(0.3)  # A's publish hangs; its claim runs out
    assert events._claim(5.0, "second") is None  # process B claims and queues its relay
    events._release("first")  # A's publish fails at last
    left = events._claim(5.0, "third")  # process C
    assert left is not None
    assert 3.0 < left <= 5.0  # B's claim stands


def test_a_redis_that_refuses_writes_leaves_each_process_its_own_relays(
    relays, redis_server, monkeypatch
):
    """Redis up but refusing the claim (out of memory here; a read-only replica alike): each
    process queues its own relays, as without a shared cache."""
    import redis

    admin = redis.Redis.from_url(redis_server.url)
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", "1")  # every write now fails: OOM command not allowed
    try:
        events.nudge(1)
        assert len(relays.queued) == 1  # queued all the same
        monkeypatch.setattr(events, "_relay_covers_until", None)  # another process
        events.nudge(2)
        assert len(relays.queued) == 2
    finally:
        admin.config_set("maxmemory", "0")
