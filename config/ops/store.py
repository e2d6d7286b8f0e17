"""One small store for operational numbers shared by every process: request and task counters,
and the worker heartbeat.

Web processes (several gunicorn workers, on several machines) and worker processes each count
what they see; `/metrics` must show the sum whichever process answers the scrape. So the counts
live outside the processes, in one of two places:

- Redis (settings.OPS_STORE_URL = REDIS_URL, as in production): hashes under ``ruche:ops:``,
  updated with HINCRBY/HINCRBYFLOAT, which are atomic, in one pipelined round trip.
- Without Redis (`make run`): a SQLite file of its own under var/ (not the site's database, so it
  never contends with it), updated with an atomic upsert; every process on the machine shares it.

Recording never fails a request or a task: after an error the store is skipped for a few seconds
(the outage shows up in /health/ready instead), and the error is logged once.

Request counts are added up in the process first (`record_soon`) and written at most every
OPS_METRICS_FLUSH_SECONDS by a timer, in one round trip: a store write on every request was one
Redis round trip in each of them, a fifth of a bare request's CPU. A scrape writes its own
process's counts before it reads; another process's last second shows at the next scrape.
"""

import atexit
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

PREFIX = "ruche:ops:"
PAUSE_AFTER_ERROR_SECONDS = 10.0


class Store(Protocol):
    def add(self, table: str, amounts: Mapping[str, float]) -> None:
        """Add each amount to its field of `table`, atomically per field."""

    def read(self, table: str) -> dict[str, float]:
        """Every field of `table` with its total."""

    def put(self, key: str, value: float) -> None: ...

    def get(self, key: str) -> float | None: ...


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        # Short timeouts: a request records its timing after its answer is ready, and must not
        # wait long on a slow Redis.
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def add(self, table: str, amounts: Mapping[str, float]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for field, amount in amounts.items():
            if isinstance(amount, int):
                pipe.hincrby(PREFIX + table, field, amount)
            else:
                pipe.hincrbyfloat(PREFIX + table, field, amount)
        pipe.execute()

    def read(self, table: str) -> dict[str, float]:
        raw = self.client.hgetall(PREFIX + table)
        return {k.decode(): float(v) for k, v in raw.items()}  # type: ignore[union-attr]

    def put(self, key: str, value: float) -> None:
        self.client.set(PREFIX + key, repr(value), ex=7 * 24 * 3600)

    def get(self, key: str) -> float | None:
        value = self.client.get(PREFIX + key)
        return float(value) if value is not None else None  # type: ignore[arg-type]


class SqliteStore:
    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS counters "
        "(tab TEXT NOT NULL, field TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (tab, field));"
        "CREATE TABLE IF NOT EXISTS vals (key TEXT PRIMARY KEY, value REAL NOT NULL);"
    )

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = threading.local()
        # One writer at a time within a process: SQLite's busy handler sleeps and retries, and
        # under load a thread could lose to its siblings for longer than the timeout ("database
        # is locked"). Other processes still wait on the file lock, with the timeout.
        self.write_lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self.local, "conn", None)
        if conn is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            with self.write_lock:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=OFF")  # counters, not records: speed first
                conn.executescript(self.SCHEMA)
            self.local.conn = conn
        return conn

    def add(self, table: str, amounts: Mapping[str, float]) -> None:
        conn = self.connection()
        with self.write_lock, conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO counters (tab, field, value) VALUES (?, ?, ?) "
                "ON CONFLICT (tab, field) DO UPDATE SET value = value + excluded.value",
                [(table, field, amount) for field, amount in amounts.items()],
            )

    def read(self, table: str) -> dict[str, float]:
        rows = self.connection().execute(
            "SELECT field, value FROM counters WHERE tab = ?", (table,)
        )
        return dict(rows.fetchall())

    def put(self, key: str, value: float) -> None:
        conn = self.connection()
        with self.write_lock:
            conn.execute(
                "INSERT INTO vals (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def get(self, key: str) -> float | None:
        row = self.connection().execute("SELECT value FROM vals WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None


@lru_cache(maxsize=4)
def _store_for(url: str) -> Store:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    if url.startswith("sqlite:///"):
        return SqliteStore(url.removeprefix("sqlite:///"))
    raise ValueError(f"OPS_STORE_URL must be a redis:// or sqlite:/// URL, not {url!r}")


def store() -> Store:
    """The store named by settings.OPS_STORE_URL (read each time, so tests can change it)."""
    return _store_for(settings.OPS_STORE_URL)


_paused_until = 0.0


def record(table: str, amounts: Mapping[str, float]) -> None:
    """Add to counters, or do nothing if the store is failing (logged once per pause)."""
    _record_in(settings.OPS_STORE_URL, table, amounts)


def _record_in(url: str, table: str, amounts: Mapping[str, float]) -> None:
    global _paused_until
    if time.monotonic() < _paused_until:
        return
    try:
        _store_for(url).add(table, amounts)
    except Exception:
        _paused_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS
        logger.warning(
            "Operations store unavailable; metrics not recorded for %d s",
            PAUSE_AFTER_ERROR_SECONDS,
            exc_info=True,
        )


class _Pending:
    """Counts waiting to be written, by store URL and table, and the timer that writes them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], dict[str, float]] = {}
        self.timer: threading.Timer | None = None
        self.pid = os.getpid()

    def add(self, table: str, amounts: Mapping[str, float], delay: float) -> None:
        key = (settings.OPS_STORE_URL, table)
        with self.lock:
            if self.pid != os.getpid():  # a forked child: the parent's timer is not running here
                self.counts, self.timer, self.pid = {}, None, os.getpid()
            totals = self.counts.setdefault(key, {})
            for field, amount in amounts.items():
                totals[field] = totals.get(field, 0) + amount
            if self.timer is None:
                self.timer = threading.Timer(delay, self.flush)
                self.timer.daemon = True
                self.timer.start()

    def flush(self) -> None:
        with self.lock:
            counts, self.counts = self.counts, {}
            if self.timer is not None and self.timer is not threading.current_thread():
                self.timer.cancel()
            self.timer = None
        for (url, table), amounts in counts.items():
            _record_in(url, table, amounts)


_pending = _Pending()
atexit.register(_pending.flush)


def record_soon(table: str, amounts: Mapping[str, float]) -> None:
    """`record`, added up in this process and written within OPS_METRICS_FLUSH_SECONDS (at once
    when it is 0, and when the process exits)."""
    delay = settings.OPS_METRICS_FLUSH_SECONDS
    if delay <= 0:
        record(table, amounts)
    else:
        _pending.add(table, amounts, delay)


def flush_pending() -> None:
    """Write this process's waiting counts now (before a scrape reads the store)."""
    _pending.flush()
