"""CSV input/output and the command-line shape shared by the analysers (themes, sentiment,
personal data).

Every CLI reads one text column (and optionally an id column) from a UTF-8 CSV file and write
one output row per input row; bad input is a `CliError` (one line on stderr, exit code 2).
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing problem: printed on stderr without a traceback, exit code 2."""


def read_text_rows(
    path: Path, text_column: str, id_column: str | None
) -> tuple[list[str], list[str]]:
    """Return (texts, ids) in file order; ids are 0-based row numbers without `id_column`."""
    if not path.is_file():
        raise CliError(f"input file not found: {path}")
    # Texts can be long; the csv module's default 128 KB field limit is too small for pastes.
    csv.field_size_limit(16 * 1024 * 1024)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if not columns:
                raise CliError(f"input file is empty: {path}")
            for needed in filter(None, (text_column, id_column)):
                if needed not in columns:
                    raise CliError(
                        f"column {needed!r} not found in {path}; available columns: "
                        + ", ".join(repr(c) for c in columns)
                    )
            texts: list[str] = []
            ids: list[str] = []
            for row_number, row in enumerate(reader):
                texts.append(row.get(text_column) or "")
                ids.append(row.get(id_column) or "" if id_column else str(row_number))
    except UnicodeDecodeError as exc:
        raise CliError(
            f"{path} is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from exc
    except csv.Error as exc:
        raise CliError(f"{path} is not a readable CSV file: {exc}") from exc
    if not texts:
        raise CliError(f"input file has a header but no rows: {path}")
    return texts, ids


def add_csv_arguments(parser: argparse.ArgumentParser, *, output_columns: str) -> None:
    """The options every Ruche analyser CLI shares: which file, which columns, where to write."""
    parser.add_argument("--input", required=True, help="UTF-8 CSV file with a header row")
    parser.add_argument("--text-column", required=True)
    parser.add_argument("--id-column", default=None, help="default: 0-based row number")
    parser.add_argument("--output", required=True, help=f"CSV written with {output_columns}")


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a header and rows as UTF-8 CSV; an unwritable path is a `CliError`."""
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from exc


def run_cli(handler: Callable[[], int]) -> int:
    """Run a command; a `CliError` becomes `error: ...` on stderr and exit code 2."""
    try:
        return int(handler())
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def analyser_parser(
    *,
    prog: str,
    description: str,
    command: str,
    command_help: str,
    output_columns: str,
    handler: Callable[[argparse.Namespace], int],
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parser every analyser CLI has: one subcommand that reads a CSV file with the shared
    options and runs `handler`. Returns the parser and the subcommand, for its own options."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    command_parser = sub.add_parser(command, help=command_help)
    add_csv_arguments(command_parser, output_columns=output_columns)
    command_parser.set_defaults(handler=handler)
    return parser, command_parser


def run_analyser(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse the command line and run the chosen command: warnings only on stderr, and a
    `CliError` is one line on stderr with exit code 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = parser.parse_args(argv)
    return run_cli(lambda: args.handler(args))
