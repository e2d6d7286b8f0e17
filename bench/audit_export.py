"""What an audit log export costs the worker as the log grows (accounts.audit_exports).

    python -m bench.audit_export [--entries 100000 1000000] [--database ruche_audit]
        [--postgres postgres://postgres@127.0.0.1:5432]

Its own database (created and migrated when missing) is filled with `--entries` audit entries
of realistic length by one INSERT ... generate_series, then one export of the whole log is
written by the worker's own function, in a process of its own per size: entries written, file
size, wall-clock and CPU seconds, and the process's peak memory. A web request is stopped after
60 s (config/gunicorn.py), which is why the export is the worker's.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

from bench.loadtest import PY, ROOT, production_environment, say

SUMMARY = "Status of idea {n} changed from « new » to « under review »: duplicates a planned idea"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database", default="ruche_audit")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def fill(entries: int) -> None:
    """Make the log hold exactly `entries` entries by 20 staff members (in this process)."""
    from django.db import connection

    from accounts.audit import AuditEntry
    from accounts.models import User

    staff = [
        User.objects.get_or_create(
            email=f"staff{n}@bench.example",
            defaults={"display_name": f"Staff {n}", "is_superuser": True, "is_staff": True},
        )[0].pk
        for n in range(20)
    ]
    AuditEntry.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO community_auditentry
                   (action, target_type, target_id, summary, before, after, created_at, actor_id)
               SELECT 'status_change', 'idea', g, replace(%s, '{n}', g::text),
                      '{"status": "new"}', '{"status": "under_review", "note_length": 57}',
                      now() - g * interval '30 seconds', (%s::bigint[])[1 + g %% 20]
               FROM generate_series(1, %s) AS g""",
            [SUMMARY, staff, entries],
        )


def inner(entries: int) -> None:
    import django

    django.setup()
    from accounts import audit_exports
    from accounts.models import User

    fill(entries)
    admin = User.objects.filter(email="staff0@bench.example").first()
    assert admin is not None
    export = audit_exports.audit_export_request(actor=admin)
    wall, cpu = time.perf_counter(), time.process_time()
    done = audit_exports.audit_export_run(export_id=export.pk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert done is not None
    audit_exports.audit_export_path(done).unlink()
    result = {
        "entries": done.rows,
        "bytes": done.size_bytes,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    print("RESULT " + json.dumps(result))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.inner:
        inner(args.inner)
        return 0
    import psycopg

    env = production_environment(postgres=args.postgres, database=args.database, redis=args.redis)
    env["SITE_URL"] = "http://127.0.0.1"
    env["AUDIT_EXPORT_DIR"] = str(ROOT / "var" / "bench-audit-exports")
    with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{args.database}"')
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    print(
        "| entries in the log | entries written | file | wall s | CPU s | µs CPU an entry "
        "| peak memory |"
    )
    print("|---|---|---|---|---|---|---|")
    for entries in args.entries:
        say(f"{entries:,} entries")
        done = subprocess.run(
            [PY, "-m", "bench.audit_export", "--inner", str(entries)],
            env=env, cwd=ROOT, check=True, text=True, capture_output=True,
        )  # fmt: skip
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        r = json.loads(line.removeprefix("RESULT "))
        print(
            f"| {entries:,} | {r['entries']:,} | {r['bytes'] / 1e6:.0f} MB | {r['wall_s']} | "
            f"{r['cpu_s']} | {r['cpu_s'] / r['entries'] * 1e6:.0f} | {r['peak_rss_mb']} MB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
