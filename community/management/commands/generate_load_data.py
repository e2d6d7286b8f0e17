import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from community.load.data import Sizes, analyse, counter_mismatches, generate_load_data

PRODUCTION_FLAG = "--i-know-this-is-not-production"


def _count(text: str) -> int:
    """A count as typed: 100000, 100_000 or 100k / 1m."""
    value = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    try:
        number = int(value[:-1] if scale > 1 else value) * scale
    except ValueError:
        raise CommandError(f"{text!r} is not a count (e.g. 100000 or 100k).") from None
    if number < 0:
        raise CommandError(f"{text!r}: counts cannot be negative.")
    return number


class Command(BaseCommand):
    help = (
        "Insert fake members, ideas, votes and comments in bulk for load tests, with every "
        "denormalised count exact. Adds to what is there. Refuses to run with DEBUG off unless "
        f"{PRODUCTION_FLAG} is given: never point it at a real portal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ideas", type=_count, required=True)
        parser.add_argument("--votes", type=_count, required=True)
        parser.add_argument("--comments", type=_count, required=True)
        parser.add_argument("--members", type=_count, help="default: one per 20 ideas, at least 50")
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument(
            PRODUCTION_FLAG,
            action="store_true",
            dest="not_production",
            help="run even though DEBUG is off (a load-test database with production settings)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="afterwards, compare every idea's counts to its rows",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "DEBUG is off, so this may be a real portal: generate_load_data writes thousands "
                f"of fake members and ideas. Use a load-test database and add {PRODUCTION_FLAG}."
            )
        sizes = Sizes(
            ideas=options["ideas"],
            votes=options["votes"],
            comments=options["comments"],
            members=options["members"] or max(50, options["ideas"] // 20),
            seed=options["seed"],
        )
        if sizes.members < 1 or (sizes.comments and not sizes.ideas):
            raise CommandError("Comments need ideas, and there must be at least one member.")
        started = time.monotonic()
        try:
            counts = generate_load_data(sizes=sizes, progress=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from None
        analyse()
        summary = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Loaded in {time.monotonic() - started:.1f} s: {summary}.")
        )
        if options["check"]:
            wrong = counter_mismatches()
            for row in wrong[:20]:
                self.stdout.write(
                    "idea {}: vote_count {}, votes {}, comment_count {}, comments {}".format(*row)
                )
            if wrong:
                raise CommandError(f"{len(wrong)} ideas have counts that differ from their rows.")
            self.stdout.write(
                "Counts checked: every idea's vote and comment counts match its rows."
            )
