"""CSV input/output and the command-line shape shared by the analysers (themes, sentiment,
personal data).

Every CLI reads one text column (and optionally an id column) from a UTF-8 CSV file and writes
one output row per input row. The input is read as a stream, line by line, and refused past
`--max-rows` rows; NUL bytes are removed with a warning; long runs print progress lines on
stderr; the output appears only once complete (written beside it, then renamed). Bad input is a
`CliError` (one line on stderr, exit code 2).
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

EXIT_USAGE = 2
# 200,000 rows is about a 50 MB export. Every text is held in memory and the clustering of
# 100,000 raw texts already took 381 s on two cores (ideas/clustering/sampling.py), so a larger
# file is refused unless asked for explicitly.
DEFAULT_MAX_ROWS = 200_000
# Runs shorter than this print no progress at all; longer ones a line at most this often.
DEFAULT_PROGRESS_SECONDS = 5.0
# Rows read between two looks at the clock while reading.
_READ_REPORT_ROWS = 1_000


class CliError(Exception):
    """A user-facing problem: printed on stderr without a traceback, exit code 2."""


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Progress lines on stderr for long runs, e.g.
    `progress: embedding texts: 4,096 of 15,000 (27%) · 1 min 15 s elapsed, about 3 min 20 s left`.

    Nothing is printed during the first `every` seconds (a short run stays quiet); after that a
    line when a stage starts and at most one every `every` seconds within a stage. `every=0`
    prints every update. The time left is the stage's own rate applied to what remains.
    Callable as `progress(stage, done, total)`, the engines' callback shape (total 0: a stage
    without a count).
    """

    def __init__(self, every: float = DEFAULT_PROGRESS_SECONDS, stream: TextIO | None = None):
        self.every = every
        self.stream = stream if stream is not None else sys.stderr
        self.started = self._last = self._stage_started = time.monotonic()
        self._stage = ""

    def __call__(self, stage: str, done: int = 0, total: int = 0, detail: str = "") -> None:
        now = time.monotonic()
        new_stage = stage != self._stage
        if new_stage:
            self._stage, self._stage_started = stage, now
        if now - self.started < self.every:
            return
        if not new_stage and now - self._last < self.every:
            return
        self._last = now
        line = f"progress: {stage}"
        if detail:
            line += f": {detail}"
        elif total:
            line += f": {done:,} of {total:,} ({100 * done // total}%)"
        line += f" · {_duration(now - self.started)} elapsed"
        if total and 0 < done < total:
            left = (now - self._stage_started) / done * (total - done)
            line += f", about {_duration(left)} left"
        print(line, file=self.stream, flush=True)


