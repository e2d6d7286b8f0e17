"""What makes a bulk load slow on PostgreSQL, set aside for the load and put back after it,
inside the load's transaction (as pg_restore does: data first, then indexes and constraints).

Measured at 100,000 ideas / 1,000,000 votes / 200,000 comments (docs/benchmarks.md), row by
row the load spent its time in:
1. Foreign keys: Django declares them DEFERRABLE INITIALLY DEFERRED, so every copied row queues
   a check that COMMIT then runs one by one (about 7 minutes for 3.8 million rows). Added back
   after the load, each is checked in one pass over its table (a single anti-join).
2. Secondary indexes and unique constraints, updated row by row during COPY; rebuilt after the
   load, each in one sort. Rebuilding a unique index checks uniqueness all the same. Primary
   keys, and anything another constraint depends on, stay.
3. Triggers: the idea tallies' triggers (ideas/migrations/0007) run a statement per idea. They
   are disabled for the load; the caller rebuilds what they keep in one statement
   (`IdeaTally.rebuild`). A trigger this module does not know stops the load,
   since nobody would rebuild what it keeps.

Taking the constraints off locks the tables (ACCESS EXCLUSIVE) until the transaction ends: a
load-test database, never a live site. If the load fails, the rollback restores everything.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, models

# Triggers whose work the caller redoes after the load, by table.
KNOWN_TRIGGERS = {
    "ideas_idea": {"ideas_tally_insert_delete", "ideas_tally_update"},
    # community.recognition.monthly_totals: the loader calls its rebuild().
    "community_pointsentry": {
        "community_monthly_points_insert",
        "community_monthly_points_delete",
        "community_monthly_points_update",
    },
}


@dataclass
class SetAside:
    """What was taken off the tables, with the statements that put it back."""

    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, def
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # unique constraints
    indexes: list[tuple[str, str]] = field(default_factory=list)  # name, CREATE INDEX ...
    triggers: list[tuple[str, str]] = field(default_factory=list)  # table, name

    def __str__(self) -> str:
        return (
            f"{len(self.foreign_keys)} foreign keys, {len(self.constraints)} unique constraints, "
            f"{len(self.indexes)} indexes and {len(self.triggers)} triggers"
        )


def _set_aside(tables: list[str]) -> SetAside:
    aside = SetAside()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        aside.foreign_keys = cursor.fetchall()
        # Unique constraints no foreign key relies on (a foreign key uses the referenced
        # table's unique index: those stay, like primary keys).
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid = ANY(%s::regclass[]) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
            "                WHERE f.contype = 'f' AND f.conindid = c.conindid) ORDER BY 1, 2",
            [tables],
        )
        aside.constraints = cursor.fetchall()
        # Indexes of their own (not a primary key's or a constraint's), unique or not.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indisvalid "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS ("
            "    SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [tables],
        )
        found = cursor.fetchall()
        invalid = [name for name, _definition, valid in found if not valid]
        if invalid:  # a concurrent build that failed: rebuilt here, it would look like it worked
            raise ValueError(
                f"Invalid indexes (a CREATE INDEX CONCURRENTLY that failed): {invalid}. Drop "
                "them and migrate again before loading (docs/operations.md, release notes)."
            )
        aside.indexes = [(name, definition) for name, definition, _valid in found]
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        aside.triggers = cursor.fetchall()
    unknown = [(t, name) for t, name in aside.triggers if name not in KNOWN_TRIGGERS.get(t, ())]
    if unknown:
        raise ValueError(
            f"Triggers the bulk load does not know: {unknown}. Rebuild what they keep after "
            "the load and add them to community.load.bulk_postgres.KNOWN_TRIGGERS."
        )
    return aside


@contextmanager
def loading(
    tables: list[type[models.Model]], progress: Callable[[str], None]
) -> Iterator[SetAside]:
    """Within a transaction: take foreign keys, unique constraints, indexes and triggers off
    these tables, run the body, then rebuild and re-check them (PostgreSQL only)."""
    if not connection.in_atomic_block:
        raise RuntimeError("loading() must run inside a transaction, so a failure restores all")
    names = [model._meta.db_table for model in tables]
    quote = connection.ops.quote_name
    aside = _set_aside(names)
    with connection.cursor() as cursor:
        # Index builds sort in memory rather than in temporary files (this transaction only).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table, name in aside.triggers:
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")
        for table, name, _definition in aside.foreign_keys + aside.constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in aside.indexes:
            cursor.execute(f"DROP INDEX {name}")  # regclass text, already quoted if needed
    progress(f"set aside {aside}")
    yield aside
    with connection.cursor() as cursor:
        started = time.monotonic()
        for table, name, definition in aside.constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _name, definition in aside.indexes:
            cursor.execute(definition)
        progress(
            f"rebuilt {len(aside.indexes) + len(aside.constraints)} indexes and unique "
            f"constraints in {time.monotonic() - started:.1f} s"
        )
        started = time.monotonic()
        for table, name, definition in aside.foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        progress(
            f"checked {len(aside.foreign_keys)} foreign keys in {time.monotonic() - started:.1f} s"
        )
        for table, name in aside.triggers:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(name)}")
