"""`manage.py import_signals FILE --text COL --date COL [--source COL | --source-name NAME] ...`:
the form's import from a shell, with the same service, rules and report (docs/signals.md)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from ideas.models import SignalImport
from ideas.outside.reading import ENCODINGS, ColumnMapping
from ideas.outside.services import signals_import


class Command(BaseCommand):
    help = "Import a CSV export of outside feedback as signals (all or nothing, with a report)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="actor", required=True, help="a product manager's email")
        parser.add_argument("--text", required=True, help="the column holding the text")
        parser.add_argument("--date", required=True, help="the column holding the date")
        parser.add_argument("--source", default="", help="the column naming the source")
        parser.add_argument("--source-name", default="", help="the source, for rows without")
        parser.add_argument("--author", default="", help="the column of the author's handle")
        parser.add_argument("--url", default="", help="the column of the post's address")
        parser.add_argument("--encoding", default="utf-8", choices=sorted(ENCODINGS))
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="import the valid rows even if some are rejected (default: all or nothing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active account {options['actor']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {str(path)!r}.")
        if not options["source"] and not options["source_name"].strip():
            raise CommandError("Give --source (a column) or --source-name (the source's name).")
        mapping = ColumnMapping(
            text=options["text"],
            date=options["date"],
            source=options["source"],
            author=options["author"],
            url=options["url"],
            source_name=options["source_name"].strip(),
        )
        try:
            with path.open("rb") as file:
                batch = signals_import(
                    actor=actor,
                    chunks=file,
                    file_name=path.name,
                    mapping=mapping,
                    encoding=options["encoding"],
                    skip_rejected=options["skip_rejected"],
                    via=SignalImport.Via.COMMAND,
                    size=path.stat().st_size,
                )
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._report(batch)
        if batch.state != SignalImport.State.IMPORTED:
            raise CommandError(f"Nothing was imported: {batch.error}")

    def _report(self, batch: SignalImport) -> None:
        self.stdout.write(
            f"Import {batch.pk} of {batch.file_name}: {batch.rows_read} rows read, "
            f"{batch.imported} imported, {batch.duplicates} duplicates skipped, "
            f"{batch.rejected} rejected, {batch.duration_seconds or 0:.1f} s."
        )
        for item in batch.rejected_rows:
            self.stdout.write(f"  row {item['row']}: {item['reason']}")
        if batch.rejected > len(batch.rejected_rows):
            self.stdout.write(f"  (the first {len(batch.rejected_rows)} rejected rows listed)")
        for item in batch.warnings:
            self.stdout.write(f"  line {item['line']}: {item['warning']}")
