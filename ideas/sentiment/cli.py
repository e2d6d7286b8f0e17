"""Command line: `python -m ideas.sentiment score --input ideas.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ideas.clustering.csvio import (
    CliError,
    add_csv_arguments,
    read_text_rows,
    run_cli,
    write_rows,
)


def _score_command(args: argparse.Namespace) -> int:
    from ideas.sentiment.engine import score_texts  # lazy: keeps --help fast

    started = time.perf_counter()
    texts, ids = read_text_rows(Path(args.input), args.text_column, args.id_column)
    try:
        results = score_texts(texts, backend=args.backend)
    except RuntimeError as exc:  # --backend e5 asked explicitly but not installed
        raise CliError(str(exc)) from exc
    output = Path(args.output)
    write_rows(
        output,
        ["id", "sentiment", "score", "complaint"],
        (
            [row_id, r.label, f"{r.score:.4f}", int(r.complaint)]
            for row_id, r in zip(ids, results, strict=True)
        ),
    )
    elapsed = time.perf_counter() - started
    counts = Counter(r.label for r in results)
    n = len(results)
    complaints = sum(r.complaint for r in results)
    print(
        f"rows: {n}  negative: {counts['negative']}  neutral: {counts['neutral']}  "
        f"positive: {counts['positive']}  complaints: {complaints} ({100 * complaints / n:.1f}%)  "
        f"time: {elapsed:.1f}s  output: {output}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ideas.sentiment", description="Score sentiment and complaints, on premises."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score the texts of a CSV file")
    add_csv_arguments(score, output_columns="id,sentiment,score,complaint")
    score.add_argument("--backend", choices=["auto", "e5", "lexicon"], default="auto")
    score.set_defaults(handler=_score_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    return run_cli(lambda: args.handler(args))
