"""Two statements the ORM has no public call for, used on the busiest write paths (a vote),
and statements compiled once per process for the busiest requests.

All compile the ORM's own query, so field conversions, `auto_now_add` and expressions work as
in `save()` and `.update()`, and all run unchanged on PostgreSQL and SQLite (3.35 or later:
`ON CONFLICT` and `RETURNING`). None sends model signals: callers use them on models no
signal watches (votes, follows).
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connections, models
from django.db.models import sql
from django.db.models.constants import OnConflict
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
        self, build: Callable[..., tuple[str, Sequence[Any]]], *markers: int | datetime | str
    ) -> None:
        self.build = build
        self.markers = markers
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
        """Run the statement with these values; the rows it returns."""
        statement, params = self.sql(using, *values)
        with connections[using].cursor() as cursor:
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
