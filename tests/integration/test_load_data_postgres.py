"""`generate_load_data` on PostgreSQL, where it loads with foreign keys, indexes, unique
constraints and the tally triggers set aside (community.load.bulk_postgres): afterwards everything
is back, every derived count is exact, and a failed load leaves the schema as it was."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from accounts.models import User
from community.load.data import EMAIL_DOMAIN, counter_mismatches
from community.models import Comment, PointsEntry
from ideas.models import Idea, IdeaTally, TrendingClock, Vote
from ideas.ranking import trending_refresh_all

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
FLAG = "--i-know-this-is-not-production"


@pytest.fixture(autouse=True)
def _needs_postgresql():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("the bulk mode is PostgreSQL's (set DATABASE_URL)")


def schema() -> dict[str, set[tuple[str, ...]]]:
    """Constraints, indexes and enabled triggers of the public schema, by definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        )
        constraints = set(cursor.fetchall())
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger "
            "WHERE NOT tgisinternal"
        )
        triggers = set(cursor.fetchall())
    return {"constraints": constraints, "indexes": indexes, "triggers": triggers}


def counted_tallies() -> dict[tuple[int, str, bool], int]:
    ideas = Idea.objects.filter(merged_into__isnull=True)
    return dict(
        Counter(
            (category, status, hidden is None and pending is None)
            for category, status, hidden, pending in ideas.values_list(
                "category_id", "status", "hidden_at", "pending_at"
            )
        )
    )


def test_it_loads_with_exact_counts_and_puts_the_schema_back(db):  # type: ignore[no-untyped-def]
    before = schema()
    assert ("ideas_idea", "ideas_tally_insert_delete", "O") in before["triggers"]

    call_command("generate_load_data", FLAG, ideas=300, votes=3_000, comments=700, check=True)

    assert schema() == before  # every key, index and trigger is back, enabled
    assert (Idea.objects.count(), Vote.objects.count(), Comment.objects.count()) == (
        300,
        3_000,
        700,
    )
    assert counter_mismatches() == []
    tallies = {(t.category_id, t.status, t.public): t.n for t in IdeaTally.objects.all()}
    assert tallies == counted_tallies()
    # Each score was written for the clock's moment, exactly as the database computes it.
    clock = TrendingClock.objects.get()
    assert trending_refresh_all(now=clock.as_of, tolerance=0) == 0
    assert not Idea.objects.filter(trending_score=0).exists()
    # Points derived in the database: one per vote received (not for one's own), per comment.
    assert PointsEntry.objects.filter(reason="vote_received").count() == (
        Vote.objects.exclude(user=F("idea__author")).count()
    )
    assert PointsEntry.objects.filter(reason="comment").count() == (
        Comment.objects.filter(removed_at__isnull=True).count()
    )


def test_the_triggers_keep_the_tallies_again_after_a_load(db):  # type: ignore[no-untyped-def]
    call_command("generate_load_data", FLAG, ideas=40, votes=100, comments=30)
    idea = Idea.objects.filter(hidden_at__isnull=True).first()
    assert idea is not None

    Idea.objects.filter(pk=idea.pk).update(status="done" if idea.status != "done" else "new")
    Idea.objects.filter(pk=Idea.objects.exclude(pk=idea.pk).first().pk).delete()  # type: ignore[union-attr]

    tallies = {(t.category_id, t.status, t.public): t.n for t in IdeaTally.objects.exclude(n=0)}
    assert tallies == counted_tallies()


def test_a_failed_load_leaves_the_schema_and_the_data_as_they_were(db):  # type: ignore[no-untyped-def]
    before = schema()

    # Refused after the members are written, with everything set aside.
    with pytest.raises(CommandError, match="More votes than members"):
        call_command("generate_load_data", FLAG, ideas=2, votes=500, comments=0, members=10)

    assert schema() == before
    assert not Idea.objects.exists()
    assert not User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).exists()
