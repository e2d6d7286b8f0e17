"""How far BERTopic is from itself: issue #14's per-group target against its run-to-run spread.

The issue's clustering target compares the engine with one BERTopic run per sample: "NMI and
ARI at least BERTopic's, at every size >= 1,000 and on every development set". BERTopic's
default pipeline is random: its UMAP layout depends on a seed (the protocol fixes it to the
sample's seed so a figure can be reproduced; BERTopic itself leaves it unset). This bench runs
each method a second time on the same sample with only its own randomness changed:

* "bertopic" (layout seed s, as the protocol) and "bertopic-relaid" (layout seed s + 100);
* "engine" (Louvain at 2.0, seed s) and "engine-reseeded" (Louvain seed s + 100), the same
  prepared graph;
* "umap-rows-all" (the density candidate of `bench.umap_density`, layout seed s) and
  "umap-rows-all-relaid" (layout seed s + 100).

Hypothesis and reading rule, written and committed before any of these runs' scores were
computed (2026-12-05):

1. Over the (set, size) groups of >= 1,000 texts (means over seeds, as every table of the
   protocol), "bertopic-relaid" has NMI and ARI both at least "bertopic"'s in fewer than half
   of the groups. If so, BERTopic itself does not meet the issue's target against itself, and
   a method exactly as good as BERTopic would meet it in every one of N groups with a chance of
   about p**N (p the fraction found): the target as written cannot tell a method level with
   BERTopic from a worse one, and it cannot be met by design, only by luck.
2. The noise-aware reading used beside the literal one: in each group, BERTopic's tolerance
   is |bertopic - bertopic-relaid| of the seed means, for NMI and for ARI (how far two equally
   good BERTopic runs differ at exactly the figure the target compares). A method is "level
   with BERTopic" in a group when its NMI and its ARI are each at least BERTopic's minus that
   tolerance; "behind" otherwise, by the larger shortfall beyond it. The engine (at 2.0) and
   the density candidate are read both ways; nothing in the engine changes with this bench.
3. The same spread is reported for the engine (Louvain's seed) and the density candidate (the
   layout's seed), so a gain or loss of either can be read against its own noise.

    python -m bench.clustering_sizes --embed-only --encoders e5,use
    python -m bench.target_noise --sizes 1000,1500,0 --seeds 0,1,2 2> var/tn.log
    python -m bench.target_noise --summarise var/tn.log

Result (docs/benchmarks.md, "The target against BERTopic's own run-to-run spread",
2026-12-05, seeds 0-2 at 1,000 texts and the full size): hypothesis 1 does not hold as
written, BERTopic relaid is at least BERTopic in exactly half of the 12 groups (6), so an equal
method meets the literal target everywhere with a chance of about 0.5**12; level with BERTopic
within its spread: the engine in 4 of 12, the density candidate in 9 of 12. On six fresh groups
(1,500 texts, seeds 3 and 4): BERTopic relaid at least BERTopic in 5 of 6; level: engine 1,
density 3.

Needs umap-learn and bertopic (requirements-bench.txt).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np

from bench import clustering_sizes as cs
from bench import partition_quality as pq
from bench import umap_density as ud

# How far the second run's seed is from the sample's: no protocol run ever used it.
OTHER_SEED = 100
# Each method and its second run, in table order.
PAIRS = (
    ("bertopic", "bertopic-relaid"),
    ("engine", "engine-reseeded"),
    ("umap-rows-all", "umap-rows-all-relaid"),
)


def run(sample: cs.Sample, backend: str) -> None:
    """Every method of PAIRS twice on `sample`, one progress line each (stderr)."""
    p = pq.prepared(sample.texts, sample.vectors, sample.seed, backend)
    for name, seed in (("engine", sample.seed), ("engine-reseeded", sample.seed + OTHER_SEED)):
        start = time.perf_counter()
        labels = pq.finish(p, ud.louvain_rows(p, seed), sample.seed)
        cs.report(sample, name, labels, time.perf_counter() - start)
    relaid = sample.seed + OTHER_SEED
    for name, seed in (("umap-rows-all", sample.seed), ("umap-rows-all-relaid", relaid)):
        start = time.perf_counter()
        rows = pq.finish(p, ud.density_labels(p["features"], seed, p["min_size"]), sample.seed)
        cs.report(sample, name, pq.join_all(p["vectors"], rows), time.perf_counter() - start)
    for name, seed in (("bertopic", sample.seed), ("bertopic-relaid", sample.seed + OTHER_SEED)):
        start = time.perf_counter()
        topics = cs.run_bertopic(sample.texts, sample.vectors, seed)
        if topics is None:
            print("# bertopic is not installed (requirements-bench.txt)", file=sys.stderr)
            return
        cs.report(sample, name, topics, time.perf_counter() - start)


def at_least(
    a: dict[str, float], b: dict[str, float], slack: dict[str, float] | None = None
) -> bool:
    """NMI and ARI of `a` both at least `b`'s (less the slack per score, if given)."""
    slack = slack or {"nmi": 0.0, "ari": 0.0}
    return all(a[k] >= b[k] - slack[k] - 1e-9 for k in ("nmi", "ari"))


