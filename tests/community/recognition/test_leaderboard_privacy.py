"""Leaderboards name no private profile, and a campaign's results are frozen at its end date."""

from datetime import timedelta

from django.utils import timezone

from community.campaigns import selectors as campaign_selectors
from community.models import PointsEntry
from community.recognition import services as recognition
from ideas.models import Campaign, Idea, Vote
from tests.factories import IdeaFactory, UserFactory


def points(user, idea, amount, at, key):  # type: ignore[no-untyped-def]
    PointsEntry.objects.create(
        user=user, idea=idea, points=amount, reason="idea", key=key, created_at=at
    )


def ended_campaign(creator):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return Campaign.objects.create(
        title="Branches",
        slug="branches",
        description="d",
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=1),
        created_by=creator,
    )


def test_the_monthly_leaderboard_leaves_out_private_profiles(db):
    shown = UserFactory(display_name="Shown")
    private = UserFactory(display_name="Private", profile_public=False)
    now = timezone.now()
    points(shown, None, 5, now, "a")
    points(private, None, 50, now, "b")
    rows = list(recognition.monthly_leaderboard(year=now.year, month=now.month))
    assert [row["user"] for row in rows] == [shown.pk]


def test_the_campaign_leaderboard_is_frozen_at_the_end_and_names_no_private_profile(db):
    staff = UserFactory(role="product_manager")
    campaign = ended_campaign(staff)
    early, late, private = (
        UserFactory(display_name="Early"),
        UserFactory(display_name="Late"),
        UserFactory(display_name="Private", profile_public=False),
    )
    idea = IdeaFactory(author=early, campaign=campaign)
    before, after = campaign.ends_at - timedelta(hours=1), campaign.ends_at + timedelta(hours=1)
    points(early, idea, 5, before, "e")
    points(late, idea, 3, before, "l1")
    points(late, idea, 30, after, "l2")  # after the end: does not count
    points(private, idea, 100, before, "p")

    rows = campaign_selectors.campaign_leaderboard(campaign=campaign)
    assert [(row.member.pk, row.points) for row in rows] == [(early.pk, 5), (late.pk, 3)]
    assert [row["user"] for row in recognition.campaign_leaderboard(campaign=campaign)] == [
        early.pk,
        late.pk,
    ]
    # The badge still goes to the real top contributor; only the public list leaves them out.
    assert recognition.campaign_award_results(campaign=campaign) == private


def test_campaign_top_ideas_count_only_votes_cast_before_the_end(db):
    staff = UserFactory(role="product_manager")
    campaign = ended_campaign(staff)
    first = IdeaFactory(campaign=campaign)
    second = IdeaFactory(campaign=campaign)
    voters = [UserFactory() for _ in range(3)]
    Vote.objects.create(user=voters[0], idea=first)
    Vote.objects.create(user=voters[1], idea=second)
    Vote.objects.create(user=voters[2], idea=second)
    Vote.objects.filter(idea=first).update(created_at=campaign.ends_at - timedelta(hours=2))
    Vote.objects.filter(idea=second).update(created_at=campaign.ends_at + timedelta(hours=2))
    Idea.objects.filter(pk=second.pk).update(vote_count=2)
    Idea.objects.filter(pk=first.pk).update(vote_count=1)

    top = campaign_selectors.campaign_top_ideas(campaign=campaign)
    assert [(idea.pk, idea.votes_at_end) for idea in top] == [(first.pk, 1), (second.pk, 0)]
