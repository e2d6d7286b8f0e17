"""Every write to ideas, votes and status changes goes through these functions."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import user_answers_officially
from accounts.sanctions import ensure_can_participate
from config.db import MARK_ID, MARK_TIME, Prepared, insert_unless_present, update_returning_sql
from config.outbox.events import record
from ideas import vote_write
from ideas.comment_rows import comment_rows
from ideas.events import IdeaEdited, IdeaPublished, IdeaSubmitted, StatusChanged, VotesChanged
from ideas.models import STATUS_TRANSITIONS, Campaign, Category, Idea, Status, StatusChange, Vote
from ideas.pii_services import mask_texts, masked_record
from ideas.ranking import trending_score_after, trending_score_set
from ideas.rendering import cleaned_text, render_markdown
from ideas.submission import submission_rules


def _validated(idea: Idea) -> Idea:
    idea.title = cleaned_text(idea.title)
    idea.body = cleaned_text(idea.body)
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
    campaign: Campaign | None = None,
) -> Idea:
    """Publish an idea, optionally into a campaign that is open to this author."""
    ensure_can_participate(author)  # suspended and banned members cannot post
    rules = submission_rules()  # the community's: campaigns, pre-moderation
    if campaign is not None:
        rules.check_campaign(campaign=campaign, author=author)
    # Card numbers, phones... are hidden before anything is stored, rendered or analysed.
    masked = mask_texts(model=Idea, language=language, title=title, body=body)
    idea = _validated(
        Idea(
            author=author,
            title=masked["title"],
            body=masked["body"],
            category=category,
            language=language,
            campaign=campaign,
        )
    )
    with transaction.atomic():
        if rules.needs_premoderation(author=author, category=category, campaign=campaign):
            # Waits for a moderator; approval (community.moderation.premoderation) publishes it.
            idea.pending_at = timezone.now()
        idea.save()
        trending_score_set(Idea.objects.filter(pk=idea.pk))
        masked_record(masked=masked, idea=idea)
        # Its author follows it: community.consumers.follow_ones_own_idea.
        record(IdeaSubmitted(idea_id=idea.pk))
        if not idea.is_pending:
            record(IdeaPublished(idea_id=idea.pk))
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
    """Change an idea within its edit window. When pre-moderation covers the edit (a
    pre-moderated category or campaign, the first-post rule, or an idea a moderator approved:
    `community.moderation.waiting.edit_needs_premoderation`, via ideas.submission) the idea
    waits for a moderator again, seen only by its author and moderators, until approved."""
    ensure_can_participate(editor)  # suspended and banned members cannot edit either
    if not idea_can_edit(idea=idea, user=editor):
        raise PermissionDenied(_("This idea can no longer be edited."))
    masked = mask_texts(model=Idea, language=language, title=title, body=body)
    idea.title, idea.body, idea.category, idea.language = (
        masked["title"],
        masked["body"],
        category,
        language,
    )
    fields = ["title", "body", "body_html", "category", "language", "updated_at"]
    with transaction.atomic():
        # Locked, so that a moderator approving it meanwhile either finishes first (and the
        # edit then waits again) or waits for the edit.
        idea.pending_at = (
            Idea.objects.select_for_update().values_list("pending_at", flat=True).get(pk=idea.pk)
        )
        _validated(idea)
        if submission_rules().edit_needs_premoderation(post=idea):
            idea.pending_at = idea.pending_at or timezone.now()
            fields.append("pending_at")
        idea.save(update_fields=fields)
        masked_record(masked=masked, idea=idea)
        if not idea.is_pending:  # a waiting idea is embedded and scored once approved
            record(IdeaEdited(idea_id=idea.pk))
    return idea


def _counter_move(delta: int) -> Prepared:
    """The counter's UPDATE for a vote (+1) or its removal (-1), compiled once per process: the
    trending expression made compiling it cost more than running it (config.db.Prepared)."""

    def build(using: str, pk: int, fallback: datetime) -> tuple[str, Sequence[Any]]:
        return update_returning_sql(
            Idea.objects.using(using).filter(pk=pk, merged_into__isnull=True),
            ["vote_count"],
            vote_count=F("vote_count") + delta,
            trending_score=trending_score_after(vote_delta=delta, fallback=fallback),
        )

    return Prepared(build, MARK_ID, MARK_TIME)


_COUNTER_MOVES = {delta: _counter_move(delta) for delta in (1, -1)}


MERGED_AWAY = gettext_lazy("This idea was merged into another one: vote there.")


def vote_set(*, user: User, idea: Idea, voted: bool, network: str = "") -> bool:
    """Make the user's vote on the idea be `voted`. Returns True if anything changed; then
    `idea.vote_count` is the count this vote left (read back by the counter's UPDATE).

    `network` is the keyed hash of the voter's network (config.network), kept for the vote-ring
    detector.

    Safe under concurrency, and idempotent so a double click cannot undo itself:
    1. The Vote row, its event and the counter change in one transaction.
    2. A vote is one `INSERT ... ON CONFLICT DO NOTHING`: the unique constraint on (user, idea)
       decides between two concurrent inserts; the second waits for the first to commit, then
       inserts nothing and changes nothing (no savepoint, no error to roll back).
    3. The counter moves in one conditional `UPDATE ... SET vote_count = vote_count ± 1 WHERE
       not merged RETURNING vote_count`: no SELECT FOR UPDATE and no read-modify-write, so
       concurrent voters never overwrite each other and the count stays exact.
    4. That UPDATE is the transaction's last statement (the event row is written before it):
       a popular idea's row is locked only from it to COMMIT, so its voters queue as briefly as
       possible.
    5. A vote a moderator discounted is not in the counter, so removing it leaves the counter
       alone. The counted row is deleted first with a conditional DELETE: if a moderator
       discounts it meanwhile, that DELETE finds nothing and the second one removes it uncounted.
    6. On PostgreSQL steps 1-4 are one statement, atomic without a transaction around it
       (ideas.vote_write): the same rows and locks, no BEGIN or COMMIT round trip.
    """
    ensure_can_participate(user)  # suspended and banned members cannot vote
    if vote_write.available():
        changed, count = vote_write.vote_write(
            user_id=user.pk,
            idea_id=idea.pk,
            voted=voted,
            network=network[:16],
            now=timezone.now(),
        )
        if changed:
            if count is None:
                raise ValidationError(MERGED_AWAY)
            idea.vote_count = count
            return True
        if voted:
            return False
        with transaction.atomic():  # no counted vote to remove: a discounted one, if any
            mine = Vote.objects.filter(user=user, idea=idea, discounted_at__isnull=False)
            if not mine.delete()[0]:
                return False
            record(VotesChanged(idea_id=idea.pk))  # the counter is left alone
        return True
    with transaction.atomic():
        if voted:
            if not insert_unless_present(Vote(user=user, idea=idea, network=network[:16])):
                return False
            delta = 1
        else:
            mine = Vote.objects.filter(user=user, idea=idea)
            deleted, _detail = mine.filter(discounted_at__isnull=True).delete()
            delta = -1
            if not deleted:
                deleted, _detail = mine.delete()
                delta = 0
            if not deleted:
                return False
        # A new voter follows the idea: community.consumers.follow_what_they_voted_for.
        record(VotesChanged(idea_id=idea.pk, new_voter_id=user.pk if voted else None))
        if delta:
            # The row lock of this UPDATE waits for a merge in progress; once the idea is
            # merged away its votes live on the other idea, so this vote is undone. Only
            # counters change (page_cache_quiet_fields): no page-cache generation to move.
            counted = _COUNTER_MOVES[delta].fetchall(Idea.objects.db, idea.pk, timezone.now())
            if not counted:
                raise ValidationError(MERGED_AWAY)
            (idea.vote_count,) = counted[0]
    return True


def vote_toggle(*, user: User, idea: Idea, network: str = "") -> bool:
    """Flip the user's vote. Returns whether the user now votes for the idea."""
    voted = not Vote.objects.filter(user=user, idea=idea).exists()
    vote_set(user=user, idea=idea, voted=voted, network=network)
    return voted


def idea_change_status(*, idea: Idea, actor: User, to_status: str, response: str) -> StatusChange:
    """Move an idea through the workflow with a public official response; its followers are told
    (StatusChanged)."""
    if not user_answers_officially(actor):
        raise PermissionDenied(_("Only staff can change an idea's status."))
    # Staff may quote a customer's IBAN or phone: masked like any public text (and in the audit).
    masked = mask_texts(model=StatusChange, language=idea.language, response=response)
    response = masked["response"].strip()
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
        masked_record(masked=masked, idea=locked, status_change=change)
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
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
        record(StatusChanged(status_change_id=change.pk, idea_id=locked.pk))
    idea.status = to_status
    return change


def ideas_recount(*, ids: list[int] | None = None) -> int:
    """Recompute the denormalised vote and comment counts from the rows (repair, bulk loads)."""
    # Votes a moderator discounted (part of a vote ring) are kept but not counted.
    votes = (
        Vote.objects.filter(idea=OuterRef("pk"), discounted_at__isnull=True)
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Comments waiting for a moderator are not counted until approved.
    comments = (
        comment_rows()
        .counted()
        .filter(idea=OuterRef("pk"))
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ideas = Idea.objects.all() if ids is None else Idea.objects.filter(pk__in=ids)
    with transaction.atomic():
        changed = ideas.update(
            vote_count=Coalesce(Subquery(votes), 0), comment_count=Coalesce(Subquery(comments), 0)
        )
        trending_score_set(ideas)
    return changed
