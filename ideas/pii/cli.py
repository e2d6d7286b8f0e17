"""Command line: `python -m ideas.pii mask --input export.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ideas.clustering.csvio import Progress, analyser_parser, read_input, run_analyser, write_rows
from ideas.pii.detect import KINDS
from ideas.pii.mask import LANGUAGES, MaskResult, mask_pii


def _mask_command(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    progress = Progress(args.progress_every)
    texts, ids = read_input(args, progress)
    results: list[MaskResult] = []
    for text in texts:
        results.append(mask_pii(text, language=args.language))
        progress("masking texts", len(results), len(texts))
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
    parser, mask = analyser_parser(
        prog="python -m ideas.pii",
        description="Mask card numbers, IBANs, accounts, phones, e-mails and addresses.",
        command="mask",
        command_help="mask the texts of a CSV file",
        output_columns="id,masked,kinds",
        handler=_mask_command,
    )
    mask.add_argument(
        "--language", choices=LANGUAGES, default="fr", help="language of the placeholders"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_analyser(build_parser(), argv)
