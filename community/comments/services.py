"""Writes for comments. The idea's comment_count counts comments that are shown."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import MODERATE_COMMENTS, user_answers_officially
from accounts.sanctions import ensure_can_participate
from community.events import CommentPosted, CommentRemoved
from community.models import Comment
from community.moderation.waiting import comment_needs_premoderation, edit_needs_premoderation
from community.notifications.follows import idea_followed_by
from community.notifications.services import notifications_withdraw_for_comment
from community.recognition.services import forget_comment
from config.outbox.events import record
from ideas.models import Idea
from ideas.pii_services import mask_texts, masked_record
from ideas.ranking import trending_score_after
from ideas.rendering import cleaned_text, render_markdown


def comment_count_add(idea_id: int, delta: int) -> None:
    """Move the idea's count of shown comments (and its trending score) by `delta`; also called
    by moderation when it restores or approves a comment."""
    Idea.objects.filter(pk=idea_id).update(
        comment_count=F("comment_count") + delta,
        trending_score=trending_score_after(comment_delta=delta),
    )


def comment_take_down(comment: Comment, actor: User) -> str:
    """Mark a comment removed, once even if two people click at the same time, keeping
    comment_count right: a comment still waiting for a moderator was never counted, and it
    leaves the waiting list, and the notifications quoting it go with it
    (community.notifications.services). Returns "pending" or "shown" (what it was), or "" if it was
    already removed."""
    now = timezone.now()
    shown = Comment.objects.filter(pk=comment.pk, removed_at__isnull=True)
    if shown.filter(pending_at__isnull=False).update(
        removed_at=now, removed_by=actor, pending_at=None
    ):
        was = "pending"
    elif shown.update(removed_at=now, removed_by=actor):
        comment_count_add(comment.idea_id, -1)
        was = "shown"
    else:
        return ""
    comment.removed_at, comment.removed_by, comment.pending_at = now, actor, None
    notifications_withdraw_for_comment(comment_id=comment.pk)
    record(CommentRemoved(comment_id=comment.pk, idea_id=comment.idea_id))
    return was


def _validated(comment: Comment) -> Comment:
    comment.body = cleaned_text(comment.body)
    comment.full_clean(exclude=["author", "idea", "removed_by", "parent"])
    comment.body_html = render_markdown(comment.body)
    return comment


def comment_refusal(*, idea: Idea) -> str:
    """Why nobody, its author and staff included, can comment on this idea, or "" when anyone
    taking part may. Only public ideas take comments: on a hidden or waiting one, comments and
    their mentions would reach people who cannot see it."""
    if idea.merged_into_id is not None:
        return _("This idea was merged into another one: comment on that one instead.")
    if idea.hidden_at is not None or idea.pending_at is not None:
        return _(
            "This idea is not public (hidden by a moderator, or waiting for one): nobody can "
            "comment on it."
        )
    return ""


@transaction.atomic
def comment_create(
    *, idea: Idea, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """Comment on a public idea (`comment_refusal`), or reply to a comment that is shown (one
    level: a reply to a reply joins the top comment's thread). The author follows the idea;
    followers and mentioned people are told by the worker.

    The idea's row is locked before the check, so a moderator hiding it at the same moment
    either comes first (and the comment is refused) or waits for it (and then withdraws its
    notifications, community.notifications.services)."""
    ensure_can_participate(author)  # suspended and banned members cannot comment
    refusal = comment_refusal(idea=Idea.objects.select_for_update().get(pk=idea.pk))
    if refusal:
        raise ValidationError(refusal)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("You can only reply to a comment on this idea.")})
        if parent.is_removed or (parent.parent is not None and parent.parent.is_removed):
            raise ValidationError({"parent": _("You cannot reply to a removed comment.")})
        parent = parent.parent or parent
        if parent.is_pending:
            raise ValidationError(
                {"parent": _("You can reply to this comment once a moderator has approved it.")}
            )
    # Card numbers, phones... are hidden before anything is stored, rendered or sent; placeholders
    # in the language the author uses the site in.
    masked = mask_texts(model=Comment, language=None, body=body)
    comment = _validated(
        Comment(
            idea=idea,
            author=author,
            body=masked["body"],
            parent=parent,
            by_staff=user_answers_officially(author),
        )
    )
    if comment_needs_premoderation(author=author):
        # Waits for a moderator: not counted and nobody told until it is approved
        # (community.moderation.premoderation.comment_approve does both).
        comment.pending_at = timezone.now()
    comment.save()
    masked_record(masked=masked, idea=idea, comment=comment)
    idea_followed_by(user=author, idea=idea)
    if not comment.is_pending:
        comment_count_add(idea.pk, +1)
        record(CommentPosted(comment_id=comment.pk, idea_id=idea.pk))
    return comment


def comment_can_edit(*, comment: Comment, user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and comment.author_id == user.pk and not comment.is_removed)


def comment_can_remove(*, comment: Comment, user: User | AnonymousUser) -> bool:
    return comment_can_edit(comment=comment, user=user) or bool(
        user.is_authenticated and user.has_perm(MODERATE_COMMENTS) and not comment.is_removed
    )


@transaction.atomic
def comment_update(*, comment: Comment, editor: User, body: str) -> Comment:
    """Change a comment's text. When pre-moderation covers the edit
    (`premoderation.edit_needs_premoderation`) the comment waits for a moderator again: hidden
    from everyone but its author and moderators, and not counted, until approved.

    The row is locked first, so a moderator approving or removing it at the same moment either
    finishes before (and the edit sees it) or waits for the edit."""
    ensure_can_participate(editor)  # suspended and banned members cannot edit either
    locked = Comment.objects.select_for_update().filter(pk=comment.pk)
    state = locked.values("pending_at", "removed_at").first()
    if state is not None:
        comment.pending_at, comment.removed_at = state["pending_at"], state["removed_at"]
    if state is None or not comment_can_edit(comment=comment, user=editor):
        raise PermissionDenied(_("You cannot edit this comment."))
    masked = mask_texts(model=Comment, language=None, body=body)
    comment.body = masked["body"]
    _validated(comment)
    fields = ["body", "body_html", "updated_at"]
    if not comment.is_pending and edit_needs_premoderation(post=comment):
        # Shown until now, so counted: it leaves the count until a moderator approves it
        # (comment_approve counts it again and runs what a new comment triggers).
        comment.pending_at = timezone.now()
        fields.append("pending_at")
        comment_count_add(comment.idea_id, -1)
    comment.save(update_fields=fields)
    masked_record(masked=masked, idea=comment.idea, comment=comment)
    return comment


@transaction.atomic
def comment_remove(*, comment: Comment, actor: User) -> None:
    """Authors delete their own comments; moderators remove anyone's, leaving a trace. Either
    way, notifications quoting it go (`notifications_withdraw_for_comment`)."""
    if not comment_can_remove(comment=comment, user=actor):
        raise PermissionDenied(_("You cannot remove this comment."))
    comment_id = comment.pk
    if comment.author_id == actor.pk and not comment.replies.exists():
        # Locked, so that a moderator approving it meanwhile waits and then finds nothing.
        # Counted only while shown: neither waiting (never counted) nor taken down by a
        # moderator meanwhile (already counted out).
        rows = Comment.objects.select_for_update().filter(pk=comment.pk)
        counted = rows.filter(pending_at__isnull=True, removed_at__isnull=True).exists()
        if rows.delete()[0] and counted:
            comment_count_add(comment.idea_id, -1)
        forget_comment(comment_id=comment_id)
        notifications_withdraw_for_comment(comment_id=comment_id)
        record(CommentRemoved(comment_id=comment_id, idea_id=comment.idea_id))
        return
    # Removed (by a moderator, or by its author when others replied to it): the row stays so
    # the thread holds together, the text is hidden.
    if comment_take_down(comment, actor):
        forget_comment(comment_id=comment_id)
        if comment.author_id != actor.pk:
            audit_record(
                actor=actor,
                action=AuditAction.COMMENT_REMOVE,
                target=comment,
                summary=_("Removed comment #%(pk)s on idea #%(idea)s")
                % {"pk": comment.pk, "idea": comment.idea_id},
                # The length, not the text: the log outlives the member's right to erasure.
                before={"removed": False, "body_length": len(comment.body)},
                after={"removed": True},
            )
