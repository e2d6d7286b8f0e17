"""Writes for comments. The idea's comment_count counts comments that are shown."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import MODERATE_COMMENTS
from community.models import Comment
from ideas.models import Idea
from ideas.rendering import render_markdown


def _count(idea_id: int, delta: int) -> None:
    Idea.objects.filter(pk=idea_id).update(comment_count=F("comment_count") + delta)


def _validated(comment: Comment) -> Comment:
    comment.body = comment.body.strip()
    comment.full_clean(exclude=["author", "idea", "removed_by", "parent"])
    comment.body_html = render_markdown(comment.body)
    return comment


@transaction.atomic
def comment_create(
    *, idea: Idea, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """Comment on an idea, or reply to a comment (one level: a reply to a reply joins the
    top comment's thread). The author follows the idea; followers and mentioned people are
    told by the worker."""
    from community.follows import idea_followed_by
    from community.tasks import comment_posted

    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("You can only reply to a comment on this idea.")})
        parent = parent.parent or parent
    comment = _validated(Comment(idea=idea, author=author, body=body, parent=parent))
    comment.save()
    _count(idea.pk, +1)
    idea_followed_by(user=author, idea=idea)
    transaction.on_commit(lambda: comment_posted.delay(comment.pk))
    return comment


def comment_can_edit(*, comment: Comment, user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and comment.author_id == user.pk and not comment.is_removed)


def comment_can_remove(*, comment: Comment, user: User | AnonymousUser) -> bool:
    return comment_can_edit(comment=comment, user=user) or bool(
        user.is_authenticated and user.has_perm(MODERATE_COMMENTS) and not comment.is_removed
    )


def comment_update(*, comment: Comment, editor: User, body: str) -> Comment:
    if not comment_can_edit(comment=comment, user=editor):
        raise PermissionDenied(_("You cannot edit this comment."))
    comment.body = body
    _validated(comment).save(update_fields=["body", "body_html", "updated_at"])
    return comment


@transaction.atomic
def comment_remove(*, comment: Comment, actor: User) -> None:
    """Authors delete their own comments; moderators remove anyone's, leaving a trace."""
    from community.recognition import forget_comment

    if not comment_can_remove(comment=comment, user=actor):
        raise PermissionDenied(_("You cannot remove this comment."))
    comment_id = comment.pk
    if comment.author_id == actor.pk and not comment.replies.exists():
        comment.delete()
        _count(comment.idea_id, -1)
        forget_comment(comment_id=comment_id)
        return
    # Removed (by a moderator, or by its author when others replied to it): the row stays so
    # the thread holds together, the text is hidden.
    # Only count a removal once, even if two moderators click at the same time.
    if Comment.objects.filter(pk=comment.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=actor
    ):
        _count(comment.idea_id, -1)
        forget_comment(comment_id=comment_id)
        if comment.author_id != actor.pk:
            from community.audit import audit_record
            from community.models import AuditAction

            audit_record(
                actor=actor,
                action=AuditAction.COMMENT_REMOVE,
                target=comment,
                summary=_("Removed comment #%(pk)s on idea #%(idea)s")
                % {"pk": comment.pk, "idea": comment.idea_id},
                before={"removed": False, "body": comment.body},
                after={"removed": True},
            )
