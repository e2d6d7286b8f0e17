"""Gates on the silhouette's choice of resolution (issue #14): when to leave 2.0 for it.

`bench.partition_quality` picks the Louvain resolution r* of WIDE_GRID whose finished partition
has the best mean cosine silhouette. That beats the engine's constant 2.0 on fine intent sets
and fails on weakly separated topic sets, where the silhouette keeps rising with the resolution
(SIB-200, Mintaka 1,000). Two label-free gates on that choice, each with its rule and criterion
written down before its statistic was computed (moved here from bench.partition_quality).

1. The bootstrap gate (the scores of its two arms, 2.0 and the silhouette's choice, were
already known): leave 2.0 for r* only when the gain sil(r*) - sil(2.0) exceeds k times the
spread of sil(2.0) over GATE_BOOT bootstrap resamples of the corpus's rows (the partition at 2.0
fixed, the per-text silhouettes resampled; seeded by the run's seed). Which k of GATE_K (0 =
silhouette alone, inf = always 2.0) is fitted leaving one set out (`--gate-summary`), and the
criterion below holds on the held-out figures.

    python -m bench.partition_gate --sizes 1000 --seeds 0,1,2 2> var/gate-1k.log
    python -m bench.partition_gate --gate-summary var/pq-*.log var/gate-*.log var/bt-*.log

2. The null gate: does a corpus WITHOUT cluster structure show the same rise of the
silhouette? If it does, the rise says nothing about themes.

Null: the engine's final features (after language centring and the lexical block, the space
the graph and the silhouette use) replaced by as many rows drawn from a Gaussian with the
features' own mean and covariance (each row = mean + the centred rows mixed by standard normal
weights / sqrt(n - 1): the empirical covariance exactly, no clusters), normalised to unit length;
then the same units, smoothing, kNN graph, Louvain sweep and finishing (the null rows also serve
as the vectors of the outlier cut), and the silhouette of each finished partition on the null
rows. NULL_DRAWS draws per run, seeded by the run's seed; their silhouettes are averaged per
resolution. Data only, no labels.

Rule ("null-gate", written down and committed, with its criterion, before any label-based
score of its runs was computed): leave 2.0 for the silhouette's best resolution r* only when
    sil(r*) - sil(2.0) > null(r*) - null(2.0),
that is, when the real corpus's silhouette at r* exceeds the null's at r* by more than its
excess at 2.0 does. No constant is fitted, so nothing is chosen leaving one set out.

Criterion (both gates, as for bench.partition_quality's candidates): over every (set, size)
group of >= 1,000 texts of the seven development sets, means over seeds, against the engine at
2.0: mean delta NMI > 0 and mean delta ARI > 0, no group losing more than 0.02 NMI or 0.02 ARI,
coverage >= 90% in every run, twins >= 0.90 on the parallel sets. Met -> adopted.

Reported beside it, not a candidate for adoption in this round: "null-excess", the resolution
maximising sil(r) - null(r) (the null-corrected silhouette's own optimum).

    OMP_NUM_THREADS=1 nice -n 10 python -m bench.partition_gate --sizes 1000 --seeds 0,1,2 \
        2> var/null-1k.log
    OMP_NUM_THREADS=1 nice -n 10 python -m bench.partition_gate --sizes 0 --seeds 0 \
        2> var/null-full.log
    python -m bench.partition_gate --summarise var/null-*.log

Per run, one "# gate" line (the bootstrap gate's statistic), one "# null" line with both
silhouette curves and the choices, then progress lines in bench.clustering_sizes' format for
"engine" (the sweep at 2.0, which reproduces the engine), "louvain-silhouette", "null-gate" and
"null-excess".
"""

from __future__ import annotations

import argparse
import re
import sys
import time

import numpy as np

from bench import clustering_sizes as cs
from bench import partition_quality as pq

# The gate (module docstring): k values tried, bootstrap resamples, the resolution it guards.
GATE_K = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, float("inf"))
GATE_BOOT = 200
BASE_RESOLUTION = 2.0
NULL_DRAWS = 3
RULES = ("engine", "louvain-silhouette", "null-gate", "null-excess")


