"""Reads for the moderation queue: open flags grouped per item, oldest first."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from community.models import Comment, Flag, FlagReason
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
        anchor = f"#comment-{self.comment.pk}" if self.comment else ""
        return self.idea.get_absolute_url() + anchor


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
    people = ("author__groups", "author__badges")
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
