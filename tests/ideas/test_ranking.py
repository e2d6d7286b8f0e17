"""The trending order on hand-built cases, computed by the database (SQLite or PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ideas.models import Idea
from ideas.ranking import AGE_OFFSET_HOURS, GRAVITY
from ideas.selectors import idea_list
from tests.factories import IdeaFactory


def _idea(title: str, *, hours_old: float, votes: int = 0, comments: int = 0) -> Idea:
    idea = IdeaFactory(title=title, vote_count=votes, comment_count=comments)
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(hours=hours_old))
    return idea


def _order() -> list[str]:
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
    score = idea_list(sort="trending").get().trending_score
    expected = (3 + 2 * 1 + 1) / (10 + AGE_OFFSET_HOURS) ** GRAVITY
    assert score == pytest.approx(expected, rel=1e-3)
