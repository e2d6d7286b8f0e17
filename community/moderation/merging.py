"""Merging a duplicate idea into the idea that is kept.

The duplicate's votes, comments (with their replies), followers and comment reports move to the
kept idea; the duplicate is marked merged, so lists leave it out and its page redirects. Both
authors (and the duplicate's followers) are told, and the audit log keeps the counts before and
after. There is no undo: the audit entry is the record.

Points follow the votes: after the merge the worker recomputes the vote points of both ideas
(consumers of `IdeaMerged`), so a vote that moved earns its point for the kept idea's author
only, and a person who voted on both pays one point, not two. Points for posting the duplicate
and for comments are kept: they were earned once and are not awarded again.
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_permission
from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import MODERATE_CONTENT
from community.models import Comment, ContentSentiment, Flag, FlagResolution, Follow, VoteRing
from config.numbers import whole_number
from config.outbox.events import record
from ideas.events import IdeaMerged
from ideas.models import Idea, Vote
from ideas.services import ideas_recount
from ideas.themes.similar import similar_ideas

NOTE_MAX_LENGTH = 500
SEARCH_LIMIT = 20
SUGGESTIONS = 5


@dataclass(frozen=True)
class MergePreview:
    """What a merge of `source` into `target` would move, for the confirmation page."""

    votes_moving: int  # votes on the duplicate from people who did not vote on the kept idea
    shared_voters: int  # voted on both: they keep their one vote on the kept idea
    comments_moving: int  # comments and replies, removed ones included (threads stay whole)
    followers_moving: int
    shared_followers: int
    open_flags: int  # open reports on the duplicate itself, closed by the merge
    target_votes_after: int
    target_comments_after: int
    target_followers_after: int


@dataclass(frozen=True)
class MergeOutcome:
    votes_moved: int
    votes_dropped: int
    comments_moved: int
    followers_moved: int
    followers_dropped: int
    flags_closed: int
    ideas_repointed: int


# --- checks -------------------------------------------------------------------------------------


def merge_source_refusal(*, source: Idea) -> str | None:
    if source.merged_into_id is not None:
        return _("“%(title)s” was already merged into idea #%(pk)s.") % {
            "title": source.title,
            "pk": source.merged_into_id,
        }
    return None


def merge_refusal(*, source: Idea, target: Idea) -> str | None:
    """Why this merge cannot happen, or None. Checked again on the locked rows."""
    if source.pk == target.pk:
        return _("An idea cannot be merged into itself.")
    refusal = merge_source_refusal(source=source)
    if refusal:
        return refusal
    if target.merged_into_id is not None:
        # Refused rather than followed: the moderator should see and choose the idea kept.
        return _(
            "“%(title)s” was itself merged into idea #%(pk)s: merge into that idea instead."
        ) % {"title": target.title, "pk": target.merged_into_id}
    if target.hidden_at is not None or target.pending_at is not None:
        return _(
            "“%(title)s” is hidden or waiting for a moderator: ideas can only be merged into a "
            "public idea."
        ) % {"title": target.title}
    return None


# --- reads --------------------------------------------------------------------------------------


def merge_suggestions(*, source: Idea) -> list[tuple[Idea, float]]:
    """The public ideas most like the duplicate's title, best first (the submit form's search)."""
    return similar_ideas(text=source.title, k=SUGGESTIONS, exclude=source.pk)


def merge_search(*, source: Idea, query: str) -> QuerySet[Idea]:
    """Public ideas other than the duplicate whose title contains `query`, or numbered `#query`."""
    query = query.strip()
    if not query:
        return Idea.objects.none()
    wanted = Q(title__icontains=query)
    if (number := whole_number(query.removeprefix("#").strip())) is not None:
        wanted |= Q(pk=number)
    return (
        Idea.objects.public()
        .filter(wanted)
        .exclude(pk=source.pk)
        .select_related("author", "category")
        .order_by("-vote_count", "-pk")[:SEARCH_LIMIT]
    )


def _voters(idea: Idea) -> QuerySet[Vote]:
    return Vote.objects.filter(idea=idea).values("user")  # type: ignore[return-value]


def _followers(idea: Idea) -> QuerySet[Follow]:
    return Follow.objects.filter(idea=idea).values("user")  # type: ignore[return-value]


def merge_preview(*, source: Idea, target: Idea) -> MergePreview:
    shared_voters = Vote.objects.filter(idea=source, user__in=_voters(target)).count()
    counted = Vote.objects.filter(discounted_at__isnull=True)
    target_counted = counted.filter(idea=target).count()
    moving_counted = counted.filter(idea=source).exclude(user__in=_voters(target)).count()
    shared_followers = Follow.objects.filter(idea=source, user__in=_followers(target)).count()
    followers = Follow.objects.filter(idea=source).count()
    comments = Comment.objects.filter(idea=source).count()
    return MergePreview(
        votes_moving=Vote.objects.filter(idea=source).count() - shared_voters,
        shared_voters=shared_voters,
        comments_moving=comments,
        followers_moving=followers - shared_followers,
        shared_followers=shared_followers,
        open_flags=Flag.objects.filter(
            idea=source, comment__isnull=True, resolved_at__isnull=True
        ).count(),
        target_votes_after=target_counted + moving_counted,
        target_comments_after=target.comment_count + source.comment_count,
        target_followers_after=Follow.objects.filter(idea=target).count()
        + followers
        - shared_followers,
    )


def _counts(idea: Idea) -> dict[str, Any]:
    """An idea's counts for the audit log: its id, not its title (the log outlives the author's
    right to erasure)."""
    idea.refresh_from_db(fields=["vote_count", "comment_count"])
    return {
        "id": idea.pk,
        "votes": idea.vote_count,
        "comments": idea.comment_count,
        "followers": Follow.objects.filter(idea=idea).count(),
    }


# --- the merge ----------------------------------------------------------------------------------


def idea_merge(*, actor: User, source: Idea, target: Idea, note: str = "") -> MergeOutcome:
    """Merge the duplicate `source` into `target`, all or nothing.

    1. Both rows are locked in primary-key order, so two moderators merging A into B and B into
       A at once wait for each other instead of deadlocking (PostgreSQL); the checks then run on
       the locked rows, so the second merge sees the first and is refused.
    2. A voter or follower of both keeps the kept idea's row and loses the duplicate's, which is
       deleted before the rest move, so the unique constraints on (user, idea) hold. A moved vote
       keeps its `discounted_at`.
    3. The counts are recomputed from the rows (`ideas_recount`), not adjusted.
    4. The duplicate's followers are read before they move and carried by the IdeaMerged
       event, whose consumers tell them and both authors and recount the points: none of it
       is lost if the broker is down, and none of it happens unless the merge commits.
    """
    require_permission(actor, MODERATE_CONTENT, _("Only moderators can merge ideas."))
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is too long (%(max)s characters at most).") % {"max": NOTE_MAX_LENGTH}
        )
    if source.pk == target.pk:
        raise ValidationError(_("An idea cannot be merged into itself."))
    with transaction.atomic():
        locked = {
            idea.pk: idea
            for idea in Idea.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError(_("One of these ideas no longer exists."))
        duplicate, kept = locked[source.pk], locked[target.pk]
        refusal = merge_refusal(source=duplicate, target=kept)
        if refusal:
            raise ValidationError(refusal)
        before = {"source": _counts(duplicate), "target": _counts(kept)}
        follower_ids = tuple(
            Follow.objects.filter(idea=duplicate).values_list("user_id", flat=True)
        )

        votes_dropped, _detail = Vote.objects.filter(
            idea=duplicate, user__in=_voters(kept)
        ).delete()
        votes_moved = Vote.objects.filter(idea=duplicate).update(idea=kept)
        # Suspected vote rings follow their votes, so a moderator can still discount or restore
        # them on the kept idea (a ring of the same voters already there stays the one).
        VoteRing.objects.filter(idea=duplicate).exclude(
            fingerprint__in=VoteRing.objects.filter(idea=kept).values("fingerprint")
        ).update(idea=kept)
        # Replies move with their thread: every comment of the duplicate, whatever its parent.
        comments_moved = Comment.objects.filter(idea=duplicate).update(idea=kept)
        # What belongs to a comment follows it: its reports and its sentiment score.
        Flag.objects.filter(idea=duplicate, comment__isnull=False).update(idea=kept)
        ContentSentiment.objects.filter(idea=duplicate, comment__isnull=False).update(idea=kept)
        followers_dropped, _detail = Follow.objects.filter(
            idea=duplicate, user__in=_followers(kept)
        ).delete()
        followers_moved = Follow.objects.filter(idea=duplicate).update(idea=kept)
        # Reports on the duplicate's own text do not describe the kept idea: they are closed.
        now = timezone.now()
        flags_closed = Flag.objects.filter(
            idea=duplicate, comment__isnull=True, resolved_at__isnull=True
        ).update(resolved_at=now, resolved_by=actor, resolution=FlagResolution.DISMISSED)
        # Ideas merged into the duplicate earlier now point at the kept idea: no chains.
        ideas_repointed = Idea.objects.filter(merged_into=duplicate).update(merged_into=kept)
        duplicate.merged_into, duplicate.merged_at = kept, now
        duplicate.save(update_fields=["merged_into", "merged_at"])
        ideas_recount(ids=[duplicate.pk, kept.pk])

        outcome = MergeOutcome(
            votes_moved=votes_moved,
            votes_dropped=votes_dropped,
            comments_moved=comments_moved,
            followers_moved=followers_moved,
            followers_dropped=followers_dropped,
            flags_closed=flags_closed,
            ideas_repointed=ideas_repointed,
        )
        audit_record(
            actor=actor,
            action=AuditAction.IDEA_MERGE,
            target=duplicate,
            summary=_("Merged idea #%(old_pk)s into #%(new_pk)s")
            % {"old_pk": duplicate.pk, "new_pk": kept.pk},
            before=before,
            after={
                "source": _counts(duplicate),
                "target": _counts(kept),
                "moved": asdict(outcome),
                "note": note,
            },
        )
        record(
            IdeaMerged(
                duplicate_id=duplicate.pk,
                into_id=kept.pk,
                actor_id=actor.pk,
                note=note,
                follower_ids=follower_ids,
            )
        )
    source.merged_into, source.merged_at = kept, now
    source.vote_count, source.comment_count = duplicate.vote_count, duplicate.comment_count
    target.vote_count, target.comment_count = kept.vote_count, kept.comment_count
    return outcome
