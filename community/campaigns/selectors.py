"""Reads for campaigns: the list by phase, one campaign, its results and its leaderboard."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from accounts.roles import staff_role_of
from community.models import CampaignResults
from ideas.models import Campaign, Idea, Vote
from ideas.selectors import idea_list


def campaigns_with_counts() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("category").annotate(idea_count=Count("ideas"))


@dataclass(frozen=True)
class CurrentCampaigns:
    open: list[Campaign]
    upcoming: list[Campaign]


def campaigns_current(*, now: datetime | None = None) -> CurrentCampaigns:
    """Open campaigns (closing soonest first) and upcoming ones (starting soonest first)."""
    now = now or timezone.now()
    current = list(campaigns_with_counts().filter(ends_at__gt=now).order_by("starts_at", "pk"))
    return CurrentCampaigns(
        open=sorted((c for c in current if c.starts_at <= now), key=lambda c: c.ends_at),
        upcoming=[c for c in current if c.starts_at > now],
    )


def campaigns_finished(*, now: datetime | None = None) -> QuerySet[Campaign]:
    now = now or timezone.now()
    return campaigns_with_counts().filter(ends_at__lte=now).order_by("-ends_at", "-pk")


def campaigns_open(*, now: datetime | None = None) -> QuerySet[Campaign]:
    now = now or timezone.now()
    return (
        campaigns_with_counts()
        .filter(starts_at__lte=now, ends_at__gt=now)
        .order_by("ends_at", "pk")
    )


def campaign_get(*, slug: str) -> Campaign:
    """Campaigns are public, whoever may submit into them (404 when there is none)."""
    return get_object_or_404(campaigns_with_counts(), slug=slug)


def campaign_top_ideas(*, campaign: Campaign, viewer: Any = None, limit: int = 5) -> list[Idea]:
    """The campaign's most voted ideas. Once it has ended, its results are frozen at the end
    date: ideas are ranked by the votes cast before it (`votes_at_end`, not counting votes a
    moderator discounted), so votes that come later do not change them."""
    ideas = idea_list(viewer=viewer, sort="top", campaign=campaign)
    if not campaign.has_ended:
        return list(ideas[:limit])
    at_end = (
        Vote.objects.filter(
            idea=OuterRef("pk"), created_at__lt=campaign.ends_at, discounted_at__isnull=True
        )
        .values("idea")
        .annotate(count=Count("pk"))
        .values("count")
    )
    ranked = ideas.annotate(votes_at_end=Coalesce(Subquery(at_end), 0))
    return list(ranked.order_by("-votes_at_end", "created_at", "pk")[:limit])


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    member: User
    points: int


def campaign_leaderboard(*, campaign: Campaign, limit: int = 10) -> list[LeaderboardRow]:
    """Members ranked by the points they earned on the campaign's ideas (ties share a rank).

    Same order as community.recognition.services.campaign_leaderboard, which picks the campaign's
    badge winner: active members, most points first, ties by account age. The filter comes before
    the annotation, so the sum only covers the campaign's entries.
    """
    members = (
        User.objects.filter(
            is_active=True,
            profile_public=True,  # a private profile is not named on a leaderboard
            points__idea__campaign=campaign,
            points__created_at__lt=campaign.ends_at,  # frozen at the end date
        )
        .annotate(campaign_points=Sum("points__points"))
        .filter(campaign_points__gt=0)
        .prefetch_related(staff_role_of(""), "badges")  # what the person tag shows
        .order_by("-campaign_points", "pk")[:limit]
    )
    rows: list[LeaderboardRow] = []
    for position, member in enumerate(members, start=1):
        points: int = member.campaign_points  # type: ignore[attr-defined]
        tied = rows and rows[-1].points == points
        rows.append(LeaderboardRow(rows[-1].rank if tied else position, member, points))
    return rows


@dataclass(frozen=True)
class Results:
    top_ideas: list[Idea]  # each with `votes_at_end`
    leaderboard: list[LeaderboardRow]


def campaign_results(*, campaign: Campaign, viewer: Any = None) -> Results:
    """An ended campaign's results: the standings the worker stored at the close
    (CampaignResults) once it has, else computed from what is stored now (the hour before the
    job runs, or a campaign awarded before the snapshots existed).

    From a snapshot, an idea hidden or deleted since, and a member deleted, deactivated or made
    private since, are left out; the others keep their rank and count from the close."""
    snapshot = CampaignResults.objects.filter(campaign=campaign).first()
    if snapshot is None:
        return Results(
            top_ideas=campaign_top_ideas(campaign=campaign, viewer=viewer),
            leaderboard=campaign_leaderboard(campaign=campaign),
        )
    votes = {idea_id: count for idea_id, count in snapshot.top_ideas}
    shown = {
        idea.pk: idea for idea in idea_list(viewer=viewer, campaign=campaign).filter(pk__in=votes)
    }
    top_ideas = []
    for idea_id, count in snapshot.top_ideas:
        if idea := shown.get(idea_id):
            idea.votes_at_end = count  # type: ignore[attr-defined]
            top_ideas.append(idea)
    members = User.objects.filter(
        pk__in=[row[0] for row in snapshot.leaderboard], is_active=True, profile_public=True
    ).prefetch_related(staff_role_of(""), "badges")
    by_pk = {member.pk: member for member in members}
    leaderboard = [
        LeaderboardRow(rank, by_pk[member_id], points)
        for member_id, rank, points in snapshot.leaderboard
        if member_id in by_pk
    ]
    return Results(top_ideas=top_ideas, leaderboard=leaderboard)
