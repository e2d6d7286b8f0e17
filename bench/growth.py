"""How cost grows with the data (issue #12): the load test's pages at several sizes, one table.

    python -m bench.growth [--duration 10] [--sizes 10k/100k/20k 100k/1m/200k 1m/10m/2m]
        [--only PAGE-SUBSTRING ...] [--page-cache] [--output var/growth-latest.md]

For each size (ideas/votes/comments), its own database (`ruche_load_10k`, `ruche_load` for
100k as `make loadtest` uses, `ruche_load_1m`; made by `generate_load_data` when missing), then
the steps of bench/loadtest.py, whose functions it reuses: gunicorn as deployed
(config.gunicorn) with production settings, each page under wrk for `--duration` seconds, 50
connections, the logged-in vote toggles last. Then EXPLAIN (ANALYZE, BUFFERS) of the list,
search, count and leaderboard queries of bench/explain_lists.py on the same database:
PostgreSQL's own execution time, median of `--runs`.

The anonymous page cache (config/page_cache.py) is off unless `--page-cache`: a cached page
costs the same at any size, which would hide whether the query under it is served by an index.
Prints one table (page × size: req/s, p50, p95) and one of the queries (size → ms), and writes
both to `--output`.
"""

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import loadtest
from bench.loadtest import BARE, PY, ROOT, VOTES

# ideas/votes/comments and the database each size lives in (100k is `make loadtest`'s).
DEFAULT_SIZES = ["10k/100k/20k", "100k/1m/200k", "1m/10m/2m"]
DATABASES = {10_000: "ruche_load_10k", 100_000: "ruche_load", 1_000_000: "ruche_load_1m"}
# "before:" queries of explain_lists scan whole tables (seconds at 1M ideas, several runs);
# this one is kept as the contrast: a count that no index serves grows with the table.
UNINDEXED = "before: COUNT(*) of the list"


def _label(name: str) -> str:
    """The page's name without the figures that differ between sizes."""
    name = re.sub(r"idea with [\d,]+ comments", "the idea with the most comments", name)
    return re.sub(r"an average idea page \(\d+ votes\)", "an average idea page", name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES, help="ideas/votes/comments")
    p.add_argument(
        "--databases", nargs="+", default=[], help="one per size, instead of the default names"
    )
    p.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    p.add_argument("--runs", type=int, default=5, help="EXPLAIN ANALYZE runs per query")
    p.add_argument("--only", nargs="*", default=[], help="run only pages whose name contains one")
    p.add_argument("--no-explain", action="store_true")
    p.add_argument("--page-cache", action="store_true", help="leave the anonymous page cache on")
    p.add_argument("--redis", default=None, help="default: bench.loadtest's (emptied first)")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--output", type=Path, default=ROOT / "var" / "growth-latest.md")
    return p.parse_args(argv)


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _size_args(args: argparse.Namespace, size: str) -> argparse.Namespace:
    ideas, votes, comments = size.split("/")
    argv = ["--ideas", ideas, "--votes", votes, "--comments", comments]
    argv += ["--duration", str(args.duration), "--port", str(args.port)]
    if args.redis:
        argv += ["--redis", args.redis]
    if not args.page_cache:
        argv.append("--no-page-cache")  # PAGE_CACHE_SECONDS=0 for gunicorn
    parsed = loadtest.parse_args(argv)
    parsed.database = DATABASES.get(parsed.ideas, f"ruche_load_{ideas.lower()}")
    parsed.only = args.only
    return parsed


def measure_pages(size: argparse.Namespace, env: dict[str, str], port: int) -> dict[str, Any]:
    """bench.loadtest's page loop for one database: {label: wrk result}."""
    import redis

    redis.Redis.from_url(size.redis).flushdb()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ruche-growth-") as tmp:
        plan, voters_file = loadtest.prepare(env, Path(tmp))
        pages: dict[str, str] = {BARE: "/bench/bare/", **plan["pages"]}
        wanted = [
            name
            for name in [*pages, VOTES]
            if not size.only or any(o.lower() in name.lower() for o in size.only)
        ]
        server = loadtest.start_gunicorn(size, env, port)
        try:
            for name in wanted:
                if name == VOTES:
                    extra = [str(voters_file), str(size.wrk_threads)]
                    results[name] = loadtest.wrk(size, port, "/", "vote.lua", extra)
                    continue
                served = loadtest.warm(port, pages[name])  # "hit" from the page cache
                loadtest.say(
                    f"{size.database}: {name}: GET {pages[name]} ({served}), {size.duration} s"
                )
                result = loadtest.wrk(size, port, pages[name], "get.lua", [])
                result["name"], result["path"], result["served"] = name, pages[name], served
                results[_label(name)] = result
        finally:
            loadtest.stop(server)
    return results


