"""Measure the outside-feedback import (ideas.outside.services.signals_import) on a generated
CSV file: time, rows per second and the process's peak memory, for two file sizes, each in a
fresh process, so that bounded memory shows as a peak that does not grow with the file.

    DJANGO_ENV=local DATABASE_URL=postgres://... python -m bench.signals_import_bench \
        [--rows 100000 10000]

Writes the files under var/bench/ (generated from a few made-up templates, some with a phone
number or an IBAN to mask, one row in 50 a duplicate), imports each as a throw-away product
manager, prints a Markdown table, then deletes the rows it wrote.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
TEMPLATES = [
    "Impossible de bloquer ma carte depuis l'appli, ticket {n}",
    "Card declined abroad again (case {n}), call me back on 06 12 34 56 {d:02d}",
    "Frais de virement instantané trop élevés, dossier {n}",
    "Dark mode please, the app is too bright at night #{n}",
    "Le chat ferme à 18h, j'ai attendu le lendemain pour {n} euros",
    "Refund to IBAN FR76 3000 6000 0112 3456 7890 189 please, order {n}",
    "Notifications arrive hours late, payment {n} showed up the next day",
    "Ouvrez les agences le samedi matin, réclamation {n}",
]


def generate(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    start = datetime(2026, 9, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "channel", "created", "handle", "message", "link"])
        for n in range(rows):
            m = n - 1 if n % 50 == 49 else n  # one row in 50 repeats the previous post
            text = TEMPLATES[m % len(TEMPLATES)].format(n=m, d=m % 100)
            when = start + timedelta(minutes=rng.randrange(90 * 24 * 60))
            link = f"https://social.example/p/{m}" if m % 3 else ""
            writer.writerow(
                [
                    n,
                    rng.choice(["X", "Desk", "Survey"]),
                    when.strftime("%d/%m/%Y %H:%M"),
                    f"@user{m % 5000}",
                    text,
                    link,
                ]
            )


def measure(path: Path) -> dict[str, object]:
    """In this process (a fresh one per file): Django up, then the import."""
    import django

    # Before importing config: its package loads the Celery app, which defaults to production.
    os.environ.setdefault("DJANGO_ENV", "local")
    from config.env import use_settings_from_environment

    use_settings_from_environment(default="local")
    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no log of every query (40 MB of INSERTs here)
    from accounts import roles
    from accounts.models import User
    from ideas.models import Signal, SignalImport
    from ideas.outside.reading import ColumnMapping
    from ideas.outside.services import signals_import

    person, _ = User.objects.get_or_create(
        email="bench-signals@example.com", defaults={"display_name": "Bench"}
    )
    person.groups.add(roles.Group.objects.get(name=roles.PRODUCT_MANAGER))
    person = User.objects.get(pk=person.pk)  # permissions cache
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with path.open("rb") as handle:
        batch = signals_import(
            actor=person,
            chunks=handle,
            file_name=path.name,
            mapping=ColumnMapping(
                text="message", date="created", source="channel", author="handle", url="link"
            ),
            via=SignalImport.Via.COMMAND,
            size=path.stat().st_size,
        )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "rows": batch.rows_read,
        "imported": batch.imported,
        "duplicates": batch.duplicates,
        "rejected": batch.rejected,
        "state": batch.state,
        "seconds": elapsed,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
        "file_mb": path.stat().st_size / 1_000_000,
    }
    Signal.objects.filter(batch=batch).delete()
    SignalImport.objects.filter(pk=batch.pk).delete()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    print(
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f} · "
        f"{datetime.now().isoformat(timespec='minutes')}"
    )
    print("| rows | file | imported | duplicates | time | rows/s | RSS before | RSS peak |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for rows in args.rows:
        path = OUT / f"signals-{rows}.csv"
        if not path.exists():
            generate(path, rows)
        child = subprocess.run(
            [sys.executable, "-m", "bench.signals_import_bench", "--one", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"| {r['rows']:,} | {r['file_mb']:.1f} MB | {r['imported']:,} | "
            f"{r['duplicates']:,} | {r['seconds']:.1f} s | {r['rows'] / r['seconds']:,.0f} | "
            f"{r['rss_before_mb']:.0f} MB | {r['rss_peak_mb']:.0f} MB |"
        )
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
