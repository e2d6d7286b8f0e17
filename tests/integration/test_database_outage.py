"""PostgreSQL stops under a running site, then comes back: visitors get the branded 503 page with
Retry-After meanwhile (not a bare "Server Error (500)"), /health/ready says the database is
down, and the same server process answers normally again once PostgreSQL is back.

The test starts a PostgreSQL cluster of its own on a free port (never the shared one) and the
site under gunicorn pointing at it.
"""

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    bin_dir: Path
    data: Path
    port: int
    as_postgres: list[str]

    def pg_ctl(self, *args: str) -> None:
        command = [*self.as_postgres, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data.parent} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("-o", options, "-l", str(self.data.parent / "postgres.log"), "-w", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    bin_dir = Path(found[-1]).parent
    home = Path(tempfile.mkdtemp(prefix="ruche-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        postgres = pwd.getpwnam("postgres")
        os.chown(home, postgres.pw_uid, postgres.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = home / "data"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    subprocess.run(  # noqa: S603
        [*as_postgres, *initdb, "--no-sync", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    db = Cluster(bin_dir=bin_dir, data=data, port=free_port(), as_postgres=as_postgres)
    db.start()
    try:
        yield db
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            db.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def get(url: str, **headers: str) -> Answer:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


@pytest.fixture
def site(cluster: Cluster, tmp_path: Path) -> Iterator[str]:
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": cluster.url,
        "CONN_MAX_AGE": "60",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    gunicorn = ["config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"]
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", *gunicorn],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"{base}/health/live").status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_database_outage_gives_the_503_page_and_the_site_recovers_without_restart(
    cluster: Cluster, site: str
) -> None:
    home = get(f"{site}/")
    assert home.status == 200, home.body[:2000]
    ready = json.loads(get(f"{site}/health/ready").body)
    assert ready["checks"]["database"] == {"status": "ok"}

    stopped = time.monotonic()
    cluster.stop()

    down = get(f"{site}/")
    assert down.status == 503
    assert down.headers["Retry-After"] == "30"
    assert "Back in a moment" in down.body
    assert 'alt="">Ruche</a>' in down.body  # the branded page (config/branding.py)
    assert "Server Error" not in down.body
    # A visitor with a session: the session is read (from the database) by a middleware, before
    # any view runs; that path ends on the same page.
    with_session = get(f"{site}/", Cookie="sessionid=0123456789abcdefghijklmnopqrstuv")
    assert with_session.status == 503
    assert "Back in a moment" in with_session.body

    ready_down = get(f"{site}/health/ready")
    assert ready_down.status == 503
    body = json.loads(ready_down.body)
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "fail", "reason": "unreachable"}
    assert str(cluster.port) not in ready_down.body  # no connection details, no error text
    assert get(f"{site}/health/live").status == 200  # the process itself is fine

    cluster.start()
    back = get(f"{site}/")
    outage = time.monotonic() - stopped
    assert back.status == 200, back.body[:2000]
    assert json.loads(get(f"{site}/health/ready").body)["checks"]["database"]["status"] == "ok"
    assert outage < 60
