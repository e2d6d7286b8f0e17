"""Every consumer of an event is idempotent: delivered twice (the delivery marks lost, as after
a crash between a consumer's effects and its mark), an event has one effect."""

import pytest
from django.core import mail

from community.comments.services import comment_create
from community.complaints.services import complaint_acknowledge, complaint_answer, complaint_open
from community.models import ContentSentiment, Follow, Notification, NotificationKind, PointsEntry
from community.moderation.merging import idea_merge
from community.moderation.premoderation import comment_approve, content_reject
from community.notifications.follows import idea_followed_by
from config.outbox.delivery import deliver
from config.outbox.events import consumers_of
from config.outbox.models import OutboxDelivery, OutboxEvent
from ideas.models import Status, StatusChange
from ideas.services import idea_change_status, idea_create, vote_set
from tests.factories import IdeaFactory, UserFactory


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
        "idea.submitted", "idea.published", "idea.edited", "idea.restored",
        "idea.status_changed", "idea.votes_changed", "idea.merged", "comment.posted",
        "post.reviewed", "complaint.opened", "complaint.acknowledged", "complaint.answered",
    )}  # fmt: skip
    assert keys["idea.submitted"] == {"follow_ones_own_idea"}
    assert keys["idea.published"] == {
        "place_in_a_theme", "award_idea_points", "score_idea_sentiment"
    }  # fmt: skip
    assert keys["idea.edited"] == {"place_in_a_theme", "score_idea_sentiment"}
    assert keys["idea.restored"] == keys["idea.published"]
    assert keys["idea.status_changed"] == {"tell_followers_of_the_status", "award_status_points"}
    assert keys["idea.votes_changed"] == {
        "award_vote_points", "tell_vote_milestones", "follow_what_they_voted_for"
    }  # fmt: skip
    assert keys["idea.merged"] == {"tell_of_the_merge", "recount_merged_votes"}
    assert keys["comment.posted"] == {
        "tell_followers_of_the_comment", "award_comment_points", "score_comment_sentiment"
    }  # fmt: skip
    assert keys["post.reviewed"] == {"tell_the_author_of_the_review"}
    assert keys["complaint.opened"] == {"tell_the_member_of_the_case"}
    assert keys["complaint.acknowledged"] == {"tell_the_member_of_the_acknowledgement"}
    assert keys["complaint.answered"] == {"tell_the_member_of_the_answer"}


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


def test_an_idea_submitted_twice_is_followed_once_by_its_author(published, alice):
    assert Follow.objects.filter(user=alice, idea=published).count() == 1
    assert deliver_again("idea.submitted") == 1
    assert Follow.objects.filter(user=alice, idea=published).count() == 1


def test_a_merge_delivered_twice_tells_the_duplicates_followers_once(
    published, alice, bob, moderator, django_capture_on_commit_callbacks
):
    duplicate = IdeaFactory(author=bob, category=published.category)
    follower = UserFactory()
    idea_followed_by(user=follower, idea=duplicate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        idea_merge(actor=moderator, source=duplicate, target=published, note="Same")
        # Only the outbox tells them: nothing exists before the commit's consumers ran.
        assert not Notification.objects.filter(kind=NotificationKind.MERGED).exists()

    def told() -> list[str]:
        merged = Notification.objects.filter(kind=NotificationKind.MERGED)
        return sorted(merged.values_list("recipient__email", flat=True))

    # The follower moved to the kept idea before the consumer ran, and is told all the same.
    assert told() == sorted([alice.email, bob.email, follower.email])
    emails = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_again("idea.merged") == 1
    assert told() == sorted([alice.email, bob.email, follower.email])
    assert len(mail.outbox) == emails


def test_a_review_delivered_twice_tells_the_author_once(
    published, alice, bob, moderator, settings, django_capture_on_commit_callbacks
):
    settings.RUCHE_PREMODERATE_FIRST_POST = True
    approved = comment_create(idea=published, author=bob, body="Yes please")
    assert approved.pending_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(actor=moderator, comment=approved)
    rejected = comment_create(idea=published, author=UserFactory(), body="Buy my stuff")
    with django_capture_on_commit_callbacks(execute=True):
        content_reject(actor=moderator, idea=published, comment=rejected, reason="Advertising")
    reviews = Notification.objects.filter(
        kind__in=[NotificationKind.POST_APPROVED, NotificationKind.POST_REJECTED]
    )
    assert sorted(reviews.values_list("kind", flat=True)) == ["post_approved", "post_rejected"]
    assert deliver_again("post.reviewed") == 2
    assert reviews.count() == 2


def test_a_complaint_delivered_twice_tells_its_member_once_per_step(
    alice, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = complaint_open(member=alice, subject="Charged twice", body="Twice", language="en")
        complaint_acknowledge(actor=moderator, case=case)
        complaint_answer(actor=moderator, case=case, answer="Refunded")
    told = Notification.objects.filter(recipient=alice)
    # Opening their own case tells the member nothing; the two staff steps tell them once each.
    assert sorted(told.values_list("kind", flat=True)) == [
        NotificationKind.COMPLAINT_ACKNOWLEDGED, NotificationKind.COMPLAINT_ANSWERED
    ]  # fmt: skip
    for name in ("complaint.opened", "complaint.acknowledged", "complaint.answered"):
        assert deliver_again(name) == 1
    assert told.count() == 2
