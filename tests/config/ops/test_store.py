"""The operations store adds up counts from many writers at once without losing any."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.ops.store import PREFIX, RedisStore, SqliteStore, Store


def add_concurrently(store: Store, table: str, *, writers: int = 8, each: int = 100) -> None:
    def write(_: int) -> None:
        for _ in range(each):
            store.add(table, {"a|count": 1, "a|sum": 0.25})

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))


def test_sqlite_store_counts_every_concurrent_add(tmp_path):
    store = SqliteStore(str(tmp_path / "ops.sqlite3"))
    add_concurrently(store, "http")
    assert store.read("http") == {"a|count": 800, "a|sum": 200.0}
    assert store.get("missing") is None
    store.put("beat", 12.5)
    assert store.get("beat") == 12.5


@pytest.mark.integration
def test_redis_store_counts_every_concurrent_add():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    store = RedisStore(url)
    table = f"test-{uuid.uuid4().hex}"
    try:
        add_concurrently(store, table)
        assert store.read(table) == {"a|count": 800, "a|sum": 200.0}
    finally:
        store.client.delete(PREFIX + table)


def test_a_failing_store_does_not_fail_the_request(client, settings, db):
    settings.OPS_STORE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert client.get("/ideas/").status_code == 200
    assert client.get("/ideas/").status_code == 200  # paused: no second wait on the dead store
