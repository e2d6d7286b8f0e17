"""`make loadtest`: the site under gunicorn on PostgreSQL and Redis, driven by wrk, page by page.

    python -m bench.loadtest [--ideas 100k --votes 1m --comments 200k] [--duration 30]
        [--connections 50] [--only PAGE-SUBSTRING ...] [--output var/loadtest-latest.md]

1. Its own PostgreSQL database (default `ruche_load`), migrated and filled by
   `manage.py generate_load_data` unless it already holds the requested ideas and comments.
2. gunicorn with the deployed settings (config.gunicorn: (2 × CPUs) + 1 sync workers; `--workers`
   and `--threads` override them) on 127.0.0.1 and a free port, with production settings
   (bench.loadtest_settings: a bare view added, rate limits raised, HTTPS redirects off) and its
   own Redis database (default 14, emptied first: it holds the cache and the queued tasks; no
   worker runs, so the tasks only wait there).
3. wrk (Debian package `wrk`: `apt-get install wrk`) for a bounded time per page, 50
   connections, then 50 logged-in members toggling votes (bench/wrk/vote.lua).
4. A markdown table (page, req/s, p50, p95, errors, and whether the page came from the page
   cache: config.page_cache, read from the X-Page-Cache header after warming up), the default
   list's throughput as a share of the bare view's, each worker's memory, and whether every
   idea's vote count still equals its votes. `--no-page-cache` measures the pages rendered for
   every request (PAGE_CACHE_SECONDS=0), as signed-in members get them.
Nothing leaves 127.0.0.1, and every wrk run stops by itself.
"""

import argparse
import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WRK_DIR = ROOT / "bench" / "wrk"
BARE = "bare Django view (reference)"
DEFAULT_LIST = "`/ideas/` (default list, trending)"
VOTES = "logged-in vote toggles, 50 members"


def _count(text: str) -> int:
    value = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    return int(value[:-1] if scale > 1 else value) * scale


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--ideas", type=_count, default=100_000)
    p.add_argument("--votes", type=_count, default=1_000_000)
    p.add_argument("--comments", type=_count, default=200_000)
    p.add_argument("--members", type=_count, default=None, help="default: ideas / 20")
    p.add_argument("--duration", type=int, default=30, help="seconds of load per page")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=None, help="default: config.gunicorn's")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per worker: gunicorn's gthread worker instead of config.gunicorn's sync",
    )
    p.add_argument("--database", default="ruche_load", help="PostgreSQL database name")
    p.add_argument(
        "--postgres",
        default=os.environ.get("LOADTEST_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without a database name",
    )
    p.add_argument(
        "--redis",
        default=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="a Redis database of its own: it is emptied before the run",
    )
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.add_argument("--only", nargs="*", default=[], help="run only pages whose name contains one")
    p.add_argument("--reload", action="store_true", help="drop and load the database again")
    p.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every request (PAGE_CACHE_SECONDS=0): no anonymous pages from Redis",
    )
    p.add_argument(
        "--signed-in",
        action="store_true",
        help="every page request carries a signed-in member's session cookie",
    )
    p.add_argument("--output", type=Path, default=ROOT / "var" / "loadtest-latest.md")
    return p.parse_args(argv)


