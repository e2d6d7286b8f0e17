"""Command line: `python -m ideas.sentiment score --input ideas.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ideas.clustering.csvio import (
    CliError,
    Progress,
    analyser_parser,
    read_input,
    run_analyser,
    write_rows,
)

# Texts scored between two progress reports: about 6 s with e5 on two cores. Each text is
# scored on its own, so scoring in chunks gives the same results.
SCORE_CHUNK = 512


def _score_command(args: argparse.Namespace) -> int:
    from ideas.sentiment.engine import Sentiment, score_texts  # lazy: keeps --help fast

    started = time.perf_counter()
    progress = Progress(args.progress_every)
    texts, ids = read_input(args, progress)
    results: list[Sentiment] = []
    for start in range(0, len(texts), SCORE_CHUNK):
        try:
            results += score_texts(texts[start : start + SCORE_CHUNK], backend=args.backend)
        except RuntimeError as exc:  # --backend e5 asked explicitly but not installed
            raise CliError(str(exc)) from exc
        progress("scoring texts", len(results), len(texts))
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