def explain(runs: int) -> None:
    """In a process of its own (Django set up on the size's database): EXPLAIN (ANALYZE,
    BUFFERS) of explain_lists' queries, one JSON line {name: [median ms, buffers]}."""
    import django

    django.setup()
    from django.db import connection

    from bench.explain_lists import _queries

    out: dict[str, tuple[float, int]] = {}
    with connection.cursor() as cursor:
        for name, build in _queries():
            if name.startswith("before:") and name != UNINDEXED:
                continue
            try:
                sql, params = build()
            except IndexError:  # page 500 of a list shorter than 10,000 ideas
                continue
            if name == UNINDEXED:
                sql = f"SELECT count(*) FROM ({sql}) AS listed"  # noqa: S608 - Django's own SQL
            elif "count (capped" in name:
                sql = f"SELECT count(*) FROM ({sql}) AS matching"  # noqa: S608 - Django's own SQL
            times, buffers = [], 0
            for n in range(runs + 1):  # the first warms the cache and is left out
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                (report,) = cursor.fetchone()
                report = report[0] if isinstance(report, list) else json.loads(report)[0]
                if n:
                    times.append(report["Execution Time"])
                    plan = report["Plan"]
                    buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
            out[name] = (statistics.median(times), buffers)
    print("EXPLAIN " + json.dumps(out))


def measure_queries(env: dict[str, str], runs: int) -> dict[str, tuple[float, int]]:
    done = loadtest.run(
        [PY, "-m", "bench.growth", "--explain-only", str(runs)], env, capture_output=True
    )
    for line in done.stdout.splitlines():
        if line.startswith("EXPLAIN "):
            return {k: (v[0], v[1]) for k, v in json.loads(line[len("EXPLAIN ") :]).items()}
    raise SystemExit(f"no EXPLAIN output:\n{done.stdout}\n{done.stderr}")


def _cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return "—"
    served = result["requests"] - result["errors"]
    if not served:
        return "**0 served**"
    errors = f", {result['errors']:,} errors" if result["errors"] else ""
    if result.get("served") == "hit":
        errors += " (page cache)"
    return (
        f"{result['rps']:,.1f} · {loadtest.ms(result['p50_us'])} · "
        f"{loadtest.ms(result['p95_us'])}{errors}"
    )


def report(
    sizes: list[argparse.Namespace],
    pages: dict[str, dict[str, Any]],
    queries: dict[str, dict[str, tuple[float, int]]],
    notes: list[str],
) -> str:
    names = [f"{s.ideas:,} ideas" for s in sizes]
    lines = [
        "| page (req/s · p50 · p95) | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    labels: list[str] = []
    for per_page in pages.values():
        labels += [label for label in per_page if label not in labels]
    for label in labels:
        cells = [_cell(pages[s.database].get(label)) for s in sizes]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if queries:
        lines += [
            "",
            "| query: execution ms (buffers) | " + " | ".join(names) + " |",
            "|---|" + "---:|" * len(sizes),
        ]
        query_names: list[str] = []
        for per_size in queries.values():
            query_names += [name for name in per_size if name not in query_names]
        for name in query_names:
            cells = []
            for s in sizes:
                found = queries[s.database].get(name)
                cells.append(f"{found[0]:,.2f} ({found[1]:,})" if found else "—")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", *notes]) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--explain-only"]:
        explain(int(argv[1]))
        return 0
    args = parse_args(argv)
    loadtest.ensure_wrk()
    port = args.port or loadtest.free_port()
    sizes = [_size_args(args, size) for size in args.sizes]
    for size, database in zip(sizes, args.databases, strict=False):
        size.database = database
    pages: dict[str, dict[str, Any]] = {}
    queries: dict[str, dict[str, tuple[float, int]]] = {}
    cache = "on" if args.page_cache else "off (PAGE_CACHE_SECONDS=0)"
    notes = [
        f"Growth run, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; gunicorn 4 × 4, wrk 50 connections, "
        f"{args.duration} s per page; anonymous page cache {cache}."
    ]
    for size in sizes:
        env = loadtest.environment(size, port)
        loadtest.ensure_database(size, env)  # static files: collected by loadtest.prepare
        started, load_before = time.monotonic(), _loadavg()
        pages[size.database] = measure_pages(size, env, port)
        if not args.no_explain:
            loadtest.say(f"{size.database}: EXPLAIN ANALYZE, {args.runs} runs per query")
            queries[size.database] = measure_queries(env, args.runs)
        busiest = next(
            (r["name"] for r in pages[size.database].values() if "comments" in r.get("name", "")),
            "",
        )
        notes.append(
            f"- {size.ideas:,} ideas, {size.votes:,} votes, {size.comments:,} comments "
            f"(`{size.database}`): {time.monotonic() - started:.0f} s, load average "
            f"{load_before} before, {_loadavg()} after; {busiest}."
        )
    text = report(sizes, pages, queries, notes)
    print("\n" + text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    (args.output.with_suffix(".json")).write_text(json.dumps({"pages": pages, "queries": queries}))
    loadtest.say(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.loadtest_settings")
    sys.exit(main())
