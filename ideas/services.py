"""Every write to ideas, votes and status changes goes through these functions."""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import user_answers_officially
from ideas.models import STATUS_TRANSITIONS, Category, Idea, Status, StatusChange, Vote
from ideas.rendering import render_markdown

if TYPE_CHECKING:
    from community.models import Campaign


def idea_followed_by(*, user: User, idea: Idea) -> bool:
    # Imported here: the community app builds on ideas, not the other way round.
    from community.follows import idea_followed_by as follow

    return follow(user=user, idea=idea)


def _validated(idea: Idea) -> Idea:
    idea.title = idea.title.strip()
    idea.body = idea.body.strip()
    idea.full_clean(exclude=["author"])
    idea.body_html = render_markdown(idea.body)
    return idea


def idea_create(
    *,
    author: User,
    title: str,
    body: str,
    category: Category,
    language: str,
    campaign: "Campaign | None" = None,
) -> Idea:
    """Publish an idea, optionally into a campaign that is open to this author."""
    from community.tasks import recognise_idea
    from ideas.tasks import idea_written

    if campaign is not None:
        # Imported here: the community app builds on ideas, not the other way round.
        from community.campaign_services import campaign_check_submission

        campaign_check_submission(campaign=campaign, author=author)
    idea = _validated(
        Idea(
            author=author,
            title=title,
            body=body,
            category=category,
            language=language,
            campaign=campaign,
        )
    )
    with transaction.atomic():
        idea.save()
        idea_followed_by(user=author, idea=idea)
        transaction.on_commit(lambda: idea_written.delay(idea.pk))
        transaction.on_commit(lambda: recognise_idea.delay(idea.pk))
    return idea


def idea_can_edit(*, idea: Idea, user: User | AnonymousUser) -> bool:
    """Authors may edit for a while after posting, and only until staff have answered."""
    if not user.is_authenticated or idea.author_id != user.pk:
        return False
    window = timedelta(minutes=settings.IDEA_EDIT_WINDOW_MINUTES)
    if timezone.now() - idea.created_at > window:
        return False
    return not idea.status_changes.exists()


def idea_update(
    *, idea: Idea, editor: User, title: str, body: str, category: Category, language: str
) -> Idea:
    if not idea_can_edit(idea=idea, user=editor):
        raise PermissionDenied(_("This idea can no longer be edited."))
    from ideas.tasks import idea_written

    idea.title, idea.body, idea.category, idea.language = title, body, category, language
    with transaction.atomic():
        _validated(idea).save(
            update_fields=["title", "body", "body_html", "category", "language", "updated_at"]
        )
        transaction.on_commit(lambda: idea_written.delay(idea.pk))
    return idea


def vote_set(*, user: User, idea: Idea, voted: bool) -> bool:
    """Make the user's vote on the idea be `voted`. Returns True if anything changed.

    Safe under concurrency, and idempotent so a double click cannot undo itself:
    1. The Vote row and the counter change in one transaction.
    2. The unique constraint on (user, idea) decides between two concurrent inserts; the loser
       gets IntegrityError inside its savepoint and changes nothing.
    3. The counter moves with an F() expression, so concurrent voters never overwrite each other.
    """
    from community.tasks import votes_changed

    with transaction.atomic():
        if voted:
            try:
                with transaction.atomic():
                    Vote.objects.create(user=user, idea=idea)
            except IntegrityError:
                return False
            delta = 1
            idea_followed_by(user=user, idea=idea)
        else:
            deleted, _detail = Vote.objects.filter(user=user, idea=idea).delete()
            if not deleted:
                return False
            delta = -1
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + delta)
        transaction.on_commit(lambda: votes_changed.delay(idea.pk))
    idea.refresh_from_db(fields=["vote_count"])
    return True


def vote_toggle(*, user: User, idea: Idea) -> bool:
    """Flip the user's vote. Returns whether the user now votes for the idea."""
    voted = not Vote.objects.filter(user=user, idea=idea).exists()
    vote_set(user=user, idea=idea, voted=voted)
    return voted


def idea_change_status(*, idea: Idea, actor: User, to_status: str, response: str) -> StatusChange:
    """Move an idea through the workflow with a public official response, then tell the author."""
    from ideas.tasks import notify_status_change

    if not user_answers_officially(actor):
        raise PermissionDenied(_("Only staff can change an idea's status."))
    response = response.strip()
    if not response:
        raise ValidationError({"response": _("An official response is required.")})
    with transaction.atomic():
        # Lock the idea so two staff members cannot both move it from the same status.
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if to_status not in STATUS_TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "to_status": _("An idea that is %(current)s cannot become %(target)s.")
                    % {
                        "current": Status(locked.status).label,
                        "target": Status(to_status).label if to_status in Status else to_status,
                    }
                }
            )
        change = StatusChange(
            idea=locked,
            changed_by=actor,
            from_status=locked.status,
            to_status=to_status,
            response=response,
        )
        change.full_clean(exclude=["response_html"])
        change.response_html = render_markdown(response)
        change.save()
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        # Imported here: the community app builds on ideas, not the other way round.
        from community.audit import audit_record
        from community.models import AuditAction

        audit_record(
            actor=actor,
            action=AuditAction.STATUS_CHANGE,
            target=locked,
            summary=_("Idea #%(pk)s: %(current)s → %(target)s")
            % {
                "pk": locked.pk,
                "current": Status(change.from_status).label,
                "target": Status(to_status).label,
            },
            before={"status": change.from_status},
            after={"status": to_status, "status_change": change.pk, "response": response},
        )
        transaction.on_commit(lambda: notify_status_change.delay(change.pk))
    idea.status = to_status
    return change


def status_change_notify(*, status_change_id: int) -> bool:
    """Tell the idea's followers (its author among them) and award points. Safe to run twice:
    notifications and points have unique keys, so a second run adds nothing."""
    from community.notifications import notify_status_change
    from community.recognition import recognise_status

    change = (
        StatusChange.objects.select_related("idea__author", "idea__category", "changed_by")
        .filter(pk=status_change_id)
        .first()
    )
    if change is None:
        return False
    notify_status_change(change=change)
    recognise_status(idea=change.idea)
    StatusChange.objects.filter(pk=change.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return True


def ideas_recount(*, ids: list[int] | None = None) -> int:
    """Recompute the denormalised vote and comment counts from the rows (repair, bulk loads)."""
    from community.models import Comment

    votes = (
        Vote.objects.filter(idea=OuterRef("pk")).values("idea").annotate(n=Count("pk")).values("n")
    )
    comments = (
        Comment.objects.filter(idea=OuterRef("pk"), removed_at__isnull=True)
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ideas = Idea.objects.all() if ids is None else Idea.objects.filter(pk__in=ids)
    return ideas.update(
        vote_count=Coalesce(Subquery(votes), 0), comment_count=Coalesce(Subquery(comments), 0)
    )
