from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ideas.themes.runs import run_recluster


class Command(BaseCommand):
    help = "Run the theme clustering now, in this process, and publish the result."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_recluster(trigger="manual", seed=options["seed"])
        if run is None:
            raise CommandError("Another clustering run is under way; try again when it is done.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk} published: {run.idea_count} ideas, {run.theme_count} themes, "
                f"{run.themed_share:.0%} themed, {run.duration_seconds:.1f} s ({run.backend})."
            )
        )
