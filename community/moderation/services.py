"""Writes for moderation: members flag ideas and comments; moderators hide, restore or dismiss.

Every moderator action is written to the audit log in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_permission
from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import MODERATE_CONTENT
from accounts.sanctions import ensure_can_report
from community.comments.services import comment_count_add, comment_take_down
from community.models import Comment, Flag, FlagResolution
from community.notifications.services import notifications_withdraw_for_idea
from community.recognition.services import forget_comment
from config.outbox.events import record
from ideas.events import IdeaHidden, IdeaRestored
from ideas.models import Idea


def flag_create(
    *, reporter: User, idea: Idea, reason: str, note: str = "", comment: Comment | None = None
) -> Flag:
    """Report an idea, or one of its comments. One open flag per person per item. Suspended
    and banned members cannot report (`accounts.sanctions.ensure_can_report`)."""
    ensure_can_report(reporter)
    if comment is not None:
        if comment.idea_id != idea.pk:
            raise ValidationError(_("This comment is not on this idea."))
        if comment.is_removed:
            raise ValidationError(_("This comment was already removed."))
        if comment.is_pending:  # only its author and the moderators see it: as if not there
            raise Http404(_("No such comment."))
    flag = Flag(reporter=reporter, idea=idea, comment=comment, reason=reason, note=note.strip())
    flag.full_clean(exclude=["reporter", "idea", "comment", "resolved_by"], validate_unique=False)
    duplicate = _("You have already reported this; moderators will review it.")
    if _open_flags(idea=idea, comment=comment).filter(reporter=reporter).exists():
        raise ValidationError(duplicate)
    try:
        # The unique constraints settle two reports sent at the same time.
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(duplicate) from None
    return flag


def _open_flags(*, idea: Idea, comment: Comment | None) -> QuerySet[Flag]:
    flags = Flag.objects.filter(idea=idea, resolved_at__isnull=True)
    return flags.filter(comment=comment) if comment is not None else flags.filter(comment=None)


def _check(*, actor: User, idea: Idea, comment: Comment | None, reason: str) -> str:
    require_permission(actor, MODERATE_CONTENT)
    if comment is not None and comment.idea_id != idea.pk:
        raise ValidationError(_("This comment is not on this idea."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    return reason


def _resolve_flags(*, actor: User, idea: Idea, comment: Comment | None, resolution: str) -> int:
    return _open_flags(idea=idea, comment=comment).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
    )


def _describe(idea: Idea, comment: Comment | None) -> str:
    """Ids only, never a title: the audit log outlives the author's right to erasure."""
    if comment is not None:
        return _("comment #%(pk)s on idea #%(idea)s") % {"pk": comment.pk, "idea": idea.pk}
    return _("idea #%(pk)s") % {"pk": idea.pk}


@transaction.atomic
def content_hide(*, actor: User, idea: Idea, reason: str, comment: Comment | None = None) -> bool:
    """Hide an idea (its author and moderators still see it) or a comment (shown as removed by a
    moderator), and close the open flags on it. Returns whether anything was hidden.

    An item waiting for a moderator (pre-moderation) is rejected this way: it stops waiting and
    is hidden, in the same update (community.moderation.premoderation).

    Other people's notifications quoting the item go with it (community.notifications.services,
    `notifications_withdraw_for_*`); restoring it does not bring them back."""
    return content_hide_outcome(actor=actor, idea=idea, reason=reason, comment=comment)[0]


