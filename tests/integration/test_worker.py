"""A status change travels through the broker to a real worker process, which emails the author."""

import time

import pytest
from django.conf import settings

from community.notifications.follows import idea_followed_by
from ideas.models import Status, StatusChange
from ideas.services import idea_change_status
from tests.integration.conftest import broker_is_redis, wait_until

pytestmark = pytest.mark.integration


def test_a_worker_process_sends_the_status_email(celery_worker_process, idea, moderator):
    idea_followed_by(user=idea.author, idea=idea)  # as idea_create does for its author
    change = idea_change_status(
        idea=idea, actor=moderator, to_status=Status.PLANNED, response="On the roadmap."
    )

    def notified_and_emailed() -> bool:
        # The email task is queued when the notifications commit, and runs after the delivery.
        notified = StatusChange.objects.filter(pk=change.pk, notified_at__isnull=False).exists()
        return notified and any(celery_worker_process.mail_dir.iterdir())

    wait_until(notified_and_emailed, seconds=60, worker=celery_worker_process)
    time.sleep(1)  # a second email, if one were on its way
    sent = list(celery_worker_process.mail_dir.iterdir())
    assert len(sent) == 1, celery_worker_process.output()
    message = sent[0].read_text()
    assert "To: alice@example.com" in message
    assert "On the roadmap." in message
    assert "config.outbox.tasks.deliver_event" in celery_worker_process.output()


def test_the_broker_is_redis_when_redis_url_is_set():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the worker runs on the filesystem broker")
    assert broker_is_redis()
    import redis

    assert redis.Redis.from_url(settings.REDIS_URL).ping()
