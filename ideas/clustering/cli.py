"""Command line: `python -m ideas.clustering cluster --input ideas.csv --text-column text ...`."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from ideas.clustering.csvio import (
    EXIT_USAGE,
    CliError,
    Progress,
    analyser_parser,
    read_input,
    run_analyser,
    write_rows,
)

__all__ = ["EXIT_USAGE", "OUTPUT_COLUMNS", "CliError", "build_parser", "main"]

OUTPUT_COLUMNS = ["id", "theme", "label", "label_en", "label_fr", "terms"]


def _cluster_command(args: argparse.Namespace) -> int:
    from ideas.clustering.engine import build_themes  # lazy: keeps --help fast

    started = time.perf_counter()
    progress = Progress(args.progress_every)
    texts, ids = read_input(args, progress)
    try:
        model, _ = build_themes(texts, backend=args.backend, seed=args.seed, progress=progress)
    except RuntimeError as exc:  # e.g. --backend e5 asked explicitly but not installed
        raise CliError(str(exc)) from exc
    # A theme's name in its main language, its names in English and French (empty when none of
    # its texts is in that language) and its key terms, main language first.
    named = {
        t.id: [t.label, t.names.get("en", ""), t.names.get("fr", ""), " · ".join(t.top_terms)]
        for t in model.themes
    }
    output = Path(args.output)
    write_rows(
        output,
        OUTPUT_COLUMNS,
        (
            [row_id, theme, *named.get(theme, ["", "", "", ""])]
            for row_id, theme in zip(ids, model.labels.tolist(), strict=True)
        ),
    )
    elapsed = time.perf_counter() - started
    print(
        f"rows: {len(texts)}  themes: {model.n_themes}  "
        f"themed: {100 * model.themed_fraction:.1f}%  time: {elapsed:.1f}s  "
        f"backend: {model.backend}  output: {output}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser, cluster = analyser_parser(
        prog="python -m ideas.clustering",
        description="Group ideas into themes, on premises.",
        command="cluster",
        command_help="cluster the texts of a CSV file into themes",
        output_columns=",".join(OUTPUT_COLUMNS),
        handler=_cluster_command,
    )
    cluster.add_argument("--seed", type=int, default=0)
    cluster.add_argument(
        "--backend", choices=["auto", "e5", "use", "minilm", "tfidf"], default="auto"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_analyser(build_parser(), argv)
