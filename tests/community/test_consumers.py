"""Every consumer of an event is idempotent: delivered twice (the delivery marks lost, as after
a crash between a consumer's effects and its mark), an event has one effect."""

import pytest
from django.core import mail

from community.comments.services import comment_create
from community.models import ContentSentiment, Notification, NotificationKind, PointsEntry
from community.notifications.follows import idea_followed_by
from config.outbox.delivery import deliver
from config.outbox.events import consumers_of
from config.outbox.models import OutboxDelivery, OutboxEvent
from ideas.models import Status, StatusChange
from ideas.services import idea_change_status, idea_create, vote_set
from tests.factories import UserFactory


def deliver_again(name: str) -> int:
    """Forget that the events named `name` were delivered, and deliver them again."""
    events = OutboxEvent.objects.filter(name=name)
    assert events.exists(), f"no {name} event was recorded"
    assert all(row.delivered_at for row in events), "delivered once already"
    OutboxDelivery.objects.filter(event__in=events).delete()
    events.update(delivered_at=None)
    return sum(deliver(pk) for pk in events.values_list("pk", flat=True))


@pytest.fixture
def published(alice, category, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return idea_create(
            author=alice, title="Round-ups into savings", body="Please", category=category,
            language="en",
        )  # fmt: skip


def test_every_side_effect_of_the_old_tasks_has_a_consumer():
    # Webhooks' consumers are new (tests/community/webhooks/test_consumers.py).
    keys = {name: {
        c.key.rsplit(".", 1)[1] for c in consumers_of(name)
        if not c.key.startswith("community.webhooks.")
    } for name in (
        "idea.published", "idea.edited", "idea.restored", "idea.status_changed",
        "idea.votes_changed", "idea.merged", "comment.posted",
    )}  # fmt: skip
    assert keys["idea.published"] == {
        "place_in_a_theme", "award_idea_points", "score_idea_sentiment"
    }  # fmt: skip
    assert keys["idea.edited"] == {"place_in_a_theme", "score_idea_sentiment"}
    assert keys["idea.restored"] == keys["idea.published"]
    assert keys["idea.status_changed"] == {"tell_followers_of_the_status", "award_status_points"}
    assert keys["idea.votes_changed"] == {"award_vote_points", "tell_vote_milestones"}
    assert keys["idea.merged"] == {"recount_merged_votes"}
    assert keys["comment.posted"] == {
        "tell_followers_of_the_comment", "award_comment_points", "score_comment_sentiment"
    }  # fmt: skip


def test_an_idea_published_twice_earns_its_points_and_badge_once(published, alice):
    def effects() -> tuple[int, int, int]:
        return (
            PointsEntry.objects.filter(user=alice, reason=PointsEntry.Reason.IDEA).count(),
            Notification.objects.filter(recipient=alice, kind=NotificationKind.BADGE).count(),
            ContentSentiment.objects.filter(idea=published, comment__isnull=True).count(),
        )

    assert effects() == (1, 1, 1)
    assert deliver_again("idea.published") == 1
    assert effects() == (1, 1, 1)


def test_a_status_change_delivered_twice_tells_and_emails_each_follower_once(
    published, alice, bob, moderator, django_capture_on_commit_callbacks
):
    idea_followed_by(user=bob, idea=published)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = idea_change_status(
            idea=published, actor=moderator, to_status=Status.PLANNED, response="On the roadmap."
        )

    def effects() -> tuple[set[str], int, int]:
        told = Notification.objects.filter(kind=NotificationKind.STATUS_CHANGE)
        planned = PointsEntry.objects.filter(user=alice, reason=PointsEntry.Reason.PLANNED)
        return (
            set(told.values_list("recipient__email", flat=True)),
            len(mail.outbox),
            planned.count(),
        )

    assert effects() == ({"alice@example.com", "bob@example.com"}, 2, 1)
    assert StatusChange.objects.get(pk=change.pk).notified_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_again("idea.status_changed") == 1
    assert effects() == ({"alice@example.com", "bob@example.com"}, 2, 1)


def test_a_comment_delivered_twice_tells_followers_and_earns_points_once(
    published, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(idea=published, author=bob, body="I would use this daily")

    def effects() -> tuple[int, int, int]:
        return (
            Notification.objects.filter(recipient=alice, kind=NotificationKind.COMMENT).count(),
            PointsEntry.objects.filter(user=bob, reason=PointsEntry.Reason.COMMENT).count(),
            ContentSentiment.objects.filter(comment=comment).count(),
        )

    assert effects() == (1, 1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_again("comment.posted") == 1
    assert effects() == (1, 1, 1)


def test_votes_delivered_twice_earn_one_point_per_voter(
    published, alice, django_capture_on_commit_callbacks
):
    voters = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        for voter in voters:
            vote_set(user=voter, idea=published, voted=True)
    received = PointsEntry.objects.filter(user=alice, reason=PointsEntry.Reason.VOTE_RECEIVED)
    assert received.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_again("idea.votes_changed") == 3
    assert received.count() == 3
