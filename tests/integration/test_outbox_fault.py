"""A broker outage delays side effects and never loses them (issue #13, "Verified by").

A Redis started by the test on its own port is the broker (and, in one case, the cache too); a
real worker process runs with its beat, so the outbox sweep runs every few seconds. Redis is
stopped; members submit an idea and a comment and a moderator changes a status, over HTTP. Each
request succeeds and is saved once. Redis comes back; within two minutes, with the same worker
process still running, every side effect has happened exactly once: the idea's vector, theme and
sentiment, the points, the followers' notifications and emails.
"""

import time
from collections import Counter

import pytest
from django.urls import reverse

from community.models import Comment, ContentSentiment, Notification, NotificationKind, PointsEntry
from community.notifications.follows import idea_followed_by
from config.outbox.models import OutboxEvent
from ideas.models import Idea, IdeaVector, Status, StatusChange, ThemeMembership
from ideas.themes import runs
from tests.factories import IdeaFactory, UserFactory
from tests.integration.conftest import (
    Worker,
    wait_until,
)
from tests.themes.data import GROUPS

pytestmark = pytest.mark.integration

FOLLOWERS = 38
RESPONSE = "Planned for the spring release of the app."


def _emails(worker: Worker) -> list[str]:
    """Every message the worker's file backend wrote (one file per connection)."""
    messages = []
    for path in worker.mail_dir.iterdir():
        messages += [m for m in path.read_text(errors="replace").split("-" * 79) if m.strip()]
    return messages


def _recipient(message: str) -> str:
    return next(line[4:].strip() for line in message.splitlines() if line.startswith("To: "))


@pytest.mark.parametrize("redis_is_the_cache", [False, True], ids=["broker", "broker-and-cache"])
def test_side_effects_of_requests_made_while_redis_is_down_happen_once_it_is_back(
    redis_is_the_cache, settings, make_ideas, client, moderator, worker_with_beat, redis_server
):
    worker = worker_with_beat
    if redis_is_the_cache:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"{redis_server.address}/1",
            }
        }
    groups = make_ideas(GROUPS)
    category = groups["card"][0].category
    assert runs.run_recluster(trigger="manual") is not None  # themes to place new ideas in
    answered = IdeaFactory(category=category, title="Instant card freeze from the lock screen")
    followers = UserFactory.create_batch(FOLLOWERS - 1)
    for user in [answered.author, *followers]:
        idea_followed_by(user=user, idea=answered)
    carol, bob = UserFactory(), UserFactory()

    # Normal times first: the worker embeds a new idea (and loads its encoders meanwhile).
    client.force_login(bob)
    form = {"title": "A coin counter in the savings app", "body": "Count coins", "language": "en"}
    response = client.post(reverse("ideas:create"), {**form, "category": category.pk})
    assert response.status_code == 302
    warm = Idea.objects.get(title=form["title"], author=bob)
    wait_until(lambda: IdeaVector.objects.filter(idea=warm).exists(), seconds=180, worker=worker)

    redis_server.stop()
    client.force_login(carol)
    title = "Block my card in the app right away"
    response = client.post(
        reverse("ideas:create"),
        {"title": title, "body": "Lost card: freeze it", "category": category.pk, "language": "en"},
    )
    assert response.status_code == 302, response.content[:500]
    client.force_login(bob)
    response = client.post(
        reverse("community:comment_create", args=[answered.pk]),
        {"body": "Yes, from the lock screen"},
    )
    assert response.status_code == 302, response.content[:500]
    client.force_login(moderator)
    response = client.post(
        reverse("ideas:change_status", args=[answered.pk]),
        {"to_status": Status.PLANNED, "response": RESPONSE},
    )
    assert response.status_code == 302, response.content[:500]
    # Saved once each, and waiting in the outbox: nobody can have been told yet.
    idea = Idea.objects.get(title=title, author=carol)
    comment = Comment.objects.get(idea=answered)
    change = StatusChange.objects.get(idea=answered)
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() >= 3
    assert not Notification.objects.filter(kind=NotificationKind.STATUS_CHANGE).exists()

    time.sleep(3)  # an outage, however short, that the nudges could not reach through
    pid = worker.process.pid
    redis_server.start()
    expected = {u.email for u in [answered.author, *followers, bob]}  # bob follows by commenting

    def every_side_effect() -> bool:
        return (
            IdeaVector.objects.filter(idea=idea).exists()
            and ThemeMembership.objects.filter(idea=idea).exists()
            and ContentSentiment.objects.filter(idea=idea, comment__isnull=True).exists()
            and ContentSentiment.objects.filter(comment=comment).exists()
            and PointsEntry.objects.filter(key=f"idea:{idea.pk}").exists()
            and PointsEntry.objects.filter(key=f"comment:{comment.pk}").exists()
            and PointsEntry.objects.filter(key=f"planned:{answered.pk}").exists()
            and Notification.objects.filter(kind=NotificationKind.STATUS_CHANGE).count()
            == len(expected)
            and sum(RESPONSE in m for m in _emails(worker)) >= len(expected)
            and not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
        )

    wait_until(every_side_effect, seconds=120, worker=worker)
    time.sleep(5)  # two more sweeps: nothing may arrive twice
    assert worker.process.poll() is None
    assert worker.process.pid == pid  # the same worker process, never restarted
    assert ThemeMembership.objects.filter(idea=idea).count() == 1
    for key in (f"idea:{idea.pk}", f"comment:{comment.pk}", f"planned:{answered.pk}"):
        assert PointsEntry.objects.filter(key=key).count() == 1
    told = Notification.objects.filter(kind=NotificationKind.STATUS_CHANGE)
    assert Counter(told.values_list("recipient__email", flat=True)) == dict.fromkeys(expected, 1)
    emailed = Counter(_recipient(m) for m in _emails(worker) if RESPONSE in m)
    assert emailed == dict.fromkeys(expected, 1)
    assert StatusChange.objects.get(pk=change.pk).notified_at is not None
    assert Idea.objects.filter(title=title, author=carol).count() == 1
    assert Comment.objects.filter(idea=answered).count() == 1
