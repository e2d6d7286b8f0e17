"""Command line: `python -m ideas.pii mask --input export.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ideas.clustering.csvio import add_csv_arguments, read_text_rows, run_cli, write_rows
from ideas.pii.detect import KINDS
from ideas.pii.mask import LANGUAGES, mask_pii


def _mask_command(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    texts, ids = read_text_rows(Path(args.input), args.text_column, args.id_column)
    results = [mask_pii(text, language=args.language) for text in texts]
    output = Path(args.output)
    write_rows(
        output,
        ["id", "masked", "kinds"],
        ([row_id, r.masked, ";".join(r.kinds)] for row_id, r in zip(ids, results, strict=True)),
    )
    elapsed = time.perf_counter() - started
    # Counts only: the summary must never echo the data it masked.
    rows_with = Counter(kind for r in results for kind in r.kinds)
    flagged = sum(1 for r in results if r.kinds)
    per_kind = "  ".join(f"{kind}: {rows_with[kind]}" for kind in KINDS)
    print(
        f"rows: {len(results)}  masked: {flagged}  rows with {per_kind}  "
        f"time: {elapsed:.1f}s  output: {output}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ideas.pii",
        description="Mask card numbers, IBANs, accounts, phones, e-mails and addresses.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    mask = sub.add_parser("mask", help="mask the texts of a CSV file")
    add_csv_arguments(mask, output_columns="id,masked,kinds")
    mask.add_argument(
        "--language", choices=LANGUAGES, default="fr", help="language of the placeholders"
    )
    mask.set_defaults(handler=_mask_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    return run_cli(lambda: args.handler(args))
