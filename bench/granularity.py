"""A resolution rule for the themes engine, fitted and checked leaving one data set out (#14).

Reads the sweep written by `python -m bench.clustering_sizes` (method "sweep": the engine's
pipeline at each Louvain resolution of SWEEP_GRID, per data set, size and seed) and, for each
development set in turn, fits a rule on the other sets and scores it on the one left out,
against the constant resolution 2.0. Nothing is re-clustered: a rule only picks one of the
swept resolutions per corpus, so its score is the sweep's score at that resolution.

Rules (chosen from what a run can see: the number of texts n and how tight neighbourhoods are,
"contrast" = mean cosine of the ten nearest neighbours minus that of random pairs):

    resolution = snap(a * (n / 1,000) ** -b * (contrast / 0.2) ** d)

snapped to the nearest swept resolution on a log scale; b = d = 0, a = 2 is today's constant.
Fitting maximises the mean of (NMI + ARI) / 2 over the training sets (each set weighs the same,
all sizes), among rules that keep every training group's coverage >= 90%.

    python -m bench.granularity [--sweep var/bench-sizes-sweep.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.clustering_sizes import SWEEP_GRID
from bench.data import ROOT

A_GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
B_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
D_GRID = (-1.0, -0.5, 0.0, 0.5, 1.0)
CONSTANT = (2.0, 0.0, 0.0)
MIN_THEMED = 0.9


@dataclass(frozen=True)
class Run:
    dataset: str
    size: int
    seed: int
    rows: float
    contrast: float


def load(paths: list[Path]) -> dict[Run, dict[float, dict[str, float]]]:
    """Scores per run (data set, size, seed) and resolution; the last line of a key wins.
    Runs missing a resolution of the grid (cut short) are left out."""
    runs: dict[Run, dict[float, dict[str, float]]] = defaultdict(dict)
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            run = Run(r["dataset"], r["size"], r["seed"], r["rows"], round(r["contrast"], 6))
            runs[run][float(r["resolution"])] = r
    return {k: v for k, v in runs.items() if set(SWEEP_GRID) <= set(v)}


def snap(value: float) -> float:
    grid = np.asarray(SWEEP_GRID)
    return float(grid[np.argmin(np.abs(np.log(grid) - np.log(value)))])


def pick(rule: tuple[float, float, float], run: Run) -> float:
    a, b, d = rule
    return snap(a * (run.rows / 1_000) ** -b * (max(run.contrast, 1e-3) / 0.2) ** d)


def group_means(
    runs: dict[Run, dict[float, dict[str, float]]], rule: tuple[float, float, float]
) -> dict[tuple[str, int], dict[str, float]]:
    """Mean scores over seeds per (data set, size) when the rule picks each run's resolution."""
    acc: dict[tuple[str, int], list[dict[str, float]]] = defaultdict(list)
    for run, by_res in runs.items():
        acc[(run.dataset, run.size)].append(by_res[pick(rule, run)] | {"chosen": pick(rule, run)})
    out = {}
    for key, rows in acc.items():
        means = {m: float(np.mean([r[m] for r in rows])) for m in ("nmi", "ari", "themed")}
        means["themes_min"] = min(r["themes"] for r in rows)
        means["themes_max"] = max(r["themes"] for r in rows)
        means["true"] = rows[0]["true"]
        means["chosen_min"] = min(r["chosen"] for r in rows)
        means["chosen_max"] = max(r["chosen"] for r in rows)
        if "twins" in rows[0]:
            means["twins"] = float(np.mean([r["twins"] for r in rows]))
        out[key] = means
    return out


def objective(groups: dict[tuple[str, int], dict[str, float]]) -> float:
    """Mean (NMI + ARI) / 2, each data set weighing the same; -inf if coverage drops < 90%."""
    if any(g["themed"] < MIN_THEMED for g in groups.values()):
        return float("-inf")
    per_set: dict[str, list[float]] = defaultdict(list)
    for (dataset, _), g in groups.items():
        per_set[dataset].append((g["nmi"] + g["ari"]) / 2)
    return float(np.mean([np.mean(v) for v in per_set.values()]))


def fit(runs: dict[Run, dict[float, dict[str, float]]]) -> tuple[float, float, float]:
    best, best_score = CONSTANT, objective(group_means(runs, CONSTANT))
    for rule in itertools.product(A_GRID, B_GRID, D_GRID):
        score = objective(group_means(runs, rule))
        if score > best_score + 1e-9:
            best, best_score = rule, score
    return best


