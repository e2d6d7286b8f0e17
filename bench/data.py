"""Where the benchmarks find their measurement data: the public sets of ../shared/data, read in
place and never copied into the repository. One rule for every benchmark that reads them.

The folder is `--data`, else $RUCHE_BENCH_DATA, else ../shared/data beside the repository, or
beside its main checkout when the benchmark runs from a git worktree (a worktree elsewhere has no
../shared of its own). A benchmark that needs data it does not find says where it looked and
exits with MISSING (2).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MISSING = 2  # the exit code of a benchmark whose data are absent


def main_checkout(root: Path = ROOT) -> Path:
    """The repository's main checkout: `root` itself, or, in a git worktree (whose `.git` is a
    file "gitdir: <main>/.git/worktrees/<name>"), the checkout that worktree belongs to."""
    marker = root / ".git"
    if marker.is_file():
        text = marker.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            gitdir = Path(text.removeprefix("gitdir:").strip())
            if gitdir.parent.name == "worktrees" and gitdir.parent.parent.name == ".git":
                return gitdir.parent.parent.parent
    return root


def data_dir(option: str | None = None, root: Path = ROOT) -> Path:
    """Where the measurement data are: `option` (--data), else $RUCHE_BENCH_DATA, else
    ../shared/data beside the repository (beside its main checkout when run from a worktree)."""
    explicit = option or os.environ.get("RUCHE_BENCH_DATA")
    if explicit:
        return Path(explicit)
    candidates = [root.parent / "shared" / "data", main_checkout(root).parent / "shared" / "data"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        default=None,
        metavar="FOLDER",
        help="the measurement data folder (default: $RUCHE_BENCH_DATA, else ../shared/data "
        "beside the repository, or beside its main checkout from a git worktree)",
    )


def found_data_dir(option: str | None, *, needed: Iterable[str] = (), why: str = "") -> Path | None:
    """data_dir(option) when it exists and holds every `needed` file (paths inside it); else
    None, once stderr says what is missing and where (`why`: what needed it)."""
    path = data_dir(option)
    missing = [name for name in needed if not (path / name).is_file()]
    if path.is_dir() and not missing:
        return path
    if path.is_dir():
        what = f"Measurement data missing under {path}: {', '.join(missing)}"
    else:
        what = f"No measurement data at {path}"
    print(
        f"{what}{f' ({why})' if why else ''}: put the data sets of ../shared/data there (see "
        "its README.md), or give --data or RUCHE_BENCH_DATA.",
        file=sys.stderr,
    )
    return None
