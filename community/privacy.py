"""The community app's part of a member's data (accounts.privacy): their comments, follows,
flags, notifications, points, badges and complaints, and how the worker scored their texts;
erased with the account, with the member's name in stored webhook payloads
(community.webhooks.privacy). CommunityConfig.ready registers it after the ideas app's, so its
export comes after the ideas app's and its erasure before.
"""

from datetime import datetime
from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.privacy import STAFF_WORK, PrivacySection, export_value
from community.models import (
    BadgeAward,
    Comment,
    ComplaintCase,
    ContentSentiment,
    Flag,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
    PointsEntry,
)
from community.webhooks.privacy import deliveries_forget_member
from ideas.models import Idea
from ideas.privacy import idea_ref
from ideas.services import ideas_recount

EXPORTED = {
    ("community.Comment", "author"): "comments",
    ("community.Follow", "user"): "follows",
    ("community.Flag", "reporter"): "flags",
    ("community.Notification", "recipient"): "notifications",
    ("community.NotificationPreference", "user"): "notification_preferences",
    ("community.PointsEntry", "user"): "points",
    ("community.BadgeAward", "user"): "badges",
    ("community.ComplaintCase", "member"): "complaints",
}
NOT_EXPORTED = {
    ("community.WebhookEndpoint", "created_by"): STAFF_WORK,
    ("community.Flag", "resolved_by"): STAFF_WORK,
    ("community.VoteRing", "reviewed_by"): STAFF_WORK,
    ("community.ComplaintCase", "acknowledged_by"): STAFF_WORK,
    ("community.ComplaintCase", "answered_by"): STAFF_WORK,
    ("community.Comment", "removed_by"): (
        "who took a comment down: a moderator, or the author (the comment itself is exported "
        "under 'comments' with its 'removed' mark)"
    ),
    ("community.VoteRing", "voters"): (
        "evidence gathered against vote fraud, for moderators; showing it would defeat the "
        "detector. The member's votes are exported, marked when a moderator discounted one"
    ),
    ("community.MonthlyPoints", "user"): (
        "derived: the member's points ledger summed by month for the leaderboard; the ledger "
        "itself is exported under 'points'"
    ),
    ("community.Notification", "actor"): (
        "someone else's notification about what this member did; what the member wrote is "
        "exported under 'comments'"
    ),
}


def _sentiments(user: User) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """How the worker scored the member's texts, by idea id and by comment id."""
    rows = ContentSentiment.objects.filter(
        Q(comment__isnull=True, idea__author=user) | Q(comment__author=user)
    )
    by_idea: dict[int, dict[str, Any]] = {}
    by_comment: dict[int, dict[str, Any]] = {}
    for row in rows:
        scored = {"label": row.label, "score": row.score, "complaint": row.complaint}
        if row.comment_id is None:
            by_idea[row.idea_id] = scored
        else:
            by_comment[row.comment_id] = scored
    return by_idea, by_comment