class _Lines:
    """The lines of a binary file decoded as UTF-8 one by one, so that a bad byte is reported
    with its line number, and counting the bytes read for the progress lines."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        self._handle = handle
        self._path = path
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for number, raw in enumerate(self._handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.start + 4]
                raise CliError(
                    f"{self._path} is not valid UTF-8: line {number}, byte {exc.start + 1} of "
                    f"the line ({bad!r}); re-save the file as UTF-8"
                ) from exc
            self.bytes_read += len(raw)
            # A "\n" byte never occurs inside a multi-byte UTF-8 sequence, so splitting the
            # bytes at "\n" and decoding each piece is exact; the csv module joins the lines of
            # a quoted field that spans several.
            yield line.removeprefix("\ufeff") if number == 1 else line


def read_text_rows(
    path: Path,
    text_column: str,
    id_column: str | None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    progress: Progress | None = None,
) -> tuple[list[str], list[str]]:
    """Return (texts, ids) in file order; ids are 0-based row numbers without `id_column`.

    More than `max_rows` data rows is a `CliError`, raised as soon as row max_rows + 1 is read.
    NUL bytes are removed from every field, with one warning on stderr saying how many rows
    had some.
    """
    if not path.is_file():
        raise CliError(f"input file not found: {path}")
    # Texts can be long; the csv module's default 128 KB field limit is too small for pastes.
    csv.field_size_limit(16 * 1024 * 1024)
    size = path.stat().st_size
    texts: list[str] = []
    ids: list[str] = []
    nul_rows = 0
    first_nul_line = 0
    try:
        with path.open("rb") as handle:
            lines = _Lines(handle, path)
            reader = csv.reader(lines)
            header = next(reader, None)
            if not header:
                raise CliError(f"input file is empty: {path}")
            if any("\x00" in name for name in header):
                header = [name.replace("\x00", "") for name in header]
                nul_rows, first_nul_line = 1, 1
            text_index, id_index = _column_indexes(path, header, text_column, id_column)
            for row in reader:
                if not row:  # a blank line, skipped as csv.DictReader does
                    continue
                if len(texts) == max_rows:
                    raise CliError(
                        f"{path} has more than {max_rows:,} rows, the --max-rows limit; nothing "
                        "was written. Split the file, or pass a higher --max-rows if this "
                        "machine has the time and memory for it"
                    )
                if any("\x00" in field for field in row):
                    row = [field.replace("\x00", "") for field in row]
                    nul_rows += 1
                    first_nul_line = first_nul_line or reader.line_num
                texts.append(row[text_index] if text_index < len(row) else "")
                if id_index is None:
                    ids.append(str(len(ids)))
                else:
                    ids.append(row[id_index] if id_index < len(row) else "")
                if progress is not None and len(texts) % _READ_REPORT_ROWS == 0:
                    _report_reading(progress, path, len(texts), lines.bytes_read, size)
            if progress is not None:
                _report_reading(progress, path, len(texts), lines.bytes_read, size)
    except csv.Error as exc:
        raise CliError(f"{path} is not a readable CSV file: line {reader.line_num}: {exc}") from exc
    if not texts:
        raise CliError(f"input file has a header but no rows: {path}")
    if nul_rows:
        print(
            f"warning: removed NUL bytes from {nul_rows:,} row{'s' if nul_rows > 1 else ''} of "
            f"{path} (first at line {first_nul_line}); the rest of each row was kept",
            file=sys.stderr,
        )
    return texts, ids


def _report_reading(progress: Progress, path: Path, rows: int, done: int, size: int) -> None:
    detail = f"{rows:,} rows, {done / 1e6:.1f} of {size / 1e6:.1f} MB"
    progress(f"reading {path.name}", done, size, detail=detail)


def _column_indexes(
    path: Path, header: list[str], text_column: str, id_column: str | None
) -> tuple[int, int | None]:
    for needed in filter(None, (text_column, id_column)):
        if needed not in header:
            raise CliError(
                f"column {needed!r} not found in {path}; available columns: "
                + ", ".join(repr(c) for c in header)
            )
    return header.index(text_column), (header.index(id_column) if id_column else None)


def _positive_int(value: str) -> int:
    try:
        number = int(value.replace(",", "").replace("_", ""))
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {value!r}")
    return number


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"expected a number of seconds, 0 or more, got {value!r}")
    return seconds


def add_csv_arguments(parser: argparse.ArgumentParser, *, output_columns: str) -> None:
    """The options every Ruche analyser CLI shares: which file, which columns, where to write,
    how many rows at most, how often to report progress."""
    parser.add_argument("--input", required=True, help="UTF-8 CSV file with a header row")
    parser.add_argument("--text-column", required=True)
    parser.add_argument("--id-column", default=None, help="default: 0-based row number")
    parser.add_argument("--output", required=True, help=f"CSV written with {output_columns}")
    parser.add_argument(
        "--max-rows",
        type=_positive_int,
        default=DEFAULT_MAX_ROWS,
        help=f"refuse an input with more data rows than this (default: {DEFAULT_MAX_ROWS:,})",
    )
    parser.add_argument(
        "--progress-every",
        type=_seconds,
        default=DEFAULT_PROGRESS_SECONDS,
        metavar="SECONDS",
        help="progress lines on stderr once a run lasts this long, then at most this often "
        f"(default: {DEFAULT_PROGRESS_SECONDS:g}; 0: every step)",
    )


def read_input(args: argparse.Namespace, progress: Progress) -> tuple[list[str], list[str]]:
    """`read_text_rows` with the shared options of `add_csv_arguments`."""
    return read_text_rows(
        Path(args.input),
        args.text_column,
        args.id_column,
        max_rows=args.max_rows,
        progress=progress,
    )


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a header and rows as UTF-8 CSV, all or nothing: into a temporary file beside `path`,
    renamed over it once complete. An unwritable path is a `CliError`."""
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed below, renamed or removed)
            "w",
            encoding="utf-8",
            newline="",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".part",
            delete=False,
        )
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from exc
    partial = Path(handle.name)
    try:
        with handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        partial.chmod(0o666 & ~umask)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CliError(f"cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


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
