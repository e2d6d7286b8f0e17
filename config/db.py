"""Two statements the ORM has no public call for, used on the busiest write paths (a vote),
and statements compiled once per process for the busiest requests.

All compile the ORM's own query, so field conversions, `auto_now_add` and expressions work as
in `save()` and `.update()`, and all run unchanged on PostgreSQL and SQLite (3.35 or later:
`ON CONFLICT` and `RETURNING`). None sends model signals: callers use them on models no
signal watches (votes, follows).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import sql
from django.db.models.constants import OnConflict
from django.utils.asyncio import async_unsafe
from django.utils.dateparse import parse_datetime

# Values no row and no clock holds: they mark where a prepared statement's values go.
MARK_ID = -7_340_277_913
MARK_OTHER_ID = -7_340_277_917
MARK_THIRD_ID = -7_340_277_919
MARK_FOURTH_ID = -7_340_277_923
MARK_FLOAT = -7_340_277_913.25
MARK_TIME = datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)
MARK_TEXT = "prepared-statement-marker-7340277913"
MARK_OTHER_TEXT = "prepared-statement-marker-7340277917"


def insert_unless_present(obj: models.Model) -> bool:
    """INSERT the row, or do nothing if a unique constraint already holds one like it
    (`ON CONFLICT DO NOTHING`). Returns whether it went in (then `obj.pk` is set).

    One statement instead of a savepoint, an INSERT that may fail and a rollback to the
    savepoint: and a conflict is not an error PostgreSQL logs. A check constraint or a foreign
    key still raises as usual."""
    meta = obj._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    rows = obj.__class__._base_manager._insert(  # type: ignore[attr-defined]
        [obj],
        fields=fields,
        returning_fields=meta.db_returning_fields,
        on_conflict=OnConflict.IGNORE,
    )
    if not rows or rows[0] is None:  # a conflict: nothing inserted, nothing returned
        return False
    for field, value in zip(meta.db_returning_fields, rows[0], strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = obj.__class__._base_manager.db
    return True


def update_returning_sql(
    queryset: models.QuerySet[Any], returning: list[str], **values: Any
) -> tuple[str, Sequence[Any]]:
    """`queryset.update(**values)` that also returns `returning` columns of the rows it changed,
    as they are after the UPDATE: its SQL and parameters. One round trip instead of an UPDATE
    and a SELECT, and the values read are those this statement wrote (no other transaction's
    commit in between)."""
    query: sql.UpdateQuery = queryset.query.chain(sql.UpdateQuery)  # type: ignore[assignment]
    query.add_update_values(values)
    compiler = query.get_compiler(queryset.db)
    statement, params = compiler.as_sql()
    quote = compiler.connection.ops.quote_name
    columns = ", ".join(quote(queryset.model._meta.get_field(name).column) for name in returning)
    return f"{statement} RETURNING {columns}", params


_INT64 = range(-(2**63), 2**63)


class Prepared:
    """A statement the ORM compiles once per process and database, run again with other values.

    On the busiest signed-in request (a vote) compiling the ORM's queries cost more CPU than
    PostgreSQL spent running them (the counter's UPDATE with its trending expression 1.4 ms,
    the member's permissions 1.4 ms, against 0.1–0.3 ms to send and run either; see
    docs/benchmarks.md). `build(using, *markers)` returns the SQL and parameters for the
    marker values (MARK_ID, MARK_OTHER_ID, MARK_THIRD_ID and MARK_FOURTH_ID for ids and
    counts, MARK_FLOAT for a score, MARK_TIME for a moment, MARK_TEXT and MARK_OTHER_TEXT for
    strings such as a session key or a search query); each call then
    puts its own values where the markers were. The statement's shape must not depend on the
    values (the same joins and expressions whatever the id): that is the caller's promise,
    checked once here by the markers being passed as parameters, never written into the SQL."""

    def __init__(
        self,
        build: Callable[..., tuple[str, Sequence[Any]]],
        *markers: int | datetime | str,
        server_prepared: bool = False,
    ) -> None:
        self.build = build
        self.markers = markers
        # Kept planned by PostgreSQL too (`server_prepared_cursor`): only for point reads whose
        # best plan is the same for every value (a row by its key); never for a list or a search,
        # whose plan depends on the values' selectivity.
        self.server_prepared = server_prepared
        self._compiled: dict[str, tuple[str, list[Any]]] = {}

    def sql(self, using: str, *values: Any) -> tuple[str, list[Any]]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        statement, params = compiled
        adapt = _adapter(using)
        slots = {
            adapt(marker): adapt(value) for marker, value in zip(self.markers, values, strict=True)
        }
        return statement, [slots.get(p, p) if _is_marker(p) else p for p in params]

    def fetchall(self, using: str, *values: Any) -> list[tuple[Any, ...]]:
        """Run the statement with these values; the rows it returns. An integer beyond 64 bits
        (an id typed into an address) matches no row, as the ORM answers, where SQLite would
        raise OverflowError."""
        if any(isinstance(value, int) and value not in _INT64 for value in values):
            return []
        statement, params = self.sql(using, *values)
        opened = server_prepared_cursor if self.server_prepared else _plain_cursor
        with opened(using) as cursor:
            cursor.execute(statement, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _compile(self, using: str) -> tuple[str, list[Any]]:
        statement, params = self.build(using, *self.markers)
        adapt = _adapter(using)
        for marker in self.markers:
            if adapt(marker) not in [p for p in params if _is_marker(p)]:
                raise ValueError(f"{marker!r} is not a parameter of the statement: {statement}")
            if str(marker) in statement:
                raise ValueError(f"{marker!r} is written into the statement: {statement}")
        return statement, list(params)


@contextmanager
def _plain_cursor(using: str) -> Iterator[CursorWrapper]:
    with connections[using].cursor() as cursor:
        yield cursor


def server_prepares(connection: BaseDatabaseWrapper) -> bool:
    """Whether `server_prepared_cursor` has PostgreSQL keep its statements prepared on this
    connection: psycopg 3 with a `prepare_threshold` (config.settings.base sets one unless
    DATABASE_PREPARED_STATEMENTS is off, e.g. behind a pooler in transaction mode that does not
    keep prepared statements)."""
    if connection.vendor != "postgresql":
        return False
    threshold = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
    return threshold is not None and _preparing_cursor_class() is not None


@contextmanager
@async_unsafe
def server_prepared_cursor(using: str) -> Iterator[CursorWrapper]:
    """A Django cursor whose statements PostgreSQL parses and plans once per connection, then
    runs again with each call's values (psycopg's `prepare=True`: one `Parse` per statement and
    connection, then `Bind`/`Execute` only).

    Django binds parameters on the client and sends each statement whole, so PostgreSQL parses
    and plans it on every request: for the member with his permissions that planning cost 1.1 ms
    of the server's CPU against 0.3 ms once prepared (docs/benchmarks.md, "Votes, signed-in
    overhead"). Only for point reads and writes whose plan does not depend on the values
    (`Prepared(..., server_prepared=True)`, ideas.vote_write). The cursor is Django's wrapper, so
    execute wrappers and the translation of database errors are unchanged. While queries are
    logged (DEBUG, a test's CaptureQueriesContext) it is Django's plain cursor, so the log shows
    each statement with its values as before (psycopg keeps no text of a prepared execution);
    likewise on SQLite and with DATABASE_PREPARED_STATEMENTS off.

    psycopg forgets (and deallocates) what it prepared after a rollback, so a statement is never
    run under a name that no longer exists; a connection closed after CONN_MAX_AGE takes its
    statements with it."""
    connection = connections[using]
    if connection.queries_logged or not server_prepares(connection):
        with connection.cursor() as cursor:
            yield cursor
        return
    # What BaseDatabaseWrapper.cursor() and the backend's create_cursor() do (health check,
    # connect, the time zone's loader, thread check), with a server-binding cursor of psycopg's
    # instead of the client-binding one Django's backend makes, in Django's wrapper.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(connection.connection)
        _use_connection_time_zone(connection, raw)
    connection.validate_thread_sharing()
    with connection.make_cursor(raw) as cursor:
        yield cursor


def _use_connection_time_zone(connection: Any, cursor: Any) -> None:
    """Read timestamps in the connection's time zone (TIME_ZONE, or UTC with USE_TZ), as Django's
    own cursors do: the loader is registered on the cursor only if the connection's differs."""
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        TIMESTAMPTZ_OID,
        Format,
        register_tzloader,
    )

    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, cursor)


