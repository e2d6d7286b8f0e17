"""Points and badges, awarded by the worker from what actually happened.

Points come from a ledger whose entries have unique keys, and the entries for votes are
recomputed from the votes that exist: a self-vote earns nothing, and voting, unvoting and
voting again leaves exactly one point, so points cannot be farmed.

    idea posted 10 · comment 2 · vote received 1 · idea planned 15 · idea done 25
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from community.models import (
    BadgeAward,
    BadgeCode,
    CampaignResults,
    Comment,
    MonthlyPoints,
    PointsEntry,
)
from community.notifications.services import notify_badge
from community.recognition import monthly_totals
from ideas.models import Campaign, Idea, Status, Vote

POINTS: dict[str, int] = {
    PointsEntry.Reason.IDEA: 10,
    PointsEntry.Reason.COMMENT: 2,
    PointsEntry.Reason.VOTE_RECEIVED: 1,
    PointsEntry.Reason.PLANNED: 15,
    PointsEntry.Reason.DONE: 25,
}
ADOPTED = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE)


def _entry(*, user: User, reason: str, key: str, idea: Idea | None, at: datetime) -> None:
    PointsEntry.objects.get_or_create(
        key=key,
        defaults={
            "user": user,
            "reason": reason,
            "points": POINTS[reason],
            "idea": idea,
            "created_at": at,
        },
    )


def recognise_idea(*, idea: Idea) -> None:
    _entry(
        user=idea.author,
        reason=PointsEntry.Reason.IDEA,
        key=f"idea:{idea.pk}",
        idea=idea,
        at=idea.created_at,
    )
    badges_update(user=idea.author)


def recognise_comment(*, comment: Comment) -> None:
    if comment.is_removed:
        return
    _entry(
        user=comment.author,
        reason=PointsEntry.Reason.COMMENT,
        key=f"comment:{comment.pk}",
        idea=comment.idea,
        at=comment.created_at,
    )
    badges_update(user=comment.author)


def forget_comment(*, comment_id: int) -> None:
    PointsEntry.objects.filter(key=f"comment:{comment_id}").delete()


@transaction.atomic
def recognise_votes(*, idea: Idea) -> None:
    """Make the author's vote points for this idea match the votes that exist now.

    Votes a moderator discounted (a vote ring) earn nothing; restoring them gives the points
    back, since both queue this recount."""
    counted = Vote.objects.filter(idea=idea, discounted_at__isnull=True)
    votes = {v.user_id: v.created_at for v in counted.exclude(user=idea.author_id)}
    wanted = {f"vote:{voter}:{idea.pk}": at for voter, at in votes.items()}
    existing = PointsEntry.objects.filter(idea=idea, reason=PointsEntry.Reason.VOTE_RECEIVED)
    existing.exclude(key__in=wanted).delete()
    have = set(existing.values_list("key", flat=True))
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                user=idea.author,
                reason=PointsEntry.Reason.VOTE_RECEIVED,
                points=POINTS[PointsEntry.Reason.VOTE_RECEIVED],
                key=key,
                idea=idea,
                created_at=at,
            )
            for key, at in wanted.items()
            if key not in have
        ],
        ignore_conflicts=True,
    )
    badges_update(user=idea.author)


# Statuses that earn the author points once, with the ledger key's prefix.
STATUS_POINTS: dict[str, tuple[str, str]] = {
    Status.PLANNED: (PointsEntry.Reason.PLANNED, "planned"),
    Status.DONE: (PointsEntry.Reason.DONE, "done"),
}


def recognise_status(*, idea: Idea) -> None:
    reached = set(idea.status_changes.values_list("to_status", "created_at"))
    for status, at in reached:
        if status in STATUS_POINTS:
            reason, prefix = STATUS_POINTS[status]
            _entry(user=idea.author, reason=reason, key=f"{prefix}:{idea.pk}", idea=idea, at=at)
    badges_update(user=idea.author)


def _award(*, user: User, code: str, campaign: Campaign | None = None) -> bool:
    _award_row, created = BadgeAward.objects.get_or_create(user=user, code=code, campaign=campaign)
    if created:
        # The badge is named in the member's language whenever the notification is read.
        notify_badge(
            user=user,
            badge=code,
            campaign_title=campaign.title if campaign else "",
            event=f"badge:{code}:{campaign.pk if campaign else ''}",
        )
    return created


def badges_update(*, user: User) -> list[str]:
    """Award the badges the user has earned and does not have yet. Returns the new codes."""
    earned = []
    # Only what others can see counts: a post waiting for a moderator earns nothing yet.
    if Idea.objects.public().filter(author=user).exists():
        earned.append(BadgeCode.FIRST_IDEA)
    if Comment.objects.filter(
        author=user, removed_at__isnull=True, pending_at__isnull=True
    ).exists():
        earned.append(BadgeCode.FIRST_COMMENT)
    if PointsEntry.objects.filter(user=user, reason=PointsEntry.Reason.VOTE_RECEIVED).count() >= 10:
        earned.append(BadgeCode.TEN_VOTES)
    if Idea.objects.filter(author=user, status__in=ADOPTED).exists():
        earned.append(BadgeCode.IDEA_ADOPTED)
    return [code for code in earned if _award(user=user, code=code)]


def campaign_results_store(*, campaign: Campaign) -> bool:
    """Store an ended campaign's final standings (CampaignResults), which its page then shows
    whatever happens later. Once: returns False when they are stored already (two workers at
    once: the primary key lets one row in, get_or_create returns the other's)."""
    from community.campaigns.selectors import campaign_leaderboard as shown_leaderboard
    from community.campaigns.selectors import campaign_top_ideas

    if not campaign.has_ended or CampaignResults.objects.filter(campaign=campaign).exists():
        return False
    top_ideas = campaign_top_ideas(campaign=campaign)  # public ideas, votes before the end
    board = shown_leaderboard(campaign=campaign)  # public profiles only
    _results, created = CampaignResults.objects.get_or_create(
        campaign=campaign,
        defaults={
            "top_ideas": [[idea.pk, idea.votes_at_end] for idea in top_ideas],  # type: ignore[attr-defined]
            "leaderboard": [[row.member.pk, row.rank, row.points] for row in board],
        },
    )
    return created


def campaign_award_results(*, campaign: Campaign) -> User | None:
    """After a campaign ends: its results are stored (once), and its top contributor gets a
    badge (once)."""
    if not campaign.has_ended:
        return None
    campaign_results_store(campaign=campaign)
    if campaign.results_awarded_at:
        return None
    leader = _ranked(_campaign_points(campaign), shown=False).first()
    winner = User.objects.get(pk=leader["user"]) if leader else None
    with transaction.atomic():
        if (
            Campaign.objects.filter(pk=campaign.pk, results_awarded_at__isnull=True).update(
                results_awarded_at=timezone.now()
            )
            and winner is not None
        ):
            _award(user=winner, code=BadgeCode.CAMPAIGN_TOP, campaign=campaign)
    return winner


# --- reads --------------------------------------------------------------------------------------


def points_of(*, user: User) -> int:
    return PointsEntry.objects.filter(user=user).aggregate(total=Sum("points"))["total"] or 0


def _ranked(entries: QuerySet[PointsEntry], *, shown: bool = True) -> QuerySet:  # type: ignore[type-arg]
    """Members by points. `shown`: for a leaderboard people read, which names no private
    profile; the campaign badge still goes to the real top contributor."""
    if shown:
        entries = entries.filter(user__profile_public=True)
    return (
        entries.filter(user__is_active=True)
        .values("user", "user__display_name", "user__organisation")
        .annotate(total=Sum("points"))
        .order_by("-total", "user")
    )


def monthly_leaderboard(*, year: int, month: int, limit: int = 20) -> QuerySet:  # type: ignore[type-arg]
    """The month's top members (rows of `user`, `user__display_name`, `user__organisation`,
    `total`). On PostgreSQL read from the stored monthly totals (MonthlyPoints, kept by triggers
    on the ledger: community.recognition.monthly_totals), the month's first rows of an index in
    points order, whatever the size of the ledger. On SQLite the month's ledger entries are
    summed: a range of the indexed `created_at` (midnight on the 1st to midnight on the next 1st,
    in the site's time zone)."""
    if monthly_totals.available():
        return (
            MonthlyPoints.objects.filter(
                month=date(year, month, 1),
                points__gt=0,
                user__profile_public=True,
                user__is_active=True,
            )
            .order_by("-points", "user")
            .values("user", "user__display_name", "user__organisation", total=F("points"))[:limit]
        )
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return _ranked(PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end))[:limit]


def _campaign_points(campaign: Campaign) -> QuerySet[PointsEntry]:
    # Frozen at the end date: points earned later on the campaign's ideas do not count.
    return PointsEntry.objects.filter(idea__campaign=campaign, created_at__lt=campaign.ends_at)


def campaign_leaderboard(*, campaign: Campaign, limit: int = 20) -> QuerySet:  # type: ignore[type-arg]
    return _ranked(_campaign_points(campaign))[:limit]