def community_export(*, user: User, data: dict[str, Any]) -> dict[str, Any]:
    idea_sentiment, comment_sentiment = _sentiments(user)
    for idea in data.get("ideas", []):  # the ideas app's rows, with the scores of their texts
        idea["sentiment"] = idea_sentiment.get(idea["id"])
    comments = Comment.objects.filter(author=user).select_related("idea")
    follows = Follow.objects.filter(user=user).select_related("idea", "category")
    flags = Flag.objects.filter(reporter=user).select_related("idea")
    points = PointsEntry.objects.filter(user=user)
    return {
        "comments": [
            {
                "id": c.pk,
                "idea": idea_ref(c.idea),
                "reply_to": c.parent_id,
                "body": c.body,
                "created_at": export_value(c.created_at),
                "updated_at": export_value(c.updated_at),
                "removed": c.removed_at is not None,
                "waiting_for_review": c.pending_at is not None,
                "sentiment": comment_sentiment.get(c.pk),
            }
            for c in comments.order_by("created_at", "pk")
        ],
        "follows": [
            {
                "idea": idea_ref(f.idea) if f.idea else None,
                "category": f.category.slug if f.category else None,
                "created_at": export_value(f.created_at),
            }
            for f in follows.order_by("created_at", "pk")
        ],
        "flags": [
            {
                "idea": idea_ref(f.idea),
                "comment": f.comment_id,
                "reason": f.reason,
                "note": f.note,
                "created_at": export_value(f.created_at),
                "resolved_at": export_value(f.resolved_at),
                "resolution": f.resolution,
            }
            for f in flags.order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.text,
                "body": n.body,
                "url": n.url,
                "created_at": export_value(n.created_at),
                "read_at": export_value(n.read_at),
                "emailed_at": export_value(n.emailed_at),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "notification_preferences": [
            {"kind": p.kind, "delivery": p.delivery}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
        "points_total": sum(p.points for p in points),
        "points": [
            {
                "reason": p.reason,
                "points": p.points,
                "idea": p.idea_id,
                "created_at": export_value(p.created_at),
            }
            for p in points.order_by("created_at", "pk")
        ],
        "badges": [
            {
                "badge": b.code,
                "campaign": b.campaign.slug if b.campaign else None,
                "awarded_at": export_value(b.awarded_at),
            }
            for b in BadgeAward.objects.filter(user=user).select_related("campaign")
        ],
        "complaints": [
            {
                "reference": c.reference,
                "subject": c.subject,
                "body": c.body,
                "status": c.status,
                "created_at": export_value(c.created_at),
                "acknowledge_by": export_value(c.acknowledge_by),
                "answer_by": export_value(c.answer_by),
                "acknowledged_at": export_value(c.acknowledged_at),
                "answered_at": export_value(c.answered_at),
                "answer": c.answer,
            }
            for c in ComplaintCase.objects.filter(member=user).order_by("created_at", "pk")
        ],
    }


def _remove_content(*, user: User, now: datetime) -> set[int]:
    """Erase the texts of the member's comments and what quotes the texts of their ideas (the
    ideas app erases the ideas); returns the ideas whose counts moved.

    Comments are marked removed by their author, as when a member deletes one that has
    replies, so the thread and other people's replies stay.
    """
    idea_ids = set(Idea.objects.filter(author=user).values_list("pk", flat=True))
    comments = Comment.objects.filter(author=user)
    comment_idea_ids = set(comments.values_list("idea_id", flat=True))
    comments.filter(removed_at__isnull=True).update(removed_at=now, removed_by=user)
    comments.update(body="", body_html="", pending_at=None)
    # What was computed from the erased texts goes too: sentiment scores, and other people's
    # notifications that quote the texts or the idea titles.
    ContentSentiment.objects.filter(
        Q(idea__in=idea_ids, comment__isnull=True) | Q(comment__author=user)
    ).delete()
    Notification.objects.filter(idea__in=idea_ids).delete()
    Notification.objects.filter(actor=user, kind=NotificationKind.COMMENT).delete()
    # Notes the member wrote on their flags are their words too; the flags stay for moderators.
    Flag.objects.filter(reporter=user).update(note="")
    return idea_ids | comment_idea_ids


def community_erase(*, user: User, now: datetime, keep_content: bool) -> None:
    """Everything only about the member goes (notifications, preferences, follows, points,
    badges); their comments are erased unless kept, and the counts of the ideas concerned are
    made to match the rows again (`ideas_recount`).

    Stored webhook payloads first: they are found through the member's ideas, comments and
    complaints and matched by the member's name, all still as they were (accounts.privacy runs
    this section before the ideas app's and before the user row is erased)."""
    deliveries_forget_member(user=user, keep_content=keep_content)
    touched: set[int] = set()
    if not keep_content:
        touched = _remove_content(user=user, now=now)
    # Other people's notifications whose title names the member ("Alice mentioned you").
    Notification.objects.filter(actor=user, kind=NotificationKind.MENTION).delete()
    for rows in (
        Notification.objects.filter(recipient=user),
        NotificationPreference.objects.filter(user=user),
        Follow.objects.filter(user=user),
        PointsEntry.objects.filter(user=user),
        BadgeAward.objects.filter(user=user),
    ):
        rows.delete()
    if touched:
        ideas_recount(ids=sorted(touched))


COMMUNITY_PRIVACY = PrivacySection(
    exported=EXPORTED, not_exported=NOT_EXPORTED, export=community_export, erase=community_erase
)
