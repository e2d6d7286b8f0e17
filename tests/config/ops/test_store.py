"""The operations store adds up counts from many writers at once without losing any."""

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.ops import store as ops_store
from config.ops.store import PREFIX, RedisStore, SqliteStore, Store, flush_pending, record_soon


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
    settings.OPS_METRICS_FLUSH_SECONDS = 0  # each request writes, as with no batching
    assert client.get("/ideas/").status_code == 200
    assert ops_store._paused_until > 0  # the write failed, was logged and paused the store
    assert client.get("/ideas/").status_code == 200  # paused: no second wait on the dead store


def test_a_failing_store_does_not_fail_a_flush(client, settings, db):
    settings.OPS_STORE_URL = "redis://127.0.0.1:1/0"
    assert client.get("/ideas/").status_code == 200
    flush_pending()  # what the timer or a scrape does: logs and pauses, raises nothing
    assert ops_store._paused_until > 0


def counting_adds(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The tables written to the real SQLite store, one entry per write (round trip)."""
    writes: list[str] = []
    real_add = SqliteStore.add

    def add(self, table, amounts):  # type: ignore[no-untyped-def]
        writes.append(table)
        real_add(self, table, amounts)

    monkeypatch.setattr(SqliteStore, "add", add)
    return writes


def test_request_counts_are_added_up_and_written_once_per_interval(
    client, settings, db, store, monkeypatch
):
    settings.OPS_METRICS_FLUSH_SECONDS = 60  # no timer fires during the test
    writes = counting_adds(monkeypatch)
    for _ in range(5):
        assert client.get("/ideas/").status_code == 200
    assert writes == []
    assert store.read("http") == {}
    flush_pending()
    assert writes == ["http"]
    counts = store.read("http")
    assert counts["ideas:list|GET|2xx|count"] == 5
    buckets = {k: v for k, v in counts.items() if not k.endswith(("|count", "|sum"))}
    assert sum(buckets.values()) == 5  # each request in one latency bucket
    flush_pending()
    assert writes == ["http"]  # nothing waiting: nothing written


def test_the_timer_writes_the_counts_without_a_scrape(client, settings, db, store):
    settings.OPS_METRICS_FLUSH_SECONDS = 0.05
    assert client.get("/ideas/").status_code == 200
    deadline = time.monotonic() + 10
    while not store.read("http") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.read("http")["ideas:list|GET|2xx|count"] == 1


def test_a_forked_process_writes_only_its_own_counts(settings, store):
    settings.OPS_METRICS_FLUSH_SECONDS = 60
    record_soon("http", {"a|count": 1})  # waiting in the parent when it forks
    pid = os.fork()
    if pid == 0:  # the child: count 2, write, leave without the parent's exit handlers
        try:
            record_soon("http", {"a|count": 2})
            flush_pending()
        finally:
            os._exit(0)
    assert os.waitpid(pid, 0)[1] == 0
    flush_pending()
    assert store.read("http") == {"a|count": 3}  # 4 if the child had written the parent's 1
