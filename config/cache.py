"""The shared cache: Redis, with the database behind it for the counters that guard security.

While Redis answers, every key lives there. When it does not (refused, timed out):
- keys that start with one of the cache's `fallback_prefixes` (the login lockout and allauth's
  other rate limits, two-factor codes already used, the config.ratelimit scopes kept without the
  cache) are read and written in a database table (`config.ops.models.CacheFallbackEntry`,
  through Django's DatabaseCache), so those controls keep working;
- any other key raises a Redis ConnectionError, as before, and its caller degrades: the page
  cache renders the page, config.ratelimit lets the request through for the other scopes.
After a failure Redis is left alone for `retry_seconds`, so an outage costs one failed connection
per process and interval, not one per request. docs/security.md#when-the-cache-is-down says which
limit does what, and why.
"""

import logging
import time
from collections.abc import Iterable
from typing import Any

import redis
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import router, transaction
from redis.commands.core import Script

logger = logging.getLogger(__name__)

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def redis_script(source: str) -> Script:
    """A Lua script sent by its SHA1 (EVALSHA: Redis neither receives nor hashes its text on each
    call), loaded again when a restarted Redis has forgotten it. Call it with `client=`."""
    return Script(None, source.encode())  # type: ignore[arg-type]  # bytes need no client


FALLBACK_TABLE = "ruche_cache_fallback"


class CounterDatabaseCache(DatabaseCache):
    """DatabaseCache whose `incr` holds the row lock (PostgreSQL), so that two requests counting
    at once both count; Django's reads and writes back without a lock."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        from config.ops.models import CacheFallbackEntry

        db = router.db_for_write(CacheFallbackEntry)
        with transaction.atomic(using=db):
            made = self.make_and_validate_key(key, version=version)
            list(
                CacheFallbackEntry.objects.using(db)
                .select_for_update()
                .filter(cache_key=made)
                .values_list("cache_key")
            )
            return super().incr(key, delta, version)


class _ClientKeptRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` around the same connection pool for every
    cache call, copying its ~170 response callbacks each time: about 0.1-0.2 ms of CPU per call
    (several per page). One client per pool is kept instead; a `redis.Redis` is safe to share
    between threads (each command takes a connection from the pool)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both build one: either will do
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(BaseCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = dict(params.get("OPTIONS") or {})
        self.fallback_prefixes = tuple(options.pop("fallback_prefixes", ()))
        self.retry_seconds = float(options.pop("retry_seconds", 5.0))
        shared = {k: v for k, v in params.items() if k != "OPTIONS"}
        self.primary = RedisCache(server, {**shared, "OPTIONS": options})
        self.primary._class = _ClientKeptRedisCacheClient  # type: ignore[attr-defined]
        # Counters and used codes only: never culled for size (that would reset a lockout).
        self.fallback = CounterDatabaseCache(
            FALLBACK_TABLE, {**shared, "OPTIONS": {"MAX_ENTRIES": 10**9}}
        )
        self._down_until = 0.0

    # --- routing --------------------------------------------------------------------------------

    def is_degraded(self) -> bool:
        """Redis failed less than `retry_seconds` ago."""
        return time.monotonic() < self._down_until

    def _kept(self, keys: Iterable[Any]) -> bool:
        return all(str(key).startswith(self.fallback_prefixes) for key in keys)

    def _call(self, method: str, keys: list[Any], *args: Any, **kwargs: Any) -> Any:
        if not self.is_degraded():
            try:
                return getattr(self.primary, method)(*args, **kwargs)
            except REDIS_ERRORS:
                self._down_until = time.monotonic() + self.retry_seconds
                logger.warning(
                    "Cache (Redis) unavailable; security counters use the database for %.0f s",
                    self.retry_seconds,
                    exc_info=True,
                )
                if not self._kept(keys):
                    raise
        elif not self._kept(keys):
            raise redis.exceptions.ConnectionError("The cache failed moments ago; not retried yet")
        return getattr(self.fallback, method)(*args, **kwargs)

    # --- the cache API --------------------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return bool(self._call("add", [key], key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", [key], key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        self._call("set", [key], key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return bool(self._call("touch", [key], key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", [key], key, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", [key], key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", [key], key, delta, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return dict(self._call("get_many", keys, keys, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None
    ) -> list[Any]:
        return list(self._call("set_many", list(data), data, timeout, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._call("delete_many", keys, keys, version)

    def clear(self) -> None:
        self.fallback.clear()
        try:
            self.primary.clear()
        except REDIS_ERRORS:
            logger.warning("Cache (Redis) unavailable; not cleared", exc_info=True)

    def close(self, **kwargs: Any) -> None:
        self.primary.close(**kwargs)
        self.fallback.close(**kwargs)
