"""Vote rings in the database: the worker's detection run and the moderators' decisions.

The rule itself is Django-free, in community/moderation/vote_rings/detector.py. Here the votes are
read, the groups it finds are stored as VoteRing rows, and moderators discount, restore or dismiss
them. A discounted vote stays in the table (so the decision can be undone) but leaves
Idea.vote_count, vote points and theme trends.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_permission
from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.roles import MODERATE_CONTENT
from community.models import VoteRing, VoteRingStatus
from community.moderation.vote_rings import detector as vote_rings
from config.outbox.events import record
from ideas.events import VotesChanged
from ideas.models import Idea, Vote
from ideas.ranking import trending_score_after

# The worker runs every 15 minutes and looks back 2 hours, so a burst that spans two runs is
# seen whole; finding a group again only refreshes its row.
DETECT_LOOKBACK = timedelta(hours=2)
# How far back a voter's votes count as their voting pattern.
HISTORY = timedelta(days=90)


def vote_rings_detect(*, since: datetime | None = None, now: datetime | None = None) -> int:
    """Look for vote rings in the votes cast since `since` (default: the last 2 hours) and store
    them. Returns how many new rings were found.

    Safe to run twice: a group already stored (same idea, same voters) keeps its row; an open
    ring gets the fresh evidence, a reviewed one is left as the moderator decided.
    """
    now = now or timezone.now()
    since = since or now - DETECT_LOOKBACK
    idea_ids = set(
        Vote.objects.filter(created_at__gte=since, created_at__lte=now).values_list(
            "idea_id", flat=True
        )
    )
    if not idea_ids:
        return 0
    # Enough before `since` for a burst's first hour and the idea's earlier rate.
    start = since - vote_rings.BURST_WINDOW - vote_rings.BASELINE
    records = [
        vote_rings.VoteRecord(*row)
        for row in Vote.objects.filter(
            idea_id__in=idea_ids, created_at__gte=start, created_at__lte=now
        ).values_list("user_id", "idea_id", "created_at", "network", "user__date_joined")
    ]
    voters = {record.voter_id for record in records}
    histories: dict[int, set[int]] = defaultdict(set)
    for user_id, idea_id in Vote.objects.filter(
        user_id__in=voters, created_at__gte=now - HISTORY
    ).values_list("user_id", "idea_id"):
        histories[user_id].add(idea_id)
    candidates = vote_rings.find_vote_rings(
        records, {voter: frozenset(ideas) for voter, ideas in histories.items()}, since=since
    )
    return sum(1 for candidate in candidates if _ring_store(candidate))


def _ring_store(candidate: vote_rings.RingCandidate) -> bool:
    """Insert the ring, or refresh an open one. Returns whether it is new."""
    with transaction.atomic():
        # The unique constraint on (idea, fingerprint) settles two runs storing the same group.
        ring, created = VoteRing.objects.get_or_create(
            idea_id=candidate.idea_id,
            fingerprint=candidate.fingerprint,
            defaults={"score": candidate.score, "evidence": candidate.evidence},
        )
        if created:
            ring.voters.set(candidate.voter_ids)
        else:
            VoteRing.objects.filter(pk=ring.pk, status=VoteRingStatus.OPEN).update(
                score=candidate.score, evidence=candidate.evidence
            )
    return created


def vote_rings_for_review() -> QuerySet[VoteRing]:
    """The moderators' list: open rings first, then the newest."""
    return (
        VoteRing.objects.select_related("idea", "reviewed_by")
        .prefetch_related(Prefetch("voters", queryset=User.objects.order_by("date_joined", "pk")))
        .annotate(
            waiting=Case(
                When(status=VoteRingStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-detected_at", "-pk")
    )


# --- moderators' decisions ----------------------------------------------------------------------


def _claim(*, ring: VoteRing, actor: User, from_status: list[str], to_status: str) -> str:
    """Move the ring to `to_status` and return the status it had. The row is locked first, so
    of two moderators clicking at once the second waits, then sees the new status and gets a
    ValidationError instead of acting twice."""
    locked = VoteRing.objects.select_for_update().filter(pk=ring.pk).first()
    if locked is None:
        raise ValidationError(_("This vote ring no longer exists."))
    if locked.status not in from_status:
        raise ValidationError(
            _("This vote ring is now “%(status)s”: nothing was changed.")
            % {"status": VoteRingStatus(locked.status).label}
        )
    now = timezone.now()
    VoteRing.objects.filter(pk=ring.pk).update(status=to_status, reviewed_at=now, reviewed_by=actor)
    ring.status, ring.reviewed_at, ring.reviewed_by = to_status, now, actor
    return locked.status


def _move_count(idea_id: int, delta: int) -> tuple[int, int]:
    """Move the idea's vote_count by `delta` with F() and return (before, after).

    A delta rather than a recount: a recount in the same statement as a concurrent vote could
    miss that vote and overwrite its +1. Our UPDATE holds the idea's row lock until commit, so
    reading it back gives our own result."""
    if delta:
        Idea.objects.filter(pk=idea_id).update(
            vote_count=F("vote_count") + delta,
            trending_score=trending_score_after(vote_delta=delta),
        )
    after = Idea.objects.values_list("vote_count", flat=True).get(pk=idea_id)
    return after - delta, after


def _describe(ring: VoteRing) -> str:
    """Ids only, never the idea's title: the audit log outlives the author's right to erasure."""
    return _("vote ring #%(pk)s on idea #%(idea)s") % {"pk": ring.pk, "idea": ring.idea_id}


def _voter_ids(ring: VoteRing) -> list[int]:
    return list(ring.voters.values_list("pk", flat=True))


@transaction.atomic
def vote_ring_discount(*, actor: User, ring: VoteRing) -> int:
    """Stop counting the ring's votes on its idea. Returns how many votes were discounted.

    1. The ring row is locked and moved to "discounted" (a second moderator gets an error).
    2. Only votes still counted are marked (conditional UPDATE), so a vote the member removes
       meanwhile, or one another ring already discounted, is not taken off twice.
    3. vote_count moves by exactly that number; points are recomputed by VotesChanged's
       consumers.
    """
    require_permission(actor, MODERATE_CONTENT)
    was = _claim(
        ring=ring,
        actor=actor,
        from_status=[VoteRingStatus.OPEN, VoteRingStatus.DISMISSED],
        to_status=VoteRingStatus.DISCOUNTED,
    )
    discounted = Vote.objects.filter(
        idea_id=ring.idea_id, user_id__in=_voter_ids(ring), discounted_at__isnull=True
    ).update(discounted_at=timezone.now())
    before, after = _move_count(ring.idea_id, -discounted)
    audit_record(
        actor=actor,
        action=AuditAction.VOTES_DISCOUNT,
        target=ring,
        summary=_("Discounted %(n)s votes of %(what)s")
        % {"n": discounted, "what": _describe(ring)},
        before={"status": was, "vote_count": before},
        after={"status": ring.status, "vote_count": after, "discounted_votes": discounted},
    )
    record(VotesChanged(idea_id=ring.idea_id))
    return discounted


@transaction.atomic
def vote_ring_restore(*, actor: User, ring: VoteRing) -> int:
    """Count the ring's votes again and put the ring back in review. Returns how many votes
    were restored. A voter who is also in another discounted ring on this idea stays
    discounted: that ring's decision still holds."""
    require_permission(actor, MODERATE_CONTENT)
    was = _claim(
        ring=ring,
        actor=actor,
        from_status=[VoteRingStatus.DISCOUNTED],
        to_status=VoteRingStatus.OPEN,
    )
    still_held = _voters_of_other_discounted_rings(ring)
    restored = (
        Vote.objects.filter(
            idea_id=ring.idea_id, user_id__in=_voter_ids(ring), discounted_at__isnull=False
        )
        .exclude(user_id__in=still_held)
        .update(discounted_at=None)
    )
    before, after = _move_count(ring.idea_id, restored)
    audit_record(
        actor=actor,
        action=AuditAction.VOTES_RESTORE,
        target=ring,
        summary=_("Restored %(n)s votes of %(what)s") % {"n": restored, "what": _describe(ring)},
        before={"status": was, "vote_count": before},
        after={"status": ring.status, "vote_count": after, "restored_votes": restored},
    )
    record(VotesChanged(idea_id=ring.idea_id))
    return restored


def _voters_of_other_discounted_rings(ring: VoteRing) -> list[int]:
    others = VoteRing.objects.filter(
        idea_id=ring.idea_id, status=VoteRingStatus.DISCOUNTED
    ).exclude(pk=ring.pk)
    return list(User.objects.filter(pk__in=others.values("voters")).values_list("pk", flat=True))


@transaction.atomic
def vote_ring_dismiss(*, actor: User, ring: VoteRing, reason: str) -> None:
    """Close an open ring without touching its votes: the moderator judged them honest."""
    require_permission(actor, MODERATE_CONTENT)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    was = _claim(
        ring=ring,
        actor=actor,
        from_status=[VoteRingStatus.OPEN],
        to_status=VoteRingStatus.DISMISSED,
    )
    count = Idea.objects.values_list("vote_count", flat=True).get(pk=ring.idea_id)
    audit_record(
        actor=actor,
        action=AuditAction.VOTE_RING_DISMISS,
        target=ring,
        summary=_("Dismissed %(what)s: %(reason)s") % {"what": _describe(ring), "reason": reason},
        before={"status": was, "vote_count": count},
        after={"status": ring.status, "vote_count": count, "reason": reason},
    )
