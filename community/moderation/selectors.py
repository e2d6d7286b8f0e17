"""Reads for the moderation queue: open flags grouped per item, oldest first."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import staff_role_of
from community.models import Comment, Flag, FlagReason
from community.moderation.waiting import authors_with_approved_posts, published_by_a_moderator
from ideas.models import Idea


@dataclass
class QueueItem:
    idea: Idea
    comment: Comment | None
    first_flagged_at: datetime
    flags: list[Flag] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.flags)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts = Counter(flag.reason for flag in self.flags)
        return [(str(FlagReason(reason).label), n) for reason, n in counts.most_common()]

    @property
    def url(self) -> str:
        if self.comment is None:
            return self.idea.get_absolute_url()
        return Comment.url_on(self.idea, self.comment.pk)


def flag_queue() -> QuerySet[Flag, dict[str, Any]]:
    """One row per flagged item (idea, or comment on an idea), the longest-waiting first.
    Paginate this, then load the page with `flag_queue_items`."""
    return (
        Flag.objects.filter(resolved_at__isnull=True)
        .values("idea_id", "comment_id")
        .annotate(flag_count=Count("pk"), first_flagged_at=Min("created_at"))
        .order_by("first_flagged_at", "idea_id", "comment_id")
    )


def flag_queue_items(rows: list[dict[str, Any]]) -> list[QueueItem]:
    """The items of one page, with their flags, in a fixed number of queries."""
    if not rows:
        return []
    idea_ids = {row["idea_id"] for row in rows}
    comment_ids = {row["comment_id"] for row in rows if row["comment_id"]}
    people = (staff_role_of("author"), "author__badges")
    ideas = (
        Idea.objects.select_related("author", "category")
        .prefetch_related(*people)
        .in_bulk(idea_ids)
    )
    comments = (
        Comment.objects.select_related("author").prefetch_related(*people).in_bulk(comment_ids)
    )
    items = {
        (row["idea_id"], row["comment_id"]): QueueItem(
            idea=ideas[row["idea_id"]],
            comment=comments.get(row["comment_id"]),
            first_flagged_at=row["first_flagged_at"],
        )
        for row in rows
    }
    wanted = Q(comment__isnull=True, idea_id__in=idea_ids) | Q(comment_id__in=comment_ids)
    flags = Flag.objects.filter(wanted, resolved_at__isnull=True).select_related("reporter")
    for flag in flags.order_by("created_at", "pk"):
        item = items.get((flag.idea_id, flag.comment_id))
        if item is not None:
            item.flags.append(flag)
    return list(items.values())


@dataclass
class PendingItem:
    """An idea or comment waiting for a moderator, with why it waits."""

    idea: Idea
    comment: Comment | None
    pending_at: datetime
    reasons: list[str] = field(default_factory=list)

    @property
    def post(self) -> Idea | Comment:
        return self.comment if self.comment is not None else self.idea

    @property
    def url(self) -> str:
        if self.comment is None:
            return self.idea.get_absolute_url()
        return Comment.url_on(self.idea, self.comment.pk)


@dataclass
class PendingQueue:
    items: list[PendingItem]
    total: int


def pending_queue(*, limit: int) -> PendingQueue:
    """Ideas and comments waiting for a moderator, the longest-waiting first (the first `limit`
    of them), in a fixed number of queries."""
    people = (staff_role_of("author"), "author__badges")
    ideas = Idea.objects.filter(
        pending_at__isnull=False, hidden_at__isnull=True, merged_into__isnull=True
    )
    comments = Comment.objects.filter(pending_at__isnull=False, removed_at__isnull=True)
    oldest_ideas = (
        ideas.select_related("author", "category", "campaign")
        .prefetch_related(*people)
        .order_by("pending_at", "pk")[:limit]
    )
    oldest_comments = (
        comments.select_related("author", "idea__category", "idea__campaign")
        .prefetch_related(*people)
        .order_by("pending_at", "pk")[:limit]
    )
    items = [PendingItem(i, None, i.pending_at) for i in oldest_ideas if i.pending_at]
    items += [PendingItem(c.idea, c, c.pending_at) for c in oldest_comments if c.pending_at]
    items = sorted(items, key=lambda item: item.pending_at)[:limit]
    approved = authors_with_approved_posts({item.post.author_id for item in items})
    # A waiting post that a moderator once let through is waiting again after an edit.
    edited_ideas, edited_comments = published_by_a_moderator(
        idea_ids=[item.idea.pk for item in items if item.comment is None],
        comment_ids=[item.comment.pk for item in items if item.comment is not None],
    )
    for item in items:
        has_approved = item.post.author_id in approved
        edited = item.post.pk in (edited_ideas if item.comment is None else edited_comments)
        item.reasons = _pending_reasons(
            item, author_has_approved_post=has_approved, edited_after_approval=edited
        )
    return PendingQueue(items=items, total=ideas.count() + comments.count())


def _pending_reasons(
    item: PendingItem, *, author_has_approved_post: bool, edited_after_approval: bool = False
) -> list[str]:
    reasons = []
    if item.comment is None:
        if item.idea.category.premoderated:
            reasons.append(
                _("The category “%(name)s” is pre-moderated.") % {"name": item.idea.category}
            )
        if item.idea.campaign is not None and item.idea.campaign.premoderated:
            reasons.append(
                _("The campaign “%(title)s” is pre-moderated.")
                % {"title": item.idea.campaign.title}
            )
    if settings.RUCHE_PREMODERATE_FIRST_POST and not author_has_approved_post:
        reasons.append(_("The member's first post."))
    if edited_after_approval:
        reasons.append(_("Edited after a moderator approved it."))
    if not reasons:
        reasons.append(_("Held under a rule that no longer applies (first post or setting)."))
    return reasons
