"""config.cache on a real Redis: the cache calls of a process share one `redis.Redis` client per
connection pool (Django's client built one per call, copying its callbacks each time)."""

import os
import uuid

import pytest
import redis

from config.cache import ResilientRedisCache


def test_cache_calls_share_one_redis_client(monkeypatch):  # type: ignore[no-untyped-def]
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis (REDIS_URL)")
    shared = ResilientRedisCache(
        url, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}", "OPTIONS": {}}
    )
    built: list[object] = []
    real = redis.Redis.__init__

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    try:
        for value in range(5):
            shared.set("key", value)
            assert shared.get("key") == value
            assert shared.get_many(["key", "other"]) == {"key": value}
    finally:
        shared.delete("key")
    assert len(built) == 1
