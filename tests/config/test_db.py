"""config.db.Prepared: a statement compiled once per process and database, run with each call's
values, on PostgreSQL and SQLite alike."""

from datetime import UTC, datetime

import pytest
from django.db.models import F

from config.db import MARK_ID, MARK_TIME, Prepared, update_returning_sql
from ideas.models import Idea
from tests.factories import IdeaFactory


def _count_builds(build):  # type: ignore[no-untyped-def]
    calls: list[tuple[object, ...]] = []

    def counted(using, *markers):  # type: ignore[no-untyped-def]
        calls.append(markers)
        return build(using, *markers)

    return counted, calls


def _touch(using: str, pk: int, moment: datetime):  # type: ignore[no-untyped-def]
    return update_returning_sql(
        Idea.objects.using(using).filter(pk=pk),
        ["vote_count"],
        vote_count=F("vote_count") + 3,
        updated_at=moment,
    )


def test_it_compiles_once_and_runs_each_call_with_its_own_values(db):
    first, second = IdeaFactory(vote_count=1), IdeaFactory(vote_count=10)
    build, calls = _count_builds(_touch)
    touch = Prepared(build, MARK_ID, MARK_TIME)
    monday, tuesday = datetime(2026, 11, 30, 9, tzinfo=UTC), datetime(2026, 12, 1, 9, tzinfo=UTC)

    assert touch.fetchall("default", first.pk, monday) == [(4,)]
    assert touch.fetchall("default", second.pk, tuesday) == [(13,)]
    assert touch.fetchall("default", -1, tuesday) == []
    assert calls == [(MARK_ID, MARK_TIME)]  # compiled once, with the markers
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.vote_count, first.updated_at) == (4, monday)
    assert (second.vote_count, second.updated_at) == (13, tuesday)


def test_it_refuses_a_statement_that_writes_a_marker_into_its_sql(db):
    def inlined(using, pk):  # type: ignore[no-untyped-def]
        assert pk == MARK_ID == -7_340_277_913
        return 'SELECT id FROM "ideas_idea" WHERE id = %s OR id = -7340277913', [pk]

    with pytest.raises(ValueError, match="written into"):
        Prepared(inlined, MARK_ID).fetchall("default", 1)


def test_it_refuses_a_statement_whose_shape_ignores_a_marker(db):
    def no_time(using, pk, moment):  # type: ignore[no-untyped-def]
        return 'SELECT id FROM "ideas_idea" WHERE id = %s', [pk]

    with pytest.raises(ValueError, match="not a parameter"):
        Prepared(no_time, MARK_ID, MARK_TIME).fetchall("default", 1, MARK_TIME)
