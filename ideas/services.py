"""Every write to ideas, votes and status changes goes through these functions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import user_answers_officially
from ideas.models import STATUS_TRANSITIONS, Category, Idea, Status, StatusChange, Vote
from ideas.rendering import render_markdown


def _validated(idea: Idea) -> Idea:
    idea.title = idea.title.strip()
    idea.body = idea.body.strip()
    idea.full_clean(exclude=["author"])
    idea.body_html = render_markdown(idea.body)
    return idea


def idea_create(*, author: User, title: str, body: str, category: Category, language: str) -> Idea:
    from ideas.tasks import idea_written

    idea = _validated(
        Idea(author=author, title=title, body=body, category=category, language=language)
    )
    with transaction.atomic():
        idea.save()
        transaction.on_commit(lambda: idea_written.delay(idea.pk))
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
    with transaction.atomic():
        if voted:
            try:
                with transaction.atomic():
                    Vote.objects.create(user=user, idea=idea)
            except IntegrityError:
                return False
            delta = 1
        else:
            deleted, _detail = Vote.objects.filter(user=user, idea=idea).delete()
            if not deleted:
                return False
            delta = -1
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + delta)
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
        transaction.on_commit(lambda: notify_status_change.delay(change.pk))
    idea.status = to_status
    return change


def status_change_notify(*, status_change_id: int) -> bool:
    """Email the idea's author about a status change, once. Returns True if an email was sent.

    The row is locked while the email is sent and marked afterwards in the same transaction,
    so two workers running the same task cannot both send it, and a failed send is retried.
    """
    with transaction.atomic():
        change = (
            StatusChange.objects.select_for_update()
            .select_related("idea__author", "changed_by")
            .filter(pk=status_change_id, notified_at__isnull=True)
            .first()
        )
        if change is None:
            return False
        author = change.idea.author
        if author.pk != change.changed_by_id and author.is_active:
            _send_status_email(change)
        change.notified_at = timezone.now()
        change.save(update_fields=["notified_at"])
    return True


def _send_status_email(change: StatusChange) -> None:
    idea = change.idea
    context = {
        "idea": idea,
        "change": change,
        "from_label": Status(change.from_status).label,
        "to_label": Status(change.to_status).label,
        "url": settings.SITE_URL.rstrip("/") + idea.get_absolute_url(),
    }
    # Written in the language the author wrote the idea in.
    with translation.override(idea.language):
        subject = _("Your idea “%(title)s” is now %(status)s") % {
            "title": idea.title[:60],
            "status": context["to_label"],
        }
        text = render_to_string("ideas/email/status_change.txt", context)
        html = render_to_string("ideas/email/status_change.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[idea.author.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


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
