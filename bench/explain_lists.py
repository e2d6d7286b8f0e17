"""PostgreSQL plans and timings of the list, search, count and leaderboard queries, as the site
runs them today and as it ran them before the listing work (issue #12), on whatever database
DATABASE_URL names (docs/search.md shows the output at 100,000 ideas).

    DATABASE_URL=postgres://... DJANGO_ENV=local python -m bench.explain_lists [--plans] [--runs 5]

Each query runs `--runs` times (after one warm-up) and prints its median time; `--plans` also
prints EXPLAIN (ANALYZE, BUFFERS) of each. Read-only: it changes nothing in the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def _sql_of(queryset: Any) -> tuple[str, tuple[Any, ...]]:
    from django.db import connection

    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    return sql, tuple(params)


def _queries() -> list[tuple[str, Callable[[], tuple[str, tuple[Any, ...]]]]]:
    from datetime import datetime

    from django.db.models import Count, Q
    from django.utils import timezone

    from community.models import PointsEntry
    from ideas import selectors
    from ideas.models import Category, Idea, Status
    from ideas.pagination import RowCompare

    now = timezone.now()
    month_start = timezone.make_aware(datetime(now.year, now.month, 1))
    category = Category.objects.order_by("pk").first()

    def listed(sort: str, **filters: Any) -> Any:
        ideas = selectors.idea_list(sort=sort, **filters)
        return ideas

    def page(sort: str, **filters: Any) -> tuple[str, tuple[Any, ...]]:
        keys = selectors.list_ordering(sort, query=filters.get("query", ""))
        if filters.get("query"):  # as the list view asks: counted first (ideas.views.idea_list)
            count = selectors.idea_search_count(query=filters["query"])
            filters["many_matches"] = count > selectors.SEARCH_COUNT_LIMIT
        return _sql_of(listed(sort, **filters)[:21]) if keys else ("", ())

    def deep(sort: str) -> tuple[str, tuple[Any, ...]]:
        """Page 500 (the 10,000th idea on), as the keyset cursor asks for it."""
        keys = selectors.list_ordering(sort)
        row = listed(sort)[10_000]
        values = [row.pk if k == "id" else getattr(row, k) for k in keys]
        return _sql_of(listed(sort).filter(RowCompare(keys, "<", values))[:21])

    def categories() -> tuple[str, tuple[Any, ...]]:
        return _sql_of(selectors.categories_with_counts())

    def leaderboard() -> tuple[str, tuple[Any, ...]]:
        from community.recognition.services import monthly_leaderboard

        return _sql_of(monthly_leaderboard(year=now.year, month=now.month))

    def ledger_sum() -> tuple[str, tuple[Any, ...]]:
        """What the leaderboard ran before the stored monthly totals: the month's ledger summed
        by member, over a date range of the indexed created_at."""
        from datetime import timedelta

        from community.recognition.services import _ranked

        end = (month_start + timedelta(days=32)).replace(day=1)
        month = PointsEntry.objects.filter(created_at__gte=month_start, created_at__lt=end)
        return _sql_of(_ranked(month)[:20])

    epoch = now.timestamp()
    old_trending = (
        "SELECT id, title, body, body_html, vote_count, comment_count, "
        "((vote_count + 2 * comment_count + 1)::double precision / power(greatest((%s - "
        "EXTRACT(EPOCH FROM created_at)) / 3600.0, 0.0) + 2.0, 1.5)) AS trending_score "
        "FROM ideas_idea WHERE hidden_at IS NULL AND pending_at IS NULL AND merged_into_id IS NULL "
        "ORDER BY trending_score DESC, id DESC LIMIT 20 OFFSET %s"
    )
    public = Q(hidden_at__isnull=True, pending_at__isnull=True, merged_into__isnull=True)
    return [
        ("trending, first page", lambda: page("trending")),
        ("trending, page 500", lambda: deep("trending")),
        ("top, first page", lambda: page("top")),
        ("top, page 500", lambda: deep("top")),
        ("new, first page", lambda: page("new")),
        ("new, page 500", lambda: deep("new")),
        (
            "category + status, trending",
            lambda: page("trending", category=category, status=Status.PLANNED),
        ),
        ("search 'carte' (relevance)", lambda: page("relevance", query="carte")),
        ("search 'mobile app' (relevance)", lambda: page("relevance", query="mobile app")),
        (
            "search 'carte', count (capped at 1,001)",
            lambda: _sql_of(selectors.idea_list(sort="new", query="carte").order_by()[:1001]),
        ),
        ("categories with counts (tallies)", categories),
        ("monthly leaderboard (stored totals)", leaderboard),
        ("leaderboard as the month's ledger summed (replaced)", ledger_sum),
        ("before: trending computed per row", lambda: (old_trending, (epoch, 0))),
        ("before: trending page 500 (OFFSET)", lambda: (old_trending, (epoch, 10_000))),
        (
            "before: search icontains 'carte'",
            lambda: _sql_of(
                Idea.objects.filter(public)
                .filter(Q(title__icontains="carte") | Q(body__icontains="carte"))
                .order_by("-vote_count", "-created_at")[:20]
            ),
        ),
        ("before: COUNT(*) of the list", lambda: _sql_of(Idea.objects.filter(public).values("pk"))),
        (
            "before: categories with Count()",
            lambda: _sql_of(Category.objects.annotate(idea_count=Count("ideas"))),
        ),
        (
            "before: leaderboard created_at__month",
            lambda: _sql_of(
                PointsEntry.objects.filter(
                    created_at__year=month_start.year, created_at__month=month_start.month
                )
                .values("user")
                .annotate(total=Count("pk"))
                .order_by("-total")[:20]
            ),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE of each")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="only queries whose name contains this")
    args = parser.parse_args(argv)
    _setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench.explain_lists needs PostgreSQL (set DATABASE_URL)", file=sys.stderr)
        return 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ideas_idea")
        (ideas,) = cursor.fetchone()
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        print(f"{ideas:,} ideas; PostgreSQL {version}")
        print("| query | median ms |\n| --- | ---: |")
        for name, build in _queries():
            if args.only and args.only not in name:
                continue
            sql, params = build()
            if "COUNT(*) of the list" in name:
                sql = f"SELECT count(*) FROM ({sql}) AS listed"  # noqa: S608 - Django's own SQL
            elif "count (capped" in name:
                sql = f"SELECT count(*) FROM ({sql}) AS matching"  # noqa: S608 - Django's own SQL
            cursor.execute(sql, params)  # warm-up
            cursor.fetchall()
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
            print(f"| {name} | {statistics.median(times):,.1f} |")
            if args.plans:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"\n```\n-- {name}\n{plan}\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
