"""Write docs/processing-record.md (GDPR article 30) from the retention schedule."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from community.retention.record import processing_record_markdown

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "processing-record.md"


class Command(BaseCommand):
    help = (
        "Write the record of processing (docs/processing-record.md) from the retention schedule. "
        "--effective: with the periods in force (RETENTION_DAYS) instead of the defaults; "
        "--output -: print it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(DEFAULT_PATH), help="a file, or - to print")
        parser.add_argument("--effective", action="store_true", help="the periods in force")

    def handle(self, *args: Any, output: str, effective: bool, **options: Any) -> None:
        text = processing_record_markdown(effective=effective)
        if output == "-":
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output}")