def bootstrap_spread(values: np.ndarray, seed: int, n_boot: int = GATE_BOOT) -> float:
    """Standard deviation of the mean of `values` over bootstrap resamples of its rows."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, values.size, size=(n_boot, values.size))
    return float(values[idx].mean(axis=1).std(ddof=1))


def gated_resolution(silhouettes: dict[float, float], spread: float, k: float) -> float:
    """The silhouette's best resolution if it beats BASE_RESOLUTION by more than k spreads."""
    best = max(silhouettes, key=lambda r: (silhouettes[r], -r))
    gain = silhouettes[best] - silhouettes[BASE_RESOLUTION]
    return best if gain > k * spread else BASE_RESOLUTION


def gate_note(p: dict, sweep: dict, run: str, seed: int) -> str:
    """The gate's data-only statistic for one run, as a log line read back by --gate-summary."""
    from sklearn.metrics import silhouette_samples

    labels = sweep[BASE_RESOLUTION][0]
    themed = labels >= 0
    per_text = silhouette_samples(p["features"][themed], labels[themed], metric="cosine")
    sil = {r: q["silhouette"] for r, (_, q) in sweep.items()}
    best = max(sil, key=lambda r: (sil[r], -r))
    spread = bootstrap_spread(per_text, seed)
    return (
        f"# gate {run}: best {best:g} gain {sil[best] - sil[BASE_RESOLUTION]:.6f} "
        f"spread {spread:.6f}"
    )


def null_features(features: np.ndarray, seed: int) -> np.ndarray:
    """Unit rows from a Gaussian with the mean and covariance of `features` (no clusters)."""
    from ideas.clustering.vectors import l2_normalise

    rng = np.random.default_rng(seed)
    n = features.shape[0]
    mean = features.mean(axis=0)
    weights = rng.standard_normal((n, n)).astype(np.float32) / np.float32(np.sqrt(n - 1))
    return l2_normalise((mean + weights @ (features - mean)).astype(np.float32))


def null_prepared(p: dict, seed: int) -> dict:
    """`p` (from pq.prepared) with its features replaced by a null draw, graph rebuilt."""
    from ideas.clustering.cluster import _graph, _smooth, _units

    x = null_features(p["features"], seed)
    units, unit_of_row = _units(x, p["params"], seed)
    smoothed = _smooth(units, p["params"].n_neighbors)
    graph = _graph(smoothed, p["params"].n_neighbors)
    return {**p, "vectors": x, "features": x, "units": smoothed, "unit_of_row": unit_of_row,
            "graph": graph}  # fmt: skip


def null_silhouettes(p: dict, seed: int, draws: int = NULL_DRAWS) -> dict[float, float]:
    """Mean silhouette per resolution of the sweep over `draws` null corpora."""
    curves = []
    for d in range(draws):
        sweep = pq.louvain_sweep(null_prepared(p, 1_000 * seed + d), seed)
        curves.append({r: q["silhouette"] for r, (_, q) in sweep.items()})
    return {r: float(np.mean([c[r] for c in curves])) for r in curves[0]}


def best(curve: dict[float, float]) -> float:
    return max(curve, key=lambda r: (curve[r], -r))


def null_gated(real: dict[float, float], null: dict[float, float]) -> float:
    """r* if its silhouette gain over 2.0 beats the null's gain at the same resolutions."""
    r = best(real)
    base = BASE_RESOLUTION
    return r if real[r] - real[base] > null[r] - null[base] else base


def null_excess(real: dict[float, float], null: dict[float, float]) -> float:
    return best({r: real[r] - null[r] for r in real})


_NULL = re.compile(r"^# null (\S+) n=(\d+) seed (\d+): .* r\* (\S+) gain (\S+) null gain (\S+)")


