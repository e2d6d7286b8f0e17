"""A member's posts under a sanction (accounts.sanctions, through the ContentModeration hook
this app registers): hiding them all with moderation's own action, restoring what the sanctions
hid, and the counts a moderator sees on the member's record."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.audit import AuditEntry
from accounts.models import User
from accounts.sanctions import MEMBER_ACTIONS
from community.models import Comment, Flag
from community.moderation.services import content_hide, content_restore
from ideas.models import Idea


def member_posts_hide(*, actor: User, member: User, reason: str) -> dict[str, list[int]]:
    """Hide the member's ideas and shown comments; returns the ids this call hid."""
    hidden: dict[str, list[int]] = {"hidden_ideas": [], "hidden_comments": []}
    # Posts waiting for a moderator are not public: they stay waiting (hiding them would clear
    # pending_at, and reinstating would then publish them without approval).
    ideas = Idea.objects.filter(author=member, hidden_at__isnull=True, pending_at__isnull=True)
    for idea in ideas.order_by("pk"):
        if content_hide(actor=actor, idea=idea, reason=reason):
            hidden["hidden_ideas"].append(idea.pk)
    # Pending comments are not shown (nor counted) yet: they wait for a moderator as they are.
    comments = Comment.objects.filter(
        author=member, removed_at__isnull=True, pending_at__isnull=True
    ).select_related("idea")
    for comment in comments.order_by("pk"):
        if content_hide(actor=actor, idea=comment.idea, comment=comment, reason=reason):
            hidden["hidden_comments"].append(comment.pk)
    return hidden


def member_posts_restore(
    *, actor: User, member: User, reason: str, entries: list[AuditEntry]
) -> dict[str, list[int]]:
    """Show again what the sanctions since the last reinstatement hid, and only that: an item
    hidden after the sanction (hidden_at later than its entry) was hidden for another reason."""
    restored: dict[str, list[int]] = {"restored_ideas": [], "restored_comments": []}
    for entry in entries:
        ideas = Idea.objects.filter(
            pk__in=entry.after.get("hidden_ideas", []),
            author=member,
            hidden_at__lte=entry.created_at,
        )
        for idea in ideas.order_by("pk"):
            if content_restore(actor=actor, idea=idea, reason=reason):
                restored["restored_ideas"].append(idea.pk)
        comments = Comment.objects.filter(
            pk__in=entry.after.get("hidden_comments", []),
            author=member,
            removed_at__lte=entry.created_at,
        ).select_related("idea")
        for comment in comments.order_by("pk"):
            if content_restore(actor=actor, idea=comment.idea, comment=comment, reason=reason):
                restored["restored_comments"].append(comment.pk)
    return restored


# --- What the moderator's page shows --------------------------------------------------------------


@dataclass(frozen=True)
class MemberRecord:
    member: User
    idea_count: int
    comment_count: int
    flag_count: int
    open_flag_count: int
    history: list[AuditEntry]


def member_record(*, member: User) -> MemberRecord:
    """A member seen by a moderator: their activity, the flags against them, their sanctions."""
    against = Q(comment__isnull=True, idea__author=member) | Q(comment__author=member)
    flags = Flag.objects.filter(against)
    history = (
        AuditEntry.objects.filter(
            target_type="user", target_id=member.pk, action__in=MEMBER_ACTIONS
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")[:20]
    )
    return MemberRecord(
        member=member,
        idea_count=Idea.objects.filter(author=member).count(),
        comment_count=Comment.objects.filter(author=member).count(),
        flag_count=flags.count(),
        open_flag_count=flags.filter(resolved_at__isnull=True).count(),
        history=list(history),
    )
