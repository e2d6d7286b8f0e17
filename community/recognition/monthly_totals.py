"""Monthly points per member (`MonthlyPoints`), kept equal to the ledger by PostgreSQL triggers.

The monthly leaderboard used to sum a month of the points ledger on every render: 101 ms at
100,000 ideas and 749 ms at 1,000,000 (196,488 entries in one month; docs/benchmarks.md), ten
times more at each step. With the totals stored it reads the month's first rows of an index.

Three statement-level triggers on `community_pointsentry` keep

    SELECT user_id, <month of created_at in the site's time zone>, sum(points)
    FROM community_pointsentry GROUP BY 1, 2

in `community_monthlypoints`: an INSERT adds its rows' points, a DELETE (cascades included)
takes them away, an UPDATE does both. Each statement touches each (member, month) once,
whatever the number of its rows (`recognise_votes` writes an idea's vote points in one
statement), in member order so that two workers never lock two members' rows in opposite
orders. A total that falls to zero is deleted (a member whose points are all gone, by an
unvote or an erasure, leaves no row behind).

The month is cut in settings.TIME_ZONE as of the migration that installs the triggers (the
leaderboard's months are the site's): after changing TIME_ZONE, run `install(...)` again and
`rebuild()`. Bulk loads (community.load) run with the triggers off and call `rebuild()`.
SQLite has no time zones to cut months with: there the leaderboard sums the ledger
(`available()` is False) and this table stays empty.
"""

import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

TABLE = "community_monthlypoints"
LEDGER = "community_pointsentry"
TRIGGERS = (
    "community_monthly_points_insert",
    "community_monthly_points_delete",
    "community_monthly_points_update",
)


def available() -> bool:
    return connection.vendor == "postgresql"


def _month(time_zone: str) -> str:
    # created_at is a timestamptz: AT TIME ZONE gives the wall-clock time in the site's zone.
    # The zone goes into the function's text: only a name the tz database knows, of the
    # characters such names use, ever gets there.
    ZoneInfo(time_zone)  # raises for anything else
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", time_zone):
        raise ValueError(f"Unexpected time zone name {time_zone!r}")
    return f"date_trunc('month', created_at AT TIME ZONE '{time_zone}')::date"


def _sums(rows: str, time_zone: str) -> str:
    return (
        f"SELECT user_id, {_month(time_zone)} AS month, sum(points) AS points FROM {rows} "  # noqa: S608 - constants and a checked zone name
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )


def _add(rows: str, time_zone: str) -> str:
    return (
        f"INSERT INTO {TABLE} (user_id, month, points) {_sums(rows, time_zone)} "
        f"ON CONFLICT (user_id, month) DO UPDATE SET points = {TABLE}.points + EXCLUDED.points"
    )


def _take_away(rows: str, time_zone: str) -> str:
    return (
        f"UPDATE {TABLE} AS total SET points = total.points - gone.points "  # noqa: S608 - constants and a checked zone name
        f"FROM ({_sums(rows, time_zone)}) AS gone "
        "WHERE total.user_id = gone.user_id AND total.month = gone.month"
    )


def _drop_zeros(rows: str, time_zone: str) -> str:
    # A separate statement: in the UPDATE's own statement the DELETE would not see its result.
    return (
        f"DELETE FROM {TABLE} AS total USING ({_sums(rows, time_zone)}) AS gone "  # noqa: S608 - constants and a checked zone name
        "WHERE total.user_id = gone.user_id AND total.month = gone.month AND total.points = 0"
    )


def install_sql(time_zone: str) -> list[str]:
    """The functions and triggers, for the site's time zone (PostgreSQL)."""
    function = "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"  # noqa: E501
    return [
        *uninstall_sql(),
        function.format(name=TRIGGERS[0], body=_add("new_rows", time_zone)),
        function.format(
            name=TRIGGERS[1],
            body=f"{_take_away('old_rows', time_zone)}; {_drop_zeros('old_rows', time_zone)}",
        ),
        function.format(
            name=TRIGGERS[2],
            body=(
                f"{_take_away('old_rows', time_zone)}; {_drop_zeros('old_rows', time_zone)}; "
                f"{_add('new_rows', time_zone)}"
            ),
        ),
        f"CREATE TRIGGER {TRIGGERS[0]} AFTER INSERT ON {LEDGER} REFERENCING NEW TABLE AS "
        f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[0]}()",
        f"CREATE TRIGGER {TRIGGERS[1]} AFTER DELETE ON {LEDGER} REFERENCING OLD TABLE AS "
        f"old_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[1]}()",
        f"CREATE TRIGGER {TRIGGERS[2]} AFTER UPDATE ON {LEDGER} REFERENCING OLD TABLE AS "
        f"old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[2]}()",
    ]


def uninstall_sql() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name} ON {LEDGER}" for name in TRIGGERS] + [
        f"DROP FUNCTION IF EXISTS {name}()" for name in TRIGGERS
    ]


def rebuild_sql(time_zone: str) -> list[str]:
    return [f"DELETE FROM {TABLE}", _add(LEDGER, time_zone)]  # noqa: S608 - constants


def install(*, time_zone: str | None = None) -> None:
    """(Re)install the triggers for `time_zone` (default: settings.TIME_ZONE); PostgreSQL only."""
    if not available():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in install_sql(time_zone or settings.TIME_ZONE):
            cursor.execute(statement)


def rebuild(*, time_zone: str | None = None) -> int:
    """Recompute every total from the ledger in one statement (bulk loads, repairs). Returns the
    number of (member, month) rows; 0 on SQLite, which keeps none."""
    if not available():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in rebuild_sql(time_zone or settings.TIME_ZONE):
            cursor.execute(statement)
        return cursor.rowcount