def summarise(paths: list[str]) -> list[str]:
    """Per group >= 1,000 texts, seed means of each rule; the criterion for null-gate."""
    from pathlib import Path

    groups = {k: v for k, v in pq.read_logs(paths).items() if k[1] >= 1_000 and "engine" in v}
    stats: dict[tuple[str, int], list[str]] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if m := _NULL.match(line.strip()):
                stats.setdefault((m[1], int(m[2])), []).append(f"{m[5]}/{m[6]}@{m[4]}")
    order = [d.name for d in cs.DATASETS]
    keys = sorted(groups, key=lambda k: (order.index(k[0]), k[1]))

    def cell(r: dict[str, float] | None) -> str:
        if not r:
            return ""
        twins = f", {r['twins']:.2f}" if "twins" in r else ""
        return f"{r['nmi']:.3f} / {r['ari']:.3f} ({r['themes']:.0f}, {r['themed_min']:.0%}{twins})"

    lines = [
        "| set | texts | gain / null gain @ r* per seed | engine 2.0 | silhouette alone "
        "| null-gate | null-excess |",
        "|---|---|---|---|---|---|---|",
    ]
    deltas: dict[str, list[tuple[float, float]]] = {"null-gate": [], "null-excess": []}
    ok = True
    for key in keys:
        g = groups[key]
        e = g["engine"]
        for rule, acc in deltas.items():
            if rule in g:
                acc.append((g[rule]["nmi"] - e["nmi"], g[rule]["ari"] - e["ari"]))
        c = g.get("null-gate")
        if c is None or min(deltas["null-gate"][-1]) < -0.02 or c["themed_min"] < 0.9:
            ok = False
        if c is not None and c.get("twins", 1.0) < 0.9:
            ok = False
        lines.append(
            f"| {key[0]} | {key[1]:,} | {', '.join(stats.get(key, []))} | {cell(e)} "
            f"| {cell(g.get('louvain-silhouette'))} | {cell(c)} | {cell(g.get('null-excess'))} |"
        )
    lines.append("")
    for rule, acc in deltas.items():
        if not acc:
            continue
        d = np.array(acc)
        lines.append(
            f"{rule}, {len(acc)} groups: "
            f"ΔNMI mean {d[:, 0].mean():+.3f} (min {d[:, 0].min():+.3f}), "
            f"ΔARI mean {d[:, 1].mean():+.3f} (min {d[:, 1].min():+.3f})."
        )
    gate = np.array(deltas["null-gate"]) if deltas["null-gate"] else np.zeros((1, 2)) - 1
    ok = ok and gate[:, 0].mean() > 0 and gate[:, 1].mean() > 0
    lines.append(f"Criterion met by null-gate: {ok}.")
    return lines


_GATE = re.compile(r"^# gate (\S+) n=(\d+) seed (\d+): best (\S+) gain (\S+) spread (\S+)$")


