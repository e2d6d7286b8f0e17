"""Votes cast at the same moment on PostgreSQL: none lost, none doubled."""

import threading

import pytest
from django.db import connection

from ideas.models import Idea, Vote
from ideas.services import vote_set, vote_toggle
from tests.factories import IdeaFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locking under concurrency is tested on PostgreSQL (set DATABASE_URL)")


def _run_together(work, count: int) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Start `count` threads that wait at a barrier, then all call work(i) at once."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_many_people_voting_at_once_are_all_counted():
    idea = IdeaFactory()
    voters = UserFactory.create_batch(20)
    errors = _run_together(
        lambda i: vote_toggle(user=voters[i], idea=Idea.objects.get(pk=idea.pk)), 20
    )
    assert errors == []
    idea.refresh_from_db()
    assert idea.vote_count == 20 == Vote.objects.filter(idea=idea).count()


def test_one_person_clicking_many_times_at_once_counts_once():
    idea = IdeaFactory()
    voter = UserFactory()
    errors = _run_together(
        lambda i: vote_set(user=voter, idea=Idea.objects.get(pk=idea.pk), voted=True), 12
    )
    assert errors == []
    idea.refresh_from_db()
    assert idea.vote_count == 1 == Vote.objects.filter(idea=idea).count()


def test_votes_and_withdrawals_racing_keep_the_count_exact():
    idea = IdeaFactory()
    voters = UserFactory.create_batch(10)
    for voter in voters[:5]:
        vote_set(user=voter, idea=idea, voted=True)
    # The first five withdraw while the other five vote, each twice, all at once.
    errors = _run_together(
        lambda i: vote_set(
            user=voters[i % 10], idea=Idea.objects.get(pk=idea.pk), voted=(i % 10) >= 5
        ),
        20,
    )
    assert errors == []
    idea.refresh_from_db()
    assert idea.vote_count == Vote.objects.filter(idea=idea).count() == 5
    assert set(Vote.objects.values_list("user_id", flat=True)) == {v.pk for v in voters[5:]}


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
