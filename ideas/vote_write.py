"""A vote's writes in one PostgreSQL statement: the vote (or its removal), its event, the counter.

Where `ideas.services.vote_set` sent six statements (BEGIN, the vote's INSERT or DELETE, the
event's INSERT through the outbox seam, the counter's UPDATE ... RETURNING, COMMIT), it sends
one, with the same rows written and the same guarantees (docs/benchmarks.md, "Signed-in
votes: one statement"):
1. `changed` is the vote's `INSERT ... ON CONFLICT DO NOTHING` or the counted vote's `DELETE`,
   `RETURNING` a row only if it changed something: a second click's insert waits for the first
   one's commit on the unique key, then changes nothing.
2. The event's row (config.outbox.events.insert_sql) is inserted once per row of `changed`.
3. The counter's `UPDATE ... SET vote_count = vote_count ± 1 ... RETURNING` runs only if
   `changed` has a row (it reads `changed`, so it runs after it), and only while the idea is not
   merged away: it still locks the idea's row last, until the statement (its commit) ends.
4. One statement is atomic on its own, so outside a transaction it needs no BEGIN and no COMMIT
   round trip: it commits when it ends. A vote changed but not counted (the idea merged away)
   must not stay: the answer's last column divides by zero then, which aborts the whole
   statement, vote and event included (PostgreSQL does not fold that division when planning:
   it reads the WITH queries). Inside a caller's transaction it runs in a savepoint, so that
   transaction goes on.
5. PostgreSQL keeps the statement prepared on each connection (config.db.server_prepared_cursor):
   its text is the same for every vote (every value is a parameter), so it is parsed and
   planned once per connection, not per vote.
SQLite keeps the statements one by one (the data-modifying WITH is PostgreSQL's).
"""

from contextlib import nullcontext
from datetime import datetime
from typing import Any

from django.db import DataError, connection, transaction
from django.db.models import F

from config.db import MARK_ID, MARK_TIME, Prepared, server_prepared_cursor, update_returning_sql
from config.outbox.events import insert_sql, recorded
from ideas.events import VotesChanged
from ideas.models import Idea
from ideas.ranking import trending_score_after

CHANGED = "vote_changed"  # the WITH query of the vote's change (its table's SQL is written below)
DIVISION_BY_ZERO = "22012"  # SQLSTATE of the statement aborted on purpose (step 4)


def available() -> bool:
    return connection.vendor == "postgresql"


def _counter_after(delta: int) -> Prepared:
    """The counter's UPDATE, only if the vote changed, compiled once per process."""

    def build(using: str, pk: int, fallback: datetime) -> tuple[str, Any]:
        ideas = Idea.objects.using(using).filter(pk=pk, merged_into__isnull=True)
        return update_returning_sql(
            ideas.extra(where=['EXISTS (SELECT 1 FROM "vote_changed")']),
            ["vote_count"],
            vote_count=F("vote_count") + delta,
            trending_score=trending_score_after(vote_delta=delta, fallback=fallback),
        )

    return Prepared(build, MARK_ID, MARK_TIME)


_COUNTERS = {delta: _counter_after(delta) for delta in (1, -1)}


def vote_write(
    *, user_id: int, idea_id: int, voted: bool, network: str, now: datetime
) -> tuple[bool, int | None]:
    """Cast (`voted`) or remove the member's counted vote; committed when it returns, unless a
    transaction is open. Returns whether a vote changed and the count it left (None: the idea
    was merged away, and nothing was written)."""
    if voted:
        change = (
            'INSERT INTO "ideas_vote" (created_at, idea_id, user_id, discounted_at, network) '
            "VALUES (%s, %s, %s, NULL, %s) ON CONFLICT DO NOTHING RETURNING 1"
        )
        params: list[Any] = [now, idea_id, user_id, network]
    else:
        change = (
            'DELETE FROM "ideas_vote" '
            "WHERE idea_id = %s AND user_id = %s AND discounted_at IS NULL RETURNING 1"
        )
        params = [idea_id, user_id]
    happened = VotesChanged(idea_id=idea_id, new_voter_id=user_id if voted else None)
    event, event_params = insert_sql(happened, each_row_of=CHANGED)
    counter, counter_params = _COUNTERS[1 if voted else -1].sql(connection.alias, idea_id, now)
    # Statements built here and by the seam; every value is a parameter.
    parts = f'"vote_changed" AS ({change}), "event" AS ({event}), "counted" AS ({counter})'
    answer = 'SELECT (SELECT count(*) FROM "vote_changed"), (SELECT id FROM "event"), '
    answer += '(SELECT vote_count FROM "counted"), '
    answer += '1 / ((SELECT count(*) FROM "counted") + 1 - (SELECT count(*) FROM "vote_changed"))'
    statement = f"WITH {parts} {answer}"
    try:
        savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with savepoint, server_prepared_cursor(connection.alias) as cursor:
            cursor.execute(statement, [*params, *event_params, *counter_params])
            changed, event_id, count, _counted = cursor.fetchone()
    except DataError as error:
        # By its SQLSTATE, not its message: PostgreSQL words messages in its own language.
        if getattr(error.__cause__, "sqlstate", None) != DIVISION_BY_ZERO:
            raise
        return True, None  # changed but not counted: the statement was aborted
    if changed:
        recorded(happened, event_id)
    return bool(changed), count