def shortfall(a: dict[str, float], b: dict[str, float], slack: dict[str, float]) -> float:
    """How far `a` falls below `b` less the slack, on the worse of NMI and ARI (0 if level)."""
    return max(0.0, *(b[k] - slack[k] - a[k] for k in ("nmi", "ari")))


def summarise(paths: list[str]) -> list[str]:
    groups = {
        k: v
        for k, v in pq.read_logs(paths).items()
        if k[1] >= 1_000 and all(m in v for pair in PAIRS for m in pair)
    }
    keys = sorted(groups, key=lambda k: ([d.name for d in cs.DATASETS].index(k[0]), k[1]))
    lines = [
        "| set | texts | seeds | BERTopic | BERTopic, relaid | tolerance NMI / ARI "
        "| engine (2.0) | engine reading | density | density reading |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def cell(s: dict[str, float]) -> str:
        twins = f", twins {s['twins']:.2f}" if "twins" in s else ""
        return f"{s['nmi']:.3f} / {s['ari']:.3f} ({s['themes']:.0f}, {s['themed']:.0%}{twins})"

    def reading(s: dict[str, float], bt: dict[str, float], tol: dict[str, float]) -> str:
        if at_least(s, bt):
            return "at least"
        if at_least(s, bt, tol):
            return "level"
        return f"behind {shortfall(s, bt, tol):.3f}"

    self_wins = 0
    counts = {m: {"at least": 0, "level": 0} for m in ("engine", "umap-rows-all")}
    spread: dict[str, dict[str, list[float]]] = {m: {"nmi": [], "ari": []} for m, _ in PAIRS}
    for key in keys:
        g = groups[key]
        bt, relaid = g["bertopic"], g["bertopic-relaid"]
        tol = {k: abs(bt[k] - relaid[k]) for k in ("nmi", "ari")}
        self_wins += at_least(relaid, bt)
        for first, second in PAIRS:
            for k in ("nmi", "ari"):
                spread[first][k].append(abs(g[first][k] - g[second][k]))
        for m in counts:
            counts[m]["at least"] += at_least(g[m], bt)
            counts[m]["level"] += at_least(g[m], bt, tol)
        lines.append(
            f"| {key[0]} | {key[1]:,} | {bt['seeds']:.0f} | {cell(bt)} | {cell(relaid)} "
            f"| {tol['nmi']:.3f} / {tol['ari']:.3f} | {cell(g['engine'])} "
            f"| {reading(g['engine'], bt, tol)} | {cell(g['umap-rows-all'])} "
            f"| {reading(g['umap-rows-all'], bt, tol)} |"
        )
    n = len(keys)
    if not n:
        return ["No group of >= 1,000 texts with every method in these logs."]
    p = self_wins / n
    lines += [
        "",
        f"Groups of >= 1,000 texts: {n}. BERTopic relaid at least BERTopic on both scores in "
        f"{self_wins} of {n} (p = {p:.2f}); a method level with BERTopic would meet the literal "
        f"target in all {n} groups with a chance of about p**{n} = {p**n:.1e}. "
        f"Hypothesis 1 ({'holds' if p < 0.5 else 'does not hold'}).",
        "",
        "| method | at least BERTopic (literal target) "
        "| level with BERTopic (within its own spread) |",
        "|---|---|---|",
    ]
    for m, c in counts.items():
        lines.append(f"| {m} | {c['at least']} of {n} | {c['level']} of {n} |")
    lines += ["", "Run-to-run spread of the seed means (own randomness only), mean (max):", ""]
    for m, s in spread.items():
        lines.append(
            f"* {m}: NMI {np.mean(s['nmi']):.3f} ({max(s['nmi']):.3f}), "
            f"ARI {np.mean(s['ari']):.3f} ({max(s['ari']):.3f})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cs.add_sample_options(parser)
    parser.add_argument("--summarise", nargs="+", metavar="LOG", help="read progress lines")
    args = parser.parse_args(argv)
    if args.summarise:
        print("\n".join(summarise(args.summarise)))
        return 0
    encoders = tuple(args.encoders.split(","))
    for sample in cs.samples(args.sets, args.sizes, args.seeds, encoders):
        run(sample, "+".join(encoders))
    return 0


if __name__ == "__main__":
    sys.exit(main())
