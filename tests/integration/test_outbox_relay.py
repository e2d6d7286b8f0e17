"""Votes' side effects arrive when web processes send at most one outbox relay per interval
(config.outbox.events.nudge, OUTBOX_NUDGE_SECONDS), and the beat's sweep delivers events whose
relay never came.

A Redis started by the test is the broker; a real worker runs with its beat (the outbox sweep
every 5 seconds). Members vote over HTTP; each vote's points for the author and the voter's
follow must arrive exactly once.
"""

import time

import pytest
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


def _vote_all(client, ideas, voters) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    cast = []
    for voter in voters:
        client.force_login(voter)
        for idea in ideas:
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


def test_votes_nudged_at_most_once_a_second_all_get_their_side_effects_once(
    settings, monkeypatch, client, worker_with_beat
):
    worker = worker_with_beat
    settings.OUTBOX_NUDGE_SECONDS = 1.0  # production's default (the tests' is a task per event)
    monkeypatch.setattr(events, "_relay_queued_at", None)
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
    monkeypatch.setattr(events, "_relay_queued_at", time.monotonic() + 3600)
    more = _vote_all(client, ideas, UserFactory.create_batch(3))
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == len(more)
    wait_until(lambda: _every_effect_once(cast + more), seconds=60, worker=worker)
    assert _queued(worker, "config.outbox.tasks.relay_outbox") == relays  # none sent
    time.sleep(6)  # another sweep: nothing arrives twice
    assert _every_effect_once(cast + more)
    assert worker.process.poll() is None
