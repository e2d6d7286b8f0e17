"""Pre-moderation: approving and rejecting the posts that wait for a moderator (which posts
wait is community.moderation.waiting).

A new idea waits (`pending_at` set) when its category or campaign is pre-moderated, or when it
is its author's first post: no idea or comment of theirs is public yet. A new comment waits
only under the first-post rule. Staff who moderate or answer officially never wait.
`settings.RUCHE_PREMODERATE_FIRST_POST` turns the first-post rule off (the test suite does, so
that tests posting as fresh members get public posts).

While it waits, a post is seen only by its author and moderators, is not counted in
`Idea.comment_count`, and the worker does nothing for it: no notifications, no points, no
vector or theme, no sentiment. Approval makes it public and runs those tasks then.

Rejecting is hiding, with a reason (`moderation_services.content_hide`): it clears `pending_at`
and sets `hidden_at` (an idea) or `removed_at` (a comment) in the same update, so the item
leaves the waiting list and shows as hidden to its author and moderators, who may restore it.

Edits are pre-moderated too (`edit_needs_premoderation`): an edited post waits again when, as
edited, it would wait if it were posted now, or when it is public only because a moderator let
it through (an approval covers the text the moderator read, not the next one).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require_permission
from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import MODERATE_CONTENT
from community.comments.services import comment_count_add
from community.events import CommentPosted, PostReviewed
from community.models import Comment
from community.moderation.services import content_hide_outcome
from config.outbox.events import record
from ideas.events import IdeaPublished
from ideas.models import Idea


def _refuse_unseen(model: type[Idea] | type[Comment], pk: int, seen: datetime | None) -> None:
    """ValidationError when the moderator read another version than the one waiting now (its
    `updated_at` moved since the page showed `seen`): the approval would publish a text nobody
    read."""
    if seen is not None and (
        model.objects.filter(pk=pk, pending_at__isnull=False).exclude(updated_at=seen).exists()
    ):
        raise ValidationError(
            _(
                "The author edited this post after you opened the page: read it again before "
                "approving."
            )
        )


def _note(reason: str) -> str:
    reason = reason.strip()
    return f": {reason}" if reason else ""


def _record_approval(
    *, actor: User, item: Idea | Comment, action: str, summary: str, reason: str
) -> None:
    """Audit an approval that just cleared `item.pending_at` in the database, and clear it on
    `item` too."""
    waited_since = item.pending_at
    item.pending_at = None
    audit_record(
        actor=actor,
        action=action,
        target=item,
        summary=summary,
        before={"pending": True, "pending_at": waited_since.isoformat() if waited_since else None},
        after={"pending": False, "reason": reason.strip()},
    )


@transaction.atomic
def idea_approve(
    *, actor: User, idea: Idea, reason: str = "", seen: datetime | None = None
) -> bool:
    """Make a waiting idea public, then let the worker do what a new idea triggers (its vector
    and theme, sentiment, the author's points and badges). Returns whether it changed.

    1. The conditional update clears `pending_at` only if it is still set, so two moderators
       approving at once approve (and audit, and queue the tasks) once.
    2. With `seen` (the `updated_at` of the version the moderator's page showed), it also
       matches that version only: an edit committed since (ideas.services.idea_update locks the
       row and moves `updated_at`) makes it refuse with ValidationError, so an old page never
       publishes a text its moderator did not read.
    """
    require_permission(actor, MODERATE_CONTENT)
    waiting = Idea.objects.filter(pk=idea.pk, pending_at__isnull=False)
    if not waiting.filter(**({"updated_at": seen} if seen else {})).update(pending_at=None):
        _refuse_unseen(Idea, idea.pk, seen)
        return False
    _record_approval(
        actor=actor,
        item=idea,
        action=AuditAction.IDEA_APPROVE,
        summary=_("Approved idea #%(pk)s%(note)s") % {"pk": idea.pk, "note": _note(reason)},
        reason=reason,
    )
    record(
        PostReviewed(
            idea_id=idea.pk, comment_id=None, actor_id=actor.pk, approved=True, reason=reason
        )
    )
    record(IdeaPublished(idea_id=idea.pk))
    return True


@transaction.atomic
def comment_approve(
    *, actor: User, comment: Comment, reason: str = "", seen: datetime | None = None
) -> bool:
    """Make a waiting comment public: count it on its idea, then let the worker notify
    followers and mentioned people and award points. Returns whether it changed.

    As for ideas, the conditional update lets only one of two simultaneous approvals count, and
    with `seen` it approves only the version the moderator read. A comment removed meanwhile (by
    its author) stays removed and is not approved.
    """
    require_permission(actor, MODERATE_CONTENT)
    approved = (
        Comment.objects.filter(pk=comment.pk, pending_at__isnull=False, removed_at__isnull=True)
        .filter(**({"updated_at": seen} if seen else {}))
        .update(pending_at=None)
    )
    if not approved:
        _refuse_unseen(Comment, comment.pk, seen)
        return False
    comment_count_add(comment.idea_id, +1)
    _record_approval(
        actor=actor,
        item=comment,
        action=AuditAction.COMMENT_APPROVE,
        summary=_("Approved comment #%(pk)s on idea #%(idea)s%(note)s")
        % {"pk": comment.pk, "idea": comment.idea_id, "note": _note(reason)},
        reason=reason,
    )
    record(
        PostReviewed(
            idea_id=comment.idea_id,
            comment_id=comment.pk,
            actor_id=actor.pk,
            approved=True,
            reason=reason,
        )
    )
    record(CommentPosted(comment_id=comment.pk, idea_id=comment.idea_id))
    return True


@transaction.atomic
def content_reject(*, actor: User, idea: Idea, reason: str, comment: Comment | None = None) -> bool:
    """The queue's "reject" action: hide the waiting item with its reason
    (`moderation_services.content_hide`) and tell its author why. Returns whether it changed;
    an item that was not waiting is only hidden, and its author is not told here (the author
    hears of a review through PostReviewed's consumer, community.consumers)."""
    hidden, waiting = content_hide_outcome(actor=actor, idea=idea, reason=reason, comment=comment)
    if waiting:
        record(
            PostReviewed(
                idea_id=idea.pk,
                comment_id=comment.pk if comment is not None else None,
                actor_id=actor.pk,
                approved=False,
                reason=reason,
            )
        )
    return hidden


def content_approve(
    *,
    actor: User,
    idea: Idea,
    reason: str = "",
    comment: Comment | None = None,
    seen: datetime | None = None,
) -> bool:
    """The queue's "approve" action: the comment if one is given, else the idea; `seen` is the
    version the moderator read (refused if it changed since)."""
    if comment is not None:
        return comment_approve(actor=actor, comment=comment, reason=reason, seen=seen)
    return idea_approve(actor=actor, idea=idea, reason=reason, seen=seen)
