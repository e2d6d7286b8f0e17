"""community 0017 builds the follows index without holding writes to the table on PostgreSQL
(config.migration_ops.AddIndexOnline): CREATE INDEX CONCURRENTLY, outside a transaction, and the
index comes out valid; back and forth on SQLite as a plain index."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("community", "0016_notification_message")
AFTER = ("community", "0017_follow_idea_users")


@pytest.fixture(autouse=True)
def _latest_schema_after():  # type: ignore[no-untyped-def]
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(target: tuple[str, str]) -> list[str]:
    """Migrate community to `target`; the statements sent on the way."""
    sent: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append(sql)
        return execute(sql, params, many, context)

    executor = MigrationExecutor(connection)
    with connection.execute_wrapper(record):
        executor.migrate([target])
    return sent


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "community_follow")
    return {name for name, info in constraints.items() if info["index"]}


@pytest.mark.django_db(transaction=True)
def test_the_follows_index_is_built_online_and_taken_away_again():
    dropped = [sql for sql in _migrate(BEFORE) if "follow_idea_users" in sql]
    assert "follow_idea_users" not in _index_names()
    if connection.vendor == "postgresql":
        assert any(sql.startswith("DROP INDEX CONCURRENTLY") for sql in dropped), dropped
    sent = _migrate(AFTER)
    assert "follow_idea_users" in _index_names()
    created = [sql for sql in sent if "follow_idea_users" in sql]
    if connection.vendor == "postgresql":
        assert any(sql.startswith("CREATE INDEX CONCURRENTLY") for sql in created), created
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indisvalid FROM pg_index WHERE indexrelid = 'follow_idea_users'::regclass"
            )
            assert cursor.fetchone() == (True,)
    else:
        assert any(sql.startswith("CREATE INDEX") for sql in created), created
