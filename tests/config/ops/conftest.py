"""Each test gets an operations store of its own (a SQLite file), so counters start at zero."""

import pytest

from config.ops import store as ops_store


@pytest.fixture(autouse=True)
def store(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.OPS_STORE_URL = f"sqlite:///{tmp_path / 'ops.sqlite3'}"
    monkeypatch.setattr(ops_store, "_paused_until", 0.0)
    return ops_store.store()


def closed_port() -> int:
    """A local port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