@transaction.atomic
def content_hide_outcome(
    *, actor: User, idea: Idea, reason: str, comment: Comment | None = None
) -> tuple[bool, bool]:
    """`content_hide`, also saying whether the item was waiting for a moderator when this very
    update hid it: (hidden, was_pending). Decided by the conditional update itself, so a
    moderator approving at the same moment cannot make it wrong."""
    reason = _check(actor=actor, idea=idea, comment=comment, reason=reason)
    target: models.Model
    now = timezone.now()
    flags = _resolve_flags(
        actor=actor, idea=idea, comment=comment, resolution=FlagResolution.HIDDEN
    )
    # Conditional updates: two moderators clicking at once hide (and count) only once.
    if comment is None:
        shown = Idea.objects.filter(pk=idea.pk, hidden_at__isnull=True)
        was_pending = bool(
            shown.filter(pending_at__isnull=False).update(
                hidden_at=now, hidden_by=actor, pending_at=None
            )
        )
        changed = was_pending or bool(shown.update(hidden_at=now, hidden_by=actor))
        if changed:
            idea.hidden_at, idea.hidden_by, idea.pending_at = now, actor, None
            notifications_withdraw_for_idea(idea=idea)
            record(IdeaHidden(idea_id=idea.pk))
        action, target = AuditAction.IDEA_HIDE, idea
    else:
        was = comment_take_down(comment, actor)
        changed, was_pending = bool(was), was == "pending"
        if changed:
            forget_comment(comment_id=comment.pk)
        action, target = AuditAction.COMMENT_HIDE, comment
    if changed:
        before: dict[str, object] = {"hidden": False, "open_flags": flags}
        summary = _("Hid %(what)s: %(reason)s")
        if was_pending:  # rejected while waiting for a moderator
            before["pending"] = True
            summary = _("Rejected %(what)s: %(reason)s")
        audit_record(
            actor=actor,
            action=action,
            target=target,
            summary=summary % {"what": _describe(idea, comment), "reason": reason},
            before=before,
            after={"hidden": True, "open_flags": 0, "reason": reason},
        )
    return bool(changed), bool(changed and was_pending)


@transaction.atomic
def content_restore(
    *, actor: User, idea: Idea, reason: str, comment: Comment | None = None
) -> bool:
    """Show a hidden idea, or a comment a moderator removed, again. Returns whether it changed.
    Points for a restored comment are not given back."""
    reason = _check(actor=actor, idea=idea, comment=comment, reason=reason)
    target: models.Model
    if comment is None:
        changed = Idea.objects.filter(pk=idea.pk, hidden_at__isnull=False).update(
            hidden_at=None, hidden_by=None
        )
        if changed:
            idea.hidden_at = idea.hidden_by = None
            # Its consumers do what publishing does, in case it never ran (a post rejected
            # while it waited): vector, theme and sentiment, the author's points.
            record(IdeaRestored(idea_id=idea.pk))
        action, target = AuditAction.IDEA_RESTORE, idea
    else:
        # A comment its author deleted stays deleted: only a moderator's removal is undone.
        changed = (
            Comment.objects.filter(pk=comment.pk, removed_at__isnull=False)
            .exclude(removed_by=F("author"))
            .update(removed_at=None, removed_by=None)
        )
        if changed:
            comment_count_add(idea.pk, +1)
            comment.removed_at = comment.removed_by = None
        action, target = AuditAction.COMMENT_RESTORE, comment
    if changed:
        audit_record(
            actor=actor,
            action=action,
            target=target,
            summary=_("Restored %(what)s: %(reason)s")
            % {"what": _describe(idea, comment), "reason": reason},
            before={"hidden": True},
            after={"hidden": False, "reason": reason},
        )
    return bool(changed)


@transaction.atomic
def flags_dismiss(*, actor: User, idea: Idea, reason: str, comment: Comment | None = None) -> int:
    """Close the open flags on an item and leave it as it is. Returns how many were closed."""
    reason = _check(actor=actor, idea=idea, comment=comment, reason=reason)
    closed = _resolve_flags(
        actor=actor, idea=idea, comment=comment, resolution=FlagResolution.DISMISSED
    )
    if closed:
        audit_record(
            actor=actor,
            action=AuditAction.FLAGS_DISMISS,
            target=comment if comment is not None else idea,
            summary=_("Dismissed %(count)s flag(s) on %(what)s: %(reason)s")
            % {"count": closed, "what": _describe(idea, comment), "reason": reason},
            before={"open_flags": closed},
            after={"open_flags": 0, "reason": reason},
        )
    return closed
