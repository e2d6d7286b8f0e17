"""One process, N signed-in vote toggles through Django's WSGI handler with the load test's
settings (bench/loadtest_settings.py), as bench/wrk/vote.lua sends them: the CPU and wall time
per vote (and the CPU of its PostgreSQL backend, when the server runs on this machine), or a
cProfile (CPU clock), or the statements of one vote.

    python -m bench.vote_profile --database h_vote [--votes 300] [--mode time|cprofile|sql]

Run it on a copy of the load-test database (`createdb -T h_perf h_vote`): it toggles votes
(through the service, so the counts stay exact) and adds ten sessions. docs/benchmarks.md.
`--mode sql` logs the statements, so they run unprepared (config.db.server_prepared_cursor).
"""

import argparse
import io
import os
import sys
import time
from typing import Any

from bench.loadtest import production_environment


def _environment(args: argparse.Namespace) -> None:
    env = production_environment(postgres=args.postgres, database=args.database, redis=args.redis)
    os.environ.pop("DJANGO_ENV", None)
    os.environ.update(env)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database", required=True)
    p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    p.add_argument("--votes", type=int, default=300)
    p.add_argument("--mode", choices=["time", "cprofile", "sql"], default="time")
    args = p.parse_args()
    _environment(args)
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from accounts.models import User
    from bench.sessions import signed_in_session
    from community.load.data import EMAIL_DOMAIN
    from ideas.models import Idea

    members = User.objects.filter(
        email__endswith="@" + EMAIL_DOMAIN, is_active=True, groups__name="member"
    ).order_by("pk")[:10]
    voters = [(signed_in_session(member), "a" * 32) for member in members]
    ideas = list(Idea.objects.public().order_by("-vote_count", "pk").values_list("pk", flat=True))
    ideas = ideas[:200:10]
    app = WSGIHandler()

    def vote(n: int) -> bytes:
        session, csrf = voters[n % len(voters)]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/ideas/{ideas[(n // len(voters)) % len(ideas)]}/vote/",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": "0",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_COOKIE": f"sessionid={session}; csrftoken={csrf}",
            "HTTP_X_CSRFTOKEN": csrf,
            "HTTP_HX_REQUEST": "true",
        }
        status: list[str] = []

        def start_response(code: str, _headers: Any, _info: Any = None) -> Any:
            status.append(code)
            return lambda _data: None

        body = b"".join(app(environ, start_response))
        if not status[0].startswith("200"):
            raise SystemExit(f"{status[0]}: {body[:300]!r}")
        return body

    for n in range(20):  # imports, first queries, each statement's first compilation
        vote(n)
    if args.mode == "sql":
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            vote(args.votes)
        for query in captured.captured_queries:
            print(query["time"], query["sql"])
        return
    profile = None
    if args.mode == "cprofile":
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
    backend = _backend_cpu()
    wall, cpu, pg = time.perf_counter(), time.process_time(), backend()
    for n in range(args.votes):
        vote(n)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pg = backend() - pg
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
    load = os.getloadavg()[0]
    print(
        f"{args.votes} votes: {cpu / args.votes * 1000:.2f} ms of CPU and "
        f"{wall / args.votes * 1000:.2f} ms of wall time per vote, PostgreSQL's backend "
        f"{pg / args.votes * 1000:.2f} ms of CPU (load average {load:.1f})"
    )


def _backend_cpu() -> Any:
    """A function giving the CPU seconds (user + system) that this process's PostgreSQL
    backend has used, read from /proc when the server runs on this machine (NaN otherwise)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    ticks = os.sysconf("SC_CLK_TCK")

    def seconds() -> float:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return seconds


if __name__ == "__main__":
    main()
