"""Command line: `python -m ideas.sentiment score --input ideas.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ideas.clustering.csvio import (
    CliError,
    analyser_parser,
    read_text_rows,
    run_analyser,
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
    parser, score = analyser_parser(
        prog="python -m ideas.sentiment",
        description="Score sentiment and complaints, on premises.",
        command="score",
        command_help="score the texts of a CSV file",
        output_columns="id,sentiment,score,complaint",
        handler=_score_command,
    )
    score.add_argument("--backend", choices=["auto", "e5", "lexicon"], default="auto")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_analyser(build_parser(), argv)
