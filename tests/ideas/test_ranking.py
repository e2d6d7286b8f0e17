"""The trending order on hand-built cases, computed by the database (SQLite or PostgreSQL) and
stored on each idea: the worker's refresh ages every score, writes move their idea's score."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from ideas.ranking import AGE_OFFSET_HOURS, GRAVITY, trending_expression, trending_refresh_all
from ideas.selectors import idea_list
from ideas.tasks import trending_refresh
from tests.factories import IdeaFactory


def _idea(title: str, *, hours_old: float, votes: int = 0, comments: int = 0) -> Idea:
    idea = IdeaFactory(title=title, vote_count=votes, comment_count=comments)
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(hours=hours_old))
    return idea


def _order() -> list[str]:
    trending_refresh()  # the worker's periodic task, as after the hand-made ages above
    return [i.title for i in idea_list(sort="trending")]


def test_newer_beats_older_with_the_same_engagement(db):
    _idea("old", hours_old=48, votes=10)
    _idea("new", hours_old=2, votes=10)
    assert _order() == ["new", "old"]


def test_much_more_engagement_beats_a_little_age(db):
    _idea("popular yesterday", hours_old=24, votes=200)
    _idea("quiet this morning", hours_old=3, votes=2)
    assert _order() == ["popular yesterday", "quiet this morning"]


def test_a_fresh_idea_with_no_votes_beats_a_stale_one(db):
    _idea("stale", hours_old=24 * 60, votes=30)
    _idea("fresh", hours_old=1)
    assert _order() == ["fresh", "stale"]


def test_comments_weigh_twice_a_vote(db):
    _idea("discussed", hours_old=10, comments=5)  # 5 × 2 = 10
    _idea("voted", hours_old=10, votes=9)
    assert _order() == ["discussed", "voted"]


def test_the_database_computes_the_documented_formula(db):
    _idea("x", hours_old=10, votes=3, comments=1)
    trending_refresh()
    score = idea_list(sort="trending").get().trending_score
    expected = (3 + 2 * 1 + 1) / (10 + AGE_OFFSET_HOURS) ** GRAVITY
    assert score == pytest.approx(expected, rel=1e-3)


def test_an_idea_posted_a_minute_ago_without_votes_is_not_above_yesterdays_with_a_few(db):
    """Issue #16: with +2 hours a brand-new idea outweighed a day-old one with 45 votes."""
    _idea("yesterday, 6 votes", hours_old=24, votes=6)
    _idea("just posted", hours_old=1 / 60)
    assert _order() == ["yesterday, 6 votes", "just posted"]


def test_a_vote_moves_the_stored_score_at_once_without_the_worker(client, alice, bob):
    """The vote's UPDATE sets the score for the clock's moment: no refresh needed to climb."""
    ahead = _idea("ahead", hours_old=5, votes=1)
    behind = _idea("behind", hours_old=5)
    trending_refresh()
    assert [i.title for i in idea_list(sort="trending")] == ["ahead", "behind"]
    for voter in (alice, bob):
        client.force_login(voter)
        client.post(reverse("ideas:vote", args=[behind.pk]), {"voted": "1"})
    assert [i.title for i in idea_list(sort="trending")] == ["behind", "ahead"]
    client.post(reverse("ideas:vote", args=[behind.pk]), {"voted": "0"})
    client.force_login(alice)
    client.post(reverse("ideas:vote", args=[behind.pk]), {"voted": "0"})
    assert [i.title for i in idea_list(sort="trending")] == ["ahead", "behind"]
    # Back to 0 votes: half the score of the idea with 1 (same age, same clock).
    ahead_score = Idea.objects.get(pk=ahead.pk).trending_score
    assert Idea.objects.get(pk=behind.pk).trending_score == pytest.approx(ahead_score / 2, rel=1e-4)


def test_a_comment_moves_the_stored_score_at_once(client, alice):
    first = _idea("first", hours_old=5, votes=1)
    second = _idea("second", hours_old=5)
    trending_refresh()
    client.force_login(alice)
    client.post(reverse("community:comment_create", args=[second.pk]), {"body": "Yes!"})
    assert [i.title for i in idea_list(sort="trending")] == ["second", "first"]
    assert first.pk != second.pk


def test_a_new_idea_is_ranked_as_soon_as_it_is_posted(client, alice, category):
    _idea("old and quiet", hours_old=24 * 30, votes=2)
    trending_refresh()
    client.force_login(alice)
    client.post(
        reverse("ideas:create"),
        {"title": "Brand new", "body": "Please.", "category": category.pk, "language": "en"},
    )
    assert Idea.objects.get(title="Brand new").trending_score > 0
    assert [i.title for i in idea_list(sort="trending")] == ["Brand new", "old and quiet"]


def test_the_refresh_rewrites_only_the_scores_that_decayed_by_more_than_1_percent(db):
    _idea("young", hours_old=1, votes=3)
    _idea("old", hours_old=24 * 200, votes=3)
    start = timezone.now()
    assert trending_refresh_all(now=start, tolerance=0) == 2
    # Ten minutes on, the young idea's score fell by ~2%, the old one's by 0.003%.
    assert trending_refresh_all(now=start + timedelta(minutes=10)) == 1
    young, old = (Idea.objects.get(title=t) for t in ("young", "old"))
    later = start + timedelta(minutes=10)
    exact = trending_expression(as_of=later)
    for idea in (young, old):
        value = Idea.objects.filter(pk=idea.pk).annotate(exact=exact).get().exact
        assert idea.trending_score == pytest.approx(value, rel=0.01)
