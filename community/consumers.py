"""What the community does when ideas and comments change: notifications, points and badges,
sentiment (loaded by CommunityConfig.ready, after the ideas app's consumers, so an idea's
sentiment reuses the vector its theme placement just stored).

One consumer per effect, so that one failing is retried alone. Each is idempotent: points and
notifications have unique keys, sentiment is one row per item, and a status change is marked
notified in the same transaction as its notifications."""

from django.utils import timezone

from community.events import CommentPosted
from community.models import Comment
from community.moderation import sentiment
from community.notifications import services as notifications
from community.recognition import services as recognition
from config.outbox.events import subscribe
from ideas.events import (
    IdeaEdited,
    IdeaMerged,
    IdeaPublished,
    IdeaRestored,
    StatusChanged,
    VotesChanged,
)
from ideas.models import Idea, StatusChange


def _idea(idea_id: int) -> Idea | None:
    return Idea.objects.filter(pk=idea_id).select_related("author").first()


# --- ideas --------------------------------------------------------------------------------------


@subscribe(IdeaPublished)
@subscribe(IdeaRestored)
def award_idea_points(event: IdeaPublished | IdeaRestored) -> None:
    if idea := _idea(event.idea_id):
        recognition.recognise_idea(idea=idea)


@subscribe(IdeaPublished)
@subscribe(IdeaEdited)
@subscribe(IdeaRestored)
def score_idea_sentiment(event: IdeaPublished | IdeaEdited | IdeaRestored) -> None:
    if idea := _idea(event.idea_id):
        sentiment.sentiment_refresh_for_idea(idea=idea)


@subscribe(VotesChanged)
def award_vote_points(event: VotesChanged) -> None:
    if idea := _idea(event.idea_id):
        recognition.recognise_votes(idea=idea)


@subscribe(VotesChanged)
def tell_vote_milestones(event: VotesChanged) -> None:
    if idea := _idea(event.idea_id):
        notifications.notify_vote_milestones(idea=idea)


@subscribe(IdeaMerged)
def recount_merged_votes(event: IdeaMerged) -> None:
    """Votes moved from the duplicate to the kept idea: points follow them (only new milestones
    of the kept idea are told)."""
    kept = _idea(event.into_id)
    for idea in (kept, _idea(event.duplicate_id)):
        if idea:
            recognition.recognise_votes(idea=idea)
    if kept:
        notifications.notify_vote_milestones(idea=kept)


def _status_change(status_change_id: int) -> StatusChange | None:
    return (
        StatusChange.objects.select_related("idea__author", "idea__category", "changed_by")
        .filter(pk=status_change_id)
        .first()
    )


@subscribe(StatusChanged)
def tell_followers_of_the_status(event: StatusChanged) -> None:
    """The idea's followers (its author among them), marked notified with them."""
    if change := _status_change(event.status_change_id):
        notifications.notify_status_change(change=change)
        StatusChange.objects.filter(pk=change.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )


@subscribe(StatusChanged)
def award_status_points(event: StatusChanged) -> None:
    if change := _status_change(event.status_change_id):
        recognition.recognise_status(idea=change.idea)


# --- comments -----------------------------------------------------------------------------------


def _comment(comment_id: int) -> Comment | None:
    return Comment.objects.filter(pk=comment_id).select_related("idea", "author").first()


@subscribe(CommentPosted)
def tell_followers_of_the_comment(event: CommentPosted) -> None:
    """Followers and mentioned people (not for a comment taken down meanwhile:
    notifications.notify_comment checks)."""
    if comment := _comment(event.comment_id):
        notifications.notify_comment(comment=comment)


@subscribe(CommentPosted)
def award_comment_points(event: CommentPosted) -> None:
    if comment := _comment(event.comment_id):
        recognition.recognise_comment(comment=comment)


@subscribe(CommentPosted)
def score_comment_sentiment(event: CommentPosted) -> None:
    if comment := _comment(event.comment_id):
        sentiment.sentiment_refresh_for_comment(comment=comment)
