"""config.db.Prepared: a statement compiled once per process and database, run with each call's
values, on PostgreSQL and SQLite alike."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from config.db import (
    MARK_ID,
    MARK_TIME,
    Prepared,
    server_prepared_cursor,
    sql_of,
    update_returning_sql,
)
from ideas.models import Idea
from tests.factories import IdeaFactory, UserFactory


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


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_on_this_connection() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _by_pk(using: str, pk: int):  # type: ignore[no-untyped-def]
    return sql_of(Idea.objects.using(using).filter(pk=pk).values_list("vote_count"), using)


@on_postgresql
def test_a_server_prepared_statement_is_planned_once_per_connection_with_the_same_rows(db):
    first, second = IdeaFactory(vote_count=2), IdeaFactory(vote_count=5)
    plain, kept = Prepared(_by_pk, MARK_ID), Prepared(_by_pk, MARK_ID, server_prepared=True)
    assert [kept.fetchall("default", i.pk) for i in (first, second)] == [[(2,)], [(5,)]]
    assert [plain.fetchall("default", i.pk) for i in (first, second)] == [[(2,)], [(5,)]]
    assert kept.fetchall("default", -1) == []
    prepared = [s for s in _prepared_on_this_connection() if '"ideas_idea"' in s]
    assert len(prepared) == 1  # the kept one only, with its value as a parameter
    assert '"ideas_idea"."id" = $1' in prepared[0]


@on_postgresql
def test_a_signed_in_vote_runs_its_four_statements_prepared(client, db):
    """The session, the member with his permissions, the idea with the viewer's vote and the
    vote's write: parsed and planned once per connection (config.db.server_prepared_cursor)."""
    idea, member = IdeaFactory(), UserFactory()
    client.force_login(member)
    response = client.post(reverse("ideas:vote", args=[idea.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    prepared = _prepared_on_this_connection()
    for table in ('"django_session"', '"accounts_user"', '"ideas_vote" U0', '"vote_changed"'):
        assert [s for s in prepared if table in s], (table, prepared)
    idea.refresh_from_db()
    assert idea.vote_count == 1


@on_postgresql
def test_a_server_prepared_cursor_reads_times_as_djangos_own_cursors(db, settings):
    """Its cursor takes the time zone the site has now (USE_TZ, TIME_ZONE), as Django's cursors
    do, not the one the connection was opened with."""
    idea = IdeaFactory()
    settings.USE_TZ, settings.TIME_ZONE = False, "America/New_York"  # after the connection opened
    query = 'SELECT created_at FROM "ideas_idea" WHERE id = %s'
    with connection.cursor() as cursor:
        cursor.execute(query, [idea.pk])
        (expected,) = cursor.fetchone()
    with server_prepared_cursor("default") as cursor:
        cursor.execute(query, [idea.pk])
        (read,) = cursor.fetchone()
    assert expected.tzinfo is None  # local time, naive
    assert read == expected
    assert read.tzinfo is None