def gate_summary(paths: list[str]) -> list[str]:
    """The gate's k fitted leaving one set out, scored on the set left out (per seed: the
    gated run is the engine's run at 2.0 or the silhouette's, as the gate decides)."""
    from pathlib import Path

    runs: dict[tuple[str, int, int, str], dict[str, float]] = {}
    gates: dict[tuple[str, int, int], tuple[float, float, float]] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if m := _GATE.match(line.strip()):
                key = (m[1], int(m[2]), int(m[3]))
                gates[key] = (float(m[4]), float(m[5]), float(m[6]))
            elif (m := cs._PROGRESS.match(line.strip())) and int(m["size"]) >= 1_000:
                r = {k: float(m[k]) for k in ("nmi", "ari", "themes")}
                r["themed"] = float(m["themed"]) / 100
                r["twins"] = float(m["twins"]) if m["twins"] else np.nan
                runs[(m["dataset"], int(m["size"]), int(m["seed"]), m["method"])] = r
    order = [d.name for d in cs.DATASETS]
    keys = sorted(
        (k for k in gates if k[1] >= 1_000 and (*k, "engine") in runs),
        key=lambda k: (order.index(k[0]), k[1], k[2]),
    )
    groups = sorted({k[:2] for k in keys}, key=lambda g: (order.index(g[0]), g[1]))

    def mean(method: str | float, group: tuple[str, int]) -> dict[str, float]:
        rows = []
        for key in (k for k in keys if k[:2] == group):
            if isinstance(method, float):  # the gate at k = method
                best, gain, spread = gates[key]
                opened = gated_resolution({BASE_RESOLUTION: 0.0, best: gain}, spread, method)
                m = "engine" if opened == BASE_RESOLUTION else "louvain-silhouette"
            else:
                m = method
            if (*key, m) in runs:
                rows.append(runs[(*key, m)])
        if not rows:
            return {}
        out = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
        out["themed_min"] = min(r["themed"] for r in rows)
        return out

    def fit(k: float, train: list[tuple[str, int]]) -> float:
        scored = [(mean(k, g), mean("engine", g)) for g in train]
        if any(c["themed_min"] < 0.9 for c, _ in scored):
            return -np.inf
        return float(np.mean([(c["nmi"] - e["nmi"] + c["ari"] - e["ari"]) / 2 for c, e in scored]))

    def cell(r: dict[str, float]) -> str:
        if not r:
            return ""
        twins = "" if np.isnan(r.get("twins", np.nan)) else f", twins {r['twins']:.2f}"
        return f"{r['nmi']:.3f} / {r['ari']:.3f} ({r['themes']:.0f}, {r['themed']:.0%}{twins})"

    lines = ["(NMI + ARI) / 2 of the gate minus 2.0's, mean over every group, per k:", ""]
    lines += [f"* k = {k:g}: {fit(k, groups):+.4f}" for k in GATE_K]
    lines += [
        "",
        "| set | texts | gain / spread per seed | k (fitted without the set) "
        "| engine 2.0 | silhouette alone | gate | BERTopic |",
        "|---|---|---|---|---|---|---|---|",
    ]
    d_nmi, d_ari, ok = [], [], True
    for group in groups:
        # max over GATE_K reversed: on a tie the larger k (closer to 2.0) wins
        k = max(GATE_K[::-1], key=lambda k: fit(k, [g for g in groups if g[0] != group[0]]))
        e, c = mean("engine", group), mean(k, group)
        d_nmi.append(c["nmi"] - e["nmi"])
        d_ari.append(c["ari"] - e["ari"])
        ok = ok and min(d_nmi[-1], d_ari[-1]) >= -0.02 and c["themed_min"] >= 0.9
        ok = ok and not c["twins"] < 0.9  # nan (not a parallel set) passes
        z = ", ".join(
            f"{gates[key][1] / gates[key][2]:.1f}@{gates[key][0]:g}"
            for key in keys
            if key[:2] == group
        )
        lines.append(
            f"| {group[0]} | {group[1]:,} | {z} | {k:g} | {cell(e)} "
            f"| {cell(mean('louvain-silhouette', group))} | {cell(c)} "
            f"| {cell(mean('bertopic', group))} |"
        )
    ok = ok and float(np.mean(d_nmi)) > 0 and float(np.mean(d_ari)) > 0
    return [*lines, "", pq.held_out_line(d_nmi, d_ari, ok)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cs.add_sample_options(parser)
    parser.add_argument("--summarise", nargs="+", default=None, help="progress logs: no run")
    parser.add_argument("--gate-summary", nargs="+", default=None, help="progress logs: no run")
    args = parser.parse_args(argv)
    if args.gate_summary:
        print("\n".join(gate_summary(args.gate_summary)))
        return 0
    if args.summarise:
        print("\n".join(summarise(args.summarise)))
        return 0
    encoders = tuple(args.encoders.split(","))
    backend = "+".join(encoders)
    for sample in cs.samples(args.sets, args.sizes, args.seeds, encoders):
        seed = sample.seed
        start = time.perf_counter()
        p = pq.prepared(sample.texts, sample.vectors, seed, backend)
        sweep = pq.louvain_sweep(p, seed)
        run = f"{sample.run}"
        print(gate_note(p, sweep, run, seed), file=sys.stderr, flush=True)
        real = {r: q["silhouette"] for r, (_, q) in sweep.items()}
        null = null_silhouettes(p, seed)
        secs = time.perf_counter() - start
        chosen = {
            "engine": BASE_RESOLUTION,
            "louvain-silhouette": best(real),
            "null-gate": null_gated(real, null),
            "null-excess": null_excess(real, null),
        }
        r, base = best(real), BASE_RESOLUTION
        print(
            f"# null {run}: "
            f"real {' '.join(f'{k:g}:{v:.4f}' for k, v in real.items())} "
            f"null {' '.join(f'{k:g}:{v:.4f}' for k, v in null.items())} "
            f"r* {r:g} gain {real[r] - real[base]:.4f} "
            f"null gain {null[r] - null[base]:.4f} "
            f"null-gate {chosen['null-gate']:g} null-excess {chosen['null-excess']:g}",
            file=sys.stderr,
            flush=True,
        )
        for method, resolution in chosen.items():
            cs.report(sample, method, sweep[resolution][0], secs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
