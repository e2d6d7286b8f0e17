"""A real Celery worker process, on the broker the settings name (Redis on CI)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_the_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    mail_dir: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_worker(transactional_db, tmp_path) -> Iterator[Callable[..., Worker]]:  # type: ignore[no-untyped-def]
    """Start `celery worker` processes on a queue of their own, and route tasks to it.

    The test's own app stops running tasks eagerly, so they travel through the broker.
    Extra keyword arguments become environment variables of the worker.
    """
    queue = f"test-{uuid.uuid4().hex[:12]}"
    workers: list[Worker] = []
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue

    def start(**extra_env: str) -> Worker:
        n = len(workers)
        mail_dir = tmp_path / f"mail{n}"
        mail_dir.mkdir()
        log = tmp_path / f"worker{n}.log"
        env = {
            **os.environ,
            "DJANGO_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_of_the_test_database(),
            "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one slash
            **extra_env,
        }
        command = [
            # The project's app with the pauses tests ask for (tests/integration/worker_hooks.py).
            sys.executable, "-m", "celery", "-A", "tests.integration.worker_hooks", "worker",
            "-Q", queue,
            "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=INFO",
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        worker = Worker(process=process, queue=queue, mail_dir=mail_dir, log=log)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.terminate()
                try:
                    worker.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait()


@pytest.fixture
def celery_worker_process(start_worker) -> Worker:  # type: ignore[no-untyped-def]
    return start_worker()


def wait_until(check: Callable[[], bool], *, seconds: float, worker: Worker) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"The worker exited with {worker.process.returncode}:\n{worker.output()}")
        time.sleep(0.25)
    pytest.fail(f"Timed out after {seconds} s. Worker log:\n{worker.output()}")


def broker_is_redis() -> bool:
    return str(settings.CELERY_BROKER_URL).startswith("redis")


@dataclass
class RedisServer:
    """A redis-server of the test's own, which the test may stop and start."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """Without a database number: add /0, /1... for the broker and the cache."""
        return f"redis://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.address}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.directory),
        ]  # fmt: skip
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def pause(self) -> None:
        """Hung: SIGSTOP. Connections are still accepted (by the kernel), nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stopped like a crash: SIGKILL, and what it held in memory is gone with it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:  # type: ignore[no-untyped-def]
    """A Redis the test starts on a free port of 6410-6419, used as the broker of the workers
    it starts (`start_worker(REDIS_URL=own_redis.url)`) and of this process's Celery app."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = next((p for p in range(6410, 6420) if _port_is_free(p)), None)
    if port is None:
        pytest.skip("no free port in 6410-6419 for a Redis of the test's own")
    server = RedisServer(port=port, directory=tmp_path)
    server.start()
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    conf.broker_url = server.url
    conf.broker_transport_options = dict(settings.REDIS_BROKER_TRANSPORT_OPTIONS)
    _forget_connections()
    try:
        yield server
    finally:
        _forget_connections()
        conf.broker_url, conf.broker_transport_options = saved
        server.stop()


def _forget_connections() -> None:
    """The app's connection and producer pools were made for the previous broker URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


PORTS = range(6400, 6410)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 6400-6409 for a redis-server of this test")


def _use_broker(url: str, transport_options: dict[str, object]) -> None:
    """Point this process's Celery app at `url`, dropping pooled connections to the old one."""
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = transport_options
    celery_app.conf.broker_write_url = None
    celery_app.conf.broker_read_url = None
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:  # type: ignore[no-untyped-def]
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=_free_port(), directory=tmp_path)
    server.start()
    saved = (
        celery_app.conf.broker_url,
        celery_app.conf.task_always_eager,
        celery_app.conf.task_default_queue,
        celery_app.conf.broker_transport_options,
    )
    celery_app.conf.task_always_eager = False
    # The options the settings give a Redis broker (timeouts, retries), as the worker has them.
    options = getattr(settings, "REDIS_BROKER_TRANSPORT_OPTIONS", None)
    _use_broker(server.url, dict(options or {"visibility_timeout": 3600}))
    try:
        yield server
    finally:
        server.stop()
        celery_app.conf.task_always_eager = saved[1]
        celery_app.conf.task_default_queue = saved[2]
        _use_broker(saved[0], saved[3])


@pytest.fixture
def worker_with_beat(transactional_db, redis_server, tmp_path) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    """One `celery worker -B` on the test's Redis, sweeping the outbox every 2 seconds."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_of_the_test_database(),
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "OUTBOX_SWEEP_SECONDS": "2",
        "OUTBOX_SWEEP_GRACE_SECONDS": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-B",
        "-s", str(tmp_path / "beat-schedule"), "--pool=solo", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    with log.open("wb") as out:
        # A session of its own: the embedded beat is a child process, stopped with it.
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = Worker(process=process, queue="celery", mail_dir=mail_dir, log=log)
    try:
        wait_until(lambda: " ready." in worker.output(), seconds=120, worker=worker)
        yield worker
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
