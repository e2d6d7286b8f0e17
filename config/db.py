"""Two statements the ORM has no public call for, used on the busiest write paths (a vote).

Both compile the ORM's own query, so field conversions, `auto_now_add` and expressions work as
in `save()` and `.update()`, and both run unchanged on PostgreSQL and SQLite (3.35 or later:
`ON CONFLICT` and `RETURNING`). Neither sends model signals: callers use them on models no
signal watches (votes, follows).
"""

from typing import Any

from django.db import models
from django.db.models import sql
from django.db.models.constants import OnConflict


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


def update_returning(
    queryset: models.QuerySet[Any], returning: list[str], **values: Any
) -> list[tuple[Any, ...]]:
    """`queryset.update(**values)` that also returns `returning` columns of the rows it changed,
    as they are after the UPDATE: one round trip instead of an UPDATE and a SELECT, and the
    values read are those this statement wrote (no other transaction's commit in between)."""
    query: sql.UpdateQuery = queryset.query.chain(sql.UpdateQuery)  # type: ignore[assignment]
    query.add_update_values(values)
    compiler = query.get_compiler(queryset.db)
    statement, params = compiler.as_sql()
    quote = compiler.connection.ops.quote_name
    columns = ", ".join(quote(queryset.model._meta.get_field(name).column) for name in returning)
    with compiler.connection.cursor() as cursor:
        cursor.execute(f"{statement} RETURNING {columns}", params)
        return [tuple(row) for row in cursor.fetchall()]