def say(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_environment(
    *, postgres: str, database: str, redis: str, key_label: str = "ruche-loadtest"
) -> dict[str, str]:
    """This process's environment for one running the site with production settings on
    127.0.0.1 (bench.loadtest_settings), as the load test and the benchmarks beside it need:
    plain HTTP, email to the console, its own database and Redis."""
    env = dict(os.environ)
    env.pop("DJANGO_ENV", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.loadtest_settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            # Production settings refuse to start without one (two-factor secrets at rest). The
            # same key for the same database on every run, so rows encrypted once still read.
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(
                hashlib.sha256(f"{key_label}:{database}".encode()).digest()
            ).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "BEHIND_TLS_PROXY": "false",
            "DATABASE_URL": f"{postgres.rstrip('/')}/{database}",
            "REDIS_URL": redis,
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def environment(args: argparse.Namespace, port: int) -> dict[str, str]:
    env = production_environment(postgres=args.postgres, database=args.database, redis=args.redis)
    env["SITE_URL"] = f"http://127.0.0.1:{port}"
    if args.no_page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def run(cmd: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "wrk is not installed: `apt-get install wrk` (Debian's package) and run again."
        )
    return found


def ensure_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Create, migrate and load the database unless it already holds the requested sizes."""
    import psycopg

    with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if exists and args.reload:
            say(f"dropping database {args.database}")
            conn.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
            exists = None
        if not exists:
            say(f"creating database {args.database}")
            conn.execute(f'CREATE DATABASE "{args.database}"')
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        ideas, comments = conn.execute(
            "SELECT (SELECT count(*) FROM ideas_idea), (SELECT count(*) FROM community_comment)"
        ).fetchone()  # type: ignore[misc]
    if (ideas, comments) == (args.ideas, args.comments):
        say(f"database {args.database} already holds {ideas:,} ideas and {comments:,} comments")
        return
    if ideas:
        raise SystemExit(
            f"{args.database} holds {ideas:,} ideas and {comments:,} comments, not the "
            f"{args.ideas:,} and {args.comments:,} asked for: add --reload to load it again."
        )
    say(f"loading {args.ideas:,} ideas, {args.votes:,} votes, {args.comments:,} comments")
    started = time.monotonic()
    members = ["--members", str(args.members)] if args.members else []
    run(
        [PY, "manage.py", "generate_load_data", "--i-know-this-is-not-production",
         "--ideas", str(args.ideas), "--votes", str(args.votes), "--comments", str(args.comments),
         *members],
        env,
    )  # fmt: skip
    say(f"loaded in {time.monotonic() - started:.0f} s")


def start_gunicorn(
    args: argparse.Namespace, env: dict[str, str], port: int
) -> subprocess.Popen[bytes]:
    cmd = [
        str(Path(PY).with_name("gunicorn")),
        "config.wsgi:application",
        "-c", "python:config.gunicorn",
        "--bind", f"127.0.0.1:{port}",
        "--timeout", "120",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--access-logfile", "/dev/null",
    ]  # fmt: skip
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.threads:
        cmd += ["--worker-class", "gthread", "--threads", str(args.threads)]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=5):
                return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def gunicorn_shape(args: argparse.Namespace) -> str:
    from config.gunicorn import default_workers

    workers = args.workers or default_workers()
    if args.threads:
        return f"{workers} workers × {args.threads} threads (gthread)"
    return f"{workers} sync workers"


def stop(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def worker_memory(server: subprocess.Popen[bytes]) -> list[int]:
    """Resident memory (MB) of each gunicorn worker, the children of the master."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(server.pid):
            sizes.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(sizes)


def warm(port: int, path: str) -> str:
    """One request per worker first, so nothing measured pays for imports or first queries.
    Returns how the last one was served: "hit" from the page cache, else "rendered"."""
    served = "rendered"
    for _ in range(4):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as r:
                r.read()
                served = "hit" if r.headers.get("X-Page-Cache") == "hit" else "rendered"
        except OSError:
            pass
    return served


def wrk(args: argparse.Namespace, port: int, path: str, script: str, extra: list[str]) -> dict:  # type: ignore[type-arg]
    cmd = [
        "wrk",
        "-t", str(args.wrk_threads),
        "-c", str(args.connections),
        "-d", f"{args.duration}s",
        "--timeout", f"{max(args.duration, 10)}s",
        "-s", str(WRK_DIR / script),
        f"http://127.0.0.1:{port}{path}",
        *(["--", *extra] if extra else []),
    ]  # fmt: skip
    env = dict(os.environ, RUCHE_WRK_DIR=str(WRK_DIR))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.duration + 60)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict = json.loads(line[len("RESULT ") :])  # type: ignore[type-arg]
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            result["errors"] = sum(
                result[k] for k in ("connect", "read", "write", "status", "timeout")
            )
            return result
    raise SystemExit(f"wrk printed no result for {path}:\n{out.stdout}\n{out.stderr}")


def ms(us: float) -> str:
    return f"{us / 1000:,.0f} ms" if us >= 10_000 else f"{us / 1000:.1f} ms"


def table(results: dict[str, dict], args: argparse.Namespace) -> str:  # type: ignore[type-arg]
    lines = [
        "| page | req/s | p50 | p95 | errors | page cache |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        served = r["requests"] - r["errors"]
        rps = f"{r['rps']:,.1f}" if served else f"**0 served in {args.duration} s**"
        p50, p95 = (ms(r["p50_us"]), ms(r["p95_us"])) if served else ("—", "—")
        errors = f"{r['errors']:,}" + (f" ({r['timeout']:,} timeouts)" if r["timeout"] else "")
        served = r.get("served", "")
        lines.append(f"| {name} | {rps} | {p50} | {p95} | {errors} | {served} |")
    return "\n".join(lines)


def prepare(env: dict[str, str], folder: Path) -> tuple[dict, Path]:  # type: ignore[type-arg]
    """The pages to load and the signed-in voters (session, CSRF token, ideas), written by
    bench.loadtest_django into `folder` once the static files are collected if they changed;
    the voters as the lines bench/wrk/vote.lua reads."""
    plan_file = folder / "plan.json"
    run([PY, "-m", "bench.loadtest_django", "prepare", str(plan_file)], env)
    plan = json.loads(plan_file.read_text())
    voters_file = folder / "voters.txt"
    voters_file.write_text(
        "".join(
            f"{v['session']} {v['csrf']} {','.join(map(str, v['ideas']))}\n" for v in plan["voters"]
        )
    )
    return plan, voters_file


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_wrk()
    port = args.port or free_port()
    env = environment(args, port)
    ensure_database(args, env)
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    with tempfile.TemporaryDirectory(prefix="ruche-loadtest-") as tmp:
        started = time.perf_counter()
        plan, voters_file = prepare(env, Path(tmp))
        say(
            f"static files {plan['static']}, pages and voters prepared "
            f"({time.perf_counter() - started:.1f} s)"
        )
        pages: dict[str, str] = {BARE: "/bench/bare/", **plan["pages"]}
        wanted = [
            name
            for name in [*pages, VOTES]
            if not args.only or any(o.lower() in name.lower() for o in args.only)
        ]
        say(f"gunicorn {gunicorn_shape(args)} on 127.0.0.1:{port}")
        server = start_gunicorn(args, env, port)
        results: dict[str, dict] = {}  # type: ignore[type-arg]
        check: dict = {}  # type: ignore[type-arg]
        try:
            for name in wanted:
                if name == VOTES:
                    say(f"{name}: {args.duration} s")
                    results[name] = wrk(
                        args, port, "/", "vote.lua", [str(voters_file), str(args.wrk_threads)]
                    )
                    results[name]["served"] = "— (signed in)"
                    continue
                served = warm(port, pages[name])
                if args.signed_in and name != BARE:
                    served = "— (signed in)"
                say(f"{name}: GET {pages[name]} ({served}), {args.duration} s")
                script, extra = "get.lua", []
                if args.signed_in and name != BARE:  # the bare view reads no session
                    script, extra = "get_signed_in.lua", [str(voters_file), str(args.wrk_threads)]
                results[name] = wrk(args, port, pages[name], script, extra)
                results[name]["served"] = "—" if name == BARE else served
            memory = worker_memory(server)
        finally:
            stop(server)
        if VOTES in results:
            out = run([PY, "-m", "bench.loadtest_django", "check"], env, capture_output=True).stdout
            check = json.loads(out.strip().splitlines()[-1])
    report = [
        f"Load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.ideas:,} ideas, "
        f"{args.votes:,} votes, {args.comments:,} comments; gunicorn {gunicorn_shape(args)}; "
        f"wrk {args.connections} connections, {args.duration} s per page; "
        + ("page cache off" if args.no_page_cache else "page cache on")
        + ("; pages requested by signed-in members." if args.signed_in else "."),
        "",
        table(results, args),
        "",
    ]
    if BARE in results and DEFAULT_LIST in results and results[BARE]["rps"]:
        share = results[DEFAULT_LIST]["rps"] / results[BARE]["rps"]
        report.append(f"Default list / bare view throughput: {share:.1%} (target ≥ 40%).")
    report.append(f"Memory of each gunicorn worker after the run: {memory} MB.")
    report.append(f"Load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    if check:
        report.append(
            f"Vote counts after the toggles: {check['mismatch_count']} mismatches over "
            f"{check['votes']:,} votes"
            + (f": {check['mismatches']}" if check["mismatches"] else ".")
        )
    text = "\n".join(report) + "\n"
    print("\n" + text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    say(f"written to {args.output}")
    return 1 if check.get("mismatch_count") else 0


if __name__ == "__main__":
    sys.exit(main())
