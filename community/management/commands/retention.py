"""Apply the retention schedule, or with --dry-run list what would go (counts per kind)."""

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.retention_schedule import SCHEDULE, retention_days
from community.retention.purge import retention_counts, retention_purge


class Command(BaseCommand):
    help = (
        "Remove what is past its retention period (the worker does it daily). --dry-run lists "
        "what would go, per kind, without removing anything; --as-of moves the clock for it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="with --dry-run: count what would be past its period on that day",
        )

    def handle(self, *args: Any, dry_run: bool, as_of: str | None, **options: Any) -> None:
        when = timezone.now()
        if as_of:
            if not dry_run:
                raise CommandError("--as-of only with --dry-run: a purge runs on today's date.")
            try:
                day = datetime.strptime(as_of, "%Y-%m-%d").date()
            except ValueError:
                raise CommandError(f"--as-of: {as_of!r} is not a date like 2030-01-31.") from None
            when = timezone.make_aware(datetime.combine(day, time.max))
        counts = retention_counts(as_of=when) if dry_run else retention_purge(as_of=when).counts
        verb = "would go" if dry_run else "removed"
        self.stdout.write(f"Retention as of {when:%Y-%m-%d %H:%M %Z}; rows that {verb}:")
        for rule in SCHEDULE:
            days = retention_days(rule.kind)
            if rule.kind in counts:
                count = counts[rule.kind]
                self.stdout.write(
                    f"  {rule.kind:<18} {count:>7}  ({rule.action} after {days} days)"
                )
            else:
                self.stdout.write(f"  {rule.kind:<18} {'-':>7}  (not purged by Ruche)")
        self.stdout.write(f"Total: {sum(counts.values())}" + (" (dry run)" if dry_run else ""))
