"""Command line: `python -m ideas.clustering cluster --input ideas.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing problem: printed on stderr without a traceback, exit code 2."""


def _read_rows(path: Path, text_column: str, id_column: str | None) -> tuple[list[str], list[str]]:
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


def _cluster_command(args: argparse.Namespace) -> int:
    from ideas.clustering.engine import build_themes  # lazy: keeps --help fast

    started = time.perf_counter()
    texts, ids = _read_rows(Path(args.input), args.text_column, args.id_column)
    try:
        model, _ = build_themes(texts, backend=args.backend, seed=args.seed)
    except RuntimeError as exc:  # e.g. --backend e5 asked explicitly but not installed
        raise CliError(str(exc)) from exc
    labels_by_theme = {t.id: t.label for t in model.themes}
    output = Path(args.output)
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "theme", "label"])
            for row_id, theme in zip(ids, model.labels.tolist(), strict=True):
                writer.writerow([row_id, theme, labels_by_theme.get(theme, "")])
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from exc
    elapsed = time.perf_counter() - started
    print(
        f"rows: {len(texts)}  themes: {model.n_themes}  "
        f"themed: {100 * model.themed_fraction:.1f}%  time: {elapsed:.1f}s  "
        f"backend: {model.backend}  output: {output}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ideas.clustering", description="Group ideas into themes, on premises."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    cluster = sub.add_parser("cluster", help="cluster the texts of a CSV file into themes")
    cluster.add_argument("--input", required=True, help="UTF-8 CSV file with a header row")
    cluster.add_argument("--text-column", required=True)
    cluster.add_argument("--id-column", default=None, help="default: 0-based row number")
    cluster.add_argument("--output", required=True, help="CSV written with id,theme,label")
    cluster.add_argument("--seed", type=int, default=0)
    cluster.add_argument("--backend", choices=["auto", "e5", "tfidf"], default="auto")
    cluster.set_defaults(handler=_cluster_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
