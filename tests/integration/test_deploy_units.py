"""The systemd units start the stack: each unit's own ExecStart, run as written (the virtualenv
and state paths moved into a temporary folder), with production settings, against a PostgreSQL
database and a Redis server made for this test. Docker is not available on this machine, so this
is how deploy/ is proven to start: the web answers, the worker beats, beat ticks, the
similar-ideas process answers on its socket, and
/health/ready reports every check ok."""

import base64
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.db import connection

from tests.integration.conftest import RedisServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unit_service(path: Path) -> dict[str, list[str]]:
    """The [Service] section, every value of repeated keys kept in order."""
    values: dict[str, list[str]] = {}
    section = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def exec_start(path: Path, *, port: int, state: Path) -> list[str]:
    argv = shlex.split(unit_service(path)["ExecStart"][0])
    assert argv[0].startswith("/opt/ruche/.venv/bin/"), argv[0]
    argv[0] = str(VENV_BIN / Path(argv[0]).name)
    return [
        part.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("/var/lib/ruche", str(state))
        for part in argv
    ]


def unit_environment(path: Path, *, state: Path) -> dict[str, str]:
    names = dict(
        value.split("=", 1) for value in unit_service(path).get("Environment", []) if "=" in value
    )
    return {name: value.replace("/var/lib/ruche", str(state)) for name, value in names.items()}


@pytest.fixture
def postgres_database() -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    db = connection.settings_dict
    server = f"host={db.get('HOST') or '127.0.0.1'} port={db.get('PORT') or 5432} user={db['USER']}"
    name = f"ruche_deploy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        yield f"postgres://{db['USER']}@{host}/{name}"
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_server(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (Debian package redis-server)")
    server = RedisServer(port=free_port(), directory=tmp_path)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def get(url: str) -> tuple[int, bytes]:
    # Production trusts X-Forwarded-Proto from the TLS proxy and redirects plain http.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def test_the_systemd_units_commands_start_a_ready_stack(postgres_database, redis_server, tmp_path):
    state = tmp_path / "state"
    state.mkdir(mode=0o750)
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        # What /etc/ruche/ruche.env holds (.env.example):
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": postgres_database,
        "REDIS_URL": redis_server,
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "THEMES_BACKEND": "tfidf",  # the worker's start-up themes run stays light
    }
    units = {path.stem: path for path in UNITS}
    assert {"ruche-web", "ruche-worker", "ruche-beat", "ruche-similar"} <= set(units)
    production = {**environment, **unit_environment(units["ruche-web"], state=state)}
    assert production["DJANGO_ENV"] == "production"

    # The installation steps of docs/operations.md: migrate, collect the static files.
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *step],
            cwd=ROOT,
            env=production,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = {name: tmp_path / f"{name}.log" for name in units}
    try:
        for name, path in units.items():
            env = {**environment, **unit_environment(path, state=state)}
            with logs[name].open("wb") as out:
                processes[name] = subprocess.Popen(  # noqa: S603
                    exec_start(path, port=port, state=state),
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

        deadline = time.monotonic() + 180
        report: dict[str, object] = {}
        while time.monotonic() < deadline:
            for name, process in processes.items():
                if process.poll() is not None:
                    pytest.fail(
                        f"{name} exited with {process.returncode}:\n{logs[name].read_text()}"
                    )
            # Ready, and every check ok: the similar-ideas process (a warning until its socket
            # answers) included.
            status, body = get(f"http://127.0.0.1:{port}/health/ready")
            if status == 200:
                report = json.loads(body)
                if all(check["status"] == "ok" for check in report["checks"].values()):
                    break
            time.sleep(1)
        else:
            pytest.fail(
                f"/health/ready never had every check ok (last {status}: {body[:800]!r}).\n"
                + "\n".join(f"--- {n}\n{logs[n].read_text()[-2000:]}" for n in logs)
            )

        checks = report["checks"]
        assert isinstance(checks, dict)
        assert all(check["status"] == "ok" for check in checks.values()), checks
        assert get(f"http://127.0.0.1:{port}/health/live")[0] == 200
        status, page = get(f"http://127.0.0.1:{port}/ideas/")
        assert status == 200
        assert b"<html" in page
        # The worker consumes the queue the web and beat send to: a task sent on the broker is
        # run and counted in /metrics (Prometheus format, open to loopback).
        sender = Celery(broker=redis_server)
        sender.send_task("community.tasks.send_daily_digests")
        counted = (
            'ruche_celery_tasks_total{task="community.tasks.send_daily_digests",'
            'outcome="succeeded"} 1'
        )
        deadline = time.monotonic() + 60
        while counted not in get(f"http://127.0.0.1:{port}/metrics")[1].decode():
            assert time.monotonic() < deadline, logs["ruche-worker"].read_text()[-3000:]
            time.sleep(0.5)
        # Beat keeps its schedule in the unit's state directory.
        time.sleep(2)
        assert processes["ruche-beat"].poll() is None, logs["ruche-beat"].read_text()
        assert (state / "celerybeat-schedule").exists() or list(state.glob("celerybeat-schedule*"))
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