def leave_one_out(runs: dict[Run, dict[float, dict[str, float]]]) -> list[str]:
    datasets = sorted({r.dataset for r in runs}, key=_order)
    lines = [
        "| held-out set | texts | rule fitted on the others (a, b, d) | resolution chosen "
        "| themes / true (rule) | NMI 2.0 → rule | ARI 2.0 → rule | themed (rule) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    deltas: list[tuple[float, float]] = []
    coverage_ok = True
    for held in datasets:
        train = {k: v for k, v in runs.items() if k.dataset != held}
        test = {k: v for k, v in runs.items() if k.dataset == held}
        rule = fit(train)
        ours, base = group_means(test, rule), group_means(test, CONSTANT)
        for key in sorted(ours, key=lambda k: k[1]):
            g, c = ours[key], base[key]
            if key[1] >= 1_000:
                deltas.append((g["nmi"] - c["nmi"], g["ari"] - c["ari"]))
                coverage_ok &= g["themed"] >= MIN_THEMED
            lines.append(
                f"| {held} | {key[1]:,} | {rule[0]:g}, {rule[1]:g}, {rule[2]:g} "
                f"| {g['chosen_min']:g}–{g['chosen_max']:g} "
                f"| {g['themes_min']:.0f}–{g['themes_max']:.0f} / {g['true']:.0f} "
                f"| {c['nmi']:.3f} → {g['nmi']:.3f} | {c['ari']:.3f} → {g['ari']:.3f} "
                f"| {100 * g['themed']:.0f}% |"
            )
    arr = np.asarray(deltas) if deltas else np.zeros((0, 2))
    if arr.size:
        lines += [
            "",
            f"Held-out groups of ≥ 1,000 texts: {len(arr)}; ΔNMI mean {arr[:, 0].mean():+.3f} "
            f"(min {arr[:, 0].min():+.3f}, max {arr[:, 0].max():+.3f}, better in "
            f"{int((arr[:, 0] > 0).sum())}), ΔARI mean {arr[:, 1].mean():+.3f} (min "
            f"{arr[:, 1].min():+.3f}, max {arr[:, 1].max():+.3f}, better in "
            f"{int((arr[:, 1] > 0).sum())}); coverage ≥ 90% everywhere: {coverage_ok}.",
        ]
        adopt = arr[:, 0].mean() > 0 and arr[:, 1].mean() > 0 and coverage_ok
        rule = fit(runs)
        lines.append(
            f"Verdict: {'adopt' if adopt else 'do not adopt'} (criterion: mean ΔNMI > 0 and mean "
            f"ΔARI > 0 on held-out sets at ≥ 1,000 texts, coverage ≥ 90%). Rule fitted on all "
            f"sets: a = {rule[0]:g}, b = {rule[1]:g}, d = {rule[2]:g}."
        )
    return lines


def oracle(runs: dict[Run, dict[float, dict[str, float]]]) -> list[str]:
    """The best fixed resolution per (set, size), for context (not a rule: it reads the truth)."""
    lines = [
        "| set | texts | best resolution (NMI+ARI) | NMI / ARI there | at 2.0 |",
        "|---|---|---|---|---|",
    ]
    keys = sorted({(r.dataset, r.size) for r in runs}, key=lambda k: (_order(k[0]), k[1]))
    for key in keys:
        group = [v for r, v in runs.items() if (r.dataset, r.size) == key]
        mean = {
            res: (
                float(np.mean([g[res]["nmi"] for g in group])),
                float(np.mean([g[res]["ari"] for g in group])),
            )
            for res in SWEEP_GRID
        }
        best = max(SWEEP_GRID, key=lambda res: sum(mean[res]))
        lines.append(
            f"| {key[0]} | {key[1]:,} | {best:g} | {mean[best][0]:.3f} / {mean[best][1]:.3f} "
            f"| {mean[2.0][0]:.3f} / {mean[2.0][1]:.3f} |"
        )
    return lines


def _order(dataset: str) -> int:
    from bench.clustering_sizes import DATASETS

    names = [d.name for d in DATASETS]
    return names.index(dataset) if dataset in names else len(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sweep", nargs="+", default=[str(ROOT / "var" / "bench-sizes-sweep.jsonl")]
    )
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.sweep]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(
            f"No sweep at {missing[0]}: run python -m bench.clustering_sizes first.",
            file=sys.stderr,
        )
        return 2
    runs = load(paths)
    print("\n".join(["Leave one data set out:\n", *leave_one_out(runs), "", *oracle(runs)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
