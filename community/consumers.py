"""What the community does when ideas, votes, comments, waiting posts and complaints change:
follows, notifications, points and badges, sentiment (loaded by CommunityConfig.ready, after the
ideas app's consumers, so an idea's sentiment reuses the vector its theme placement just stored).

One consumer per effect, so that one failing is retried alone. Each is idempotent: follows,
points and notifications have unique keys, sentiment is one row per item, and a status change is
marked notified in the same transaction as its notifications."""

from django.utils import timezone

from accounts.events import AuditExportFinished
from accounts.models import AuditExport, User
from community.events import (
    CommentPosted,
    ComplaintAcknowledged,
    ComplaintAnswered,
    ComplaintOpened,
    PostReviewed,
)
from community.models import Comment, ComplaintCase, NotificationKind
from community.moderation import sentiment
from community.notifications import services as notifications
from community.notifications.follows import idea_followed_by
from community.recognition import services as recognition
from config.outbox.events import subscribe
from ideas.events import (
    IdeaEdited,
    IdeaMerged,
    IdeaPublished,
    IdeaRestored,
    IdeaSubmitted,
    StatusChanged,
    VotesChanged,
)
from ideas.models import Idea, StatusChange, Vote


def _idea(idea_id: int) -> Idea | None:
    return Idea.objects.filter(pk=idea_id).select_related("author").first()


def _user(user_id: int | None) -> User | None:
    return None if user_id is None else User.objects.filter(pk=user_id).first()


# --- ideas --------------------------------------------------------------------------------------


@subscribe(IdeaSubmitted)
def follow_ones_own_idea(event: IdeaSubmitted) -> None:
    """Authors follow their ideas, public or waiting (a follow is unique per person and idea)."""
    if idea := _idea(event.idea_id):
        idea_followed_by(user=idea.author, idea=idea)


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


@subscribe(VotesChanged)
def follow_what_they_voted_for(event: VotesChanged) -> None:
    """Voters follow the idea (a follow is unique per person and idea). Not if the vote is gone
    by now: the member took it back, and did not ask to follow."""
    if event.new_voter_id is None:
        return
    vote = Vote.objects.filter(user_id=event.new_voter_id, idea_id=event.idea_id)
    idea, voter = _idea(event.idea_id), _user(event.new_voter_id)
    if idea and voter and vote.exists():
        idea_followed_by(user=voter, idea=idea)


@subscribe(IdeaMerged)
def tell_of_the_merge(event: IdeaMerged) -> None:
    """Both authors and the duplicate's followers (as they were before the merge)."""
    duplicate, kept = _idea(event.duplicate_id), _idea(event.into_id)
    if duplicate and kept:
        notifications.notify_merged(
            duplicate=duplicate,
            into=kept,
            follower_ids=event.follower_ids,
            actor=_user(event.actor_id),
            note=event.note,
        )


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


@subscribe(PostReviewed)
def tell_the_author_of_the_review(event: PostReviewed) -> None:
    """The author of a waiting idea or comment hears that a moderator published or rejected it."""
    idea = _idea(event.idea_id)
    comment = _comment(event.comment_id) if event.comment_id is not None else None
    actor = _user(event.actor_id)
    if idea is None or actor is None or (event.comment_id is not None and comment is None):
        return
    notifications.notify_post_reviewed(
        idea=idea, comment=comment, actor=actor, approved=event.approved, reason=event.reason
    )


# --- complaints ---------------------------------------------------------------------------------


def _case(case_id: int) -> ComplaintCase | None:
    return ComplaintCase.objects.filter(pk=case_id).select_related("member").first()


@subscribe(ComplaintOpened)
def tell_the_member_of_the_case(event: ComplaintOpened) -> None:
    """Only a case a moderator opened from the member's idea: the member knows of their own."""
    actor = _user(event.opened_by_id)
    if actor is not None and (case := _case(event.case_id)):
        notifications.notify_complaint(
            case=case, kind=NotificationKind.COMPLAINT_OPENED, actor=actor
        )


@subscribe(ComplaintAcknowledged)
def tell_the_member_of_the_acknowledgement(event: ComplaintAcknowledged) -> None:
    actor = _user(event.actor_id)
    if actor is not None and (case := _case(event.case_id)):
        notifications.notify_complaint(
            case=case, kind=NotificationKind.COMPLAINT_ACKNOWLEDGED, actor=actor
        )


@subscribe(ComplaintAnswered)
def tell_the_member_of_the_answer(event: ComplaintAnswered) -> None:
    actor = _user(event.actor_id)
    if actor is not None and (case := _case(event.case_id)):
        notifications.notify_complaint(
            case=case, kind=NotificationKind.COMPLAINT_ANSWERED, actor=actor
        )


# --- accounts -----------------------------------------------------------------------------------


@subscribe(AuditExportFinished)
def tell_the_admin_their_export_is_finished(event: AuditExportFinished) -> None:
    export = AuditExport.objects.filter(pk=event.export_id).select_related("requested_by").first()
    if export is not None and export.state in (AuditExport.State.READY, AuditExport.State.FAILED):
        notifications.notify_audit_export_finished(export=export)
