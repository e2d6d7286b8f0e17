"""Where a page's CPU goes, one process, no HTTP: `python -m bench.render_profile --database NAME
[--signed-in] [--runs 5] [--top 25] [PATH ...]` renders each page through Django's test client
with the load test's settings (bench.loadtest_settings) on the load test's database and prints,
per page, the CPU time per render, the queries, and the functions costing the most (cProfile,
cumulative and own time). Pages default to those the load test drives (bench.loadtest_django).
The page cache is on as in production, so a signed-in member's pages are what is measured; with
--anonymous the page cache is bypassed by a fresh request each time (PAGE_CACHE_SECONDS=0)."""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from bench.loadtest import production_environment


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("paths", nargs="*")
    p.add_argument("--database", required=True)
    p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    p.add_argument("--anonymous", action="store_true")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--sort", default="cumulative")
    args = p.parse_args(argv)
    os.environ.update(
        production_environment(postgres=args.postgres, database=args.database, redis=args.redis)
    )
    if args.anonymous:
        os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from community.load.data import EMAIL_DOMAIN

    paths = args.paths or _default_paths()
    client = Client(HTTP_HOST="127.0.0.1")
    if not args.anonymous:
        member = User.objects.filter(
            email__endswith="@" + EMAIL_DOMAIN, is_active=True, groups__name="member"
        ).order_by("pk")[3]
        client.force_login(member)
    for path in paths:
        client.get(path)  # warm: templates compiled, first queries, fragments stored
        counted: list[str] = []

        def count(run, sql, *rest, seen=counted):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            response = client.get(path)
        cpu = []
        for _ in range(args.runs):
            started = time.process_time()
            client.get(path)
            cpu.append(time.process_time() - started)
        cpu.sort()
        profile = cProfile.Profile(time.process_time)
        for _ in range(args.runs):
            profile.enable()
            client.get(path)
            profile.disable()
        print(
            f"\n=== {path}: {response.status_code}, {len(response.content):,} bytes, "
            f"{len(counted)} queries, CPU per render median {cpu[len(cpu) // 2] * 1000:.1f} ms "
            f"(min {cpu[0] * 1000:.1f})"
        )
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue()[-12000:])
    return 0


def _default_paths() -> list[str]:
    from ideas.models import Idea

    ideas = Idea.objects.public()
    busiest = ideas.order_by("-comment_count", "pk").first()
    total = ideas.count()
    average = ideas.filter(comment_count__gt=0).order_by("vote_count", "pk")[total // 2 :].first()
    assert busiest is not None
    assert average is not None
    return ["/", "/ideas/", f"/ideas/{average.pk}/", f"/ideas/{busiest.pk}/", "/leaderboard/"]


if __name__ == "__main__":
    sys.exit(main())
