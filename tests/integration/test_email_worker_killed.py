"""A worker killed with SIGKILL in the middle of emailing 300 followers: after a restart every
follower has exactly one email (community.notifications.emailing claims before sending)."""

import email
import os
import signal
from collections import Counter

import pytest
from django.db import transaction

from community.models import Notification
from community.notifications.follows import idea_followed_by
from community.notifications.services import notify_status_change
from ideas.models import Status, StatusChange
from tests.factories import UserFactory
from tests.integration.conftest import Worker, wait_until

pytestmark = pytest.mark.integration

FOLLOWERS = 300


def recipients(*workers: Worker) -> Counter[str]:
    sent: Counter[str] = Counter()
    for worker in workers:
        for path in worker.mail_dir.iterdir():
            for message in path.read_text().split("\n" + "-" * 79 + "\n"):
                parsed = email.message_from_string(message.strip())
                if parsed["To"]:
                    sent[parsed["To"]] += 1
    return sent


def test_a_worker_killed_while_emailing_leaves_each_follower_exactly_one_email(
    start_worker, own_redis, idea, moderator
):
    followers = UserFactory.create_batch(FOLLOWERS)
    for person in followers:
        idea_followed_by(user=person, idea=idea)
    change = StatusChange.objects.create(
        idea=idea, changed_by=moderator, from_status=idea.status, to_status=Status.PLANNED,
        response="On the roadmap.",
    )  # fmt: skip
    timing = {
        "REDIS_URL": own_redis.url,
        "BROKER_VISIBILITY_TIMEOUT": "10",  # production: 20 minutes
        "EMAIL_CLAIM_STALE_SECONDS": "5",  # production: 10 minutes
    }
    first = start_worker(RUCHE_TEST_EMAIL_PAUSE_AFTER="100", **timing)
    with transaction.atomic():  # 300 emails queued on commit
        assert len(notify_status_change(change=change)) == FOLLOWERS
    wait_until(
        lambda: "Pausing 60 s before sending email" in first.output(), seconds=120, worker=first
    )
    os.kill(first.process.pid, signal.SIGKILL)  # one email claimed, not sent; 200 still queued
    first.process.wait(timeout=10)
    assert sum(recipients(first).values()) == 100
    claimed = Notification.objects.filter(email_claimed_at__isnull=False, emailed_at__isnull=True)
    assert claimed.count() == 1

    second = start_worker(**timing)
    everyone = {person.email for person in followers}
    # The claimed email comes back once the visibility timeout (10 s) is past and the broker's
    # next sweep (every 10 s, settings.REDIS_BROKER_TRANSPORT_OPTIONS) finds it: well within 60 s.
    wait_until(lambda: set(recipients(first, second)) == everyone, seconds=60, worker=second)
    sent = recipients(first, second)
    assert sorted(sent.values()) == [1] * len(everyone), sent.most_common(3)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