@cache
def _preparing_cursor_class() -> Any:
    try:  # imported here: a site on SQLite never loads the PostgreSQL backend
        from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
            ServerBindingCursor,
        )
    except (ImportError, ImproperlyConfigured):  # no psycopg 3
        return None

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        """psycopg's server-binding cursor, asking for each statement to be prepared."""

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, prepare=True, **options)

    return PreparingCursor


def compiled(
    cache: dict[tuple[Any, ...], Prepared],
    shape: tuple[Any, ...],
    compile_shape: Callable[..., Prepared],
) -> Prepared:
    """The statement for this shape from `cache`, compiled by `compile_shape(*shape)` the first
    time (a module's statements kept per viewer kind, filters, page size...)."""
    found = cache.get(shape)
    if found is None:  # two threads may both compile it: the same statement, either is kept
        found = cache[shape] = compile_shape(*shape)
    return found


def sql_of(query: Any, using: str) -> tuple[str, Sequence[Any]]:
    """The SQL and parameters Django compiles for this queryset on this database."""
    return query.query.get_compiler(using).as_sql()  # type: ignore[no-any-return]


def aware(value: Any) -> datetime:
    """A raw cursor's datetime as the ORM gives it: SQLite returns text or a naive datetime in
    UTC (the ORM's converters make it aware; a raw cursor bypasses them)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value  # type: ignore[no-any-return]


def _is_marker(param: Any) -> bool:
    # Only plain ints, floats, datetimes and text can be markers (psycopg's Int4 constants are
    # ints too, but never equal to a marker; the type check keeps unhashable parameters out).
    return isinstance(param, int | float | datetime | str) and not isinstance(param, bool)


def _adapter(using: str) -> Callable[[Any], Any]:
    """How the database's parameters carry a value: SQLite gets datetimes as text."""
    ops = connections[using].ops

    def adapt(value: Any) -> Any:
        return ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value

    return adapt
