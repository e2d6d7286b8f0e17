"""Granularity chosen by a data-only quality score of the partition (issue #14, candidates).

The engine's pipeline (features, units, smoothing, kNN graph) is prepared once per sample, then:

* "louvain-<score>": Louvain at every resolution of WIDE_GRID, each partition finished as the
  engine does (outlier cut, tiny themes dissolved, outliers re-attached), and the resolution
  whose partition scores best on the graph's own feature space wins. Scores (no labels used):
  "silhouette" (mean cosine silhouette of the themed rows), "ch" (Calinski-Harabasz on the unit
  vectors), "db" (Davies-Bouldin on the unit vectors, lower is better).
* "hdbscan": sklearn's HDBSCAN on the features reduced by PCA to HDBSCAN_DIMS, min cluster size
  the engine's minimum theme size (at least 5), then finished as the engine does, so the
  texts HDBSCAN leaves out join their nearest theme if they pass its cut.

Adoption criterion, written before any figure of a size >= 1,000 was seen (against the engine
at 2.0, means over seeds, every (set, size) group of >= 1,000 texts, the held-out figures of
the leave-one-set-out choice below): mean delta NMI > 0 and mean delta ARI > 0, no group losing
more than 0.02 NMI or 0.02 ARI, coverage >= 90% in every group, twins >= 0.90 on every
parallel group. Choosing one method among these candidates is a fit: for each development set,
the method is chosen on the other sets (best mean of (delta NMI + delta ARI) / 2 over their
groups >= 1,000 texts, among methods keeping every such group >= 90% themed) and scored on the
set left out (`--summarise`).

    python -m bench.partition_quality --encoders e5,use --sets mintaka_fr_en --sizes 1000,0 \
        --seeds 0 2> var/pq.log

    python -m bench.partition_quality --summarise var/pq-*.log var/bt-*.log

The gates on the silhouette's choice are in `bench.partition_gate`.

One progress line per (set, size, seed, method) on stderr, in bench.clustering_sizes' format
(so `python -m bench.clustering_sizes --from-logs` can merge them with BERTopic's), with the
method names below; the resolution each score chose is logged beside it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np

from bench import clustering_sizes as cs

WIDE_GRID = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
SCORES = ("silhouette", "ch", "db")
# HDBSCAN variants: PCA dimensions x min cluster size (5 = the engine's smallest theme floor,
# 10 = BERTopic's default), outliers re-attached by the engine's cut ("cut") or all of them to
# the nearest theme ("all"). Which variant is chosen for a set is fitted on the other sets.
HDBSCAN_DIMS = (10, 20)
HDBSCAN_MIN = (5, 10)
HDBSCAN = tuple(
    f"hdbscan-d{d}-m{m}-{a}" for d in HDBSCAN_DIMS for m in HDBSCAN_MIN for a in ("cut", "all")
)
# "louvain-as-hdbscan-...": the resolution (of WIDE_GRID) whose themes number closest (log
# scale) to what that HDBSCAN variant found: density decides how many, Louvain's graph decides
# which texts go together (HDBSCAN's own partition splits French/English twins more).
AS_HDBSCAN = tuple(f"louvain-as-{h}" for h in HDBSCAN if h.endswith("-all"))
METHODS = ("engine", *(f"louvain-{s}" for s in SCORES), *HDBSCAN, *AS_HDBSCAN)
# Columns of the per-group table (every method is in the log).
SHOWN = (
    "louvain-silhouette",
    "louvain-ch",
    "hdbscan-d20-m5-all",
    "hdbscan-d20-m10-all",
    "louvain-as-hdbscan-d20-m5-all",
)


def prepared(texts: list[str], vectors: np.ndarray, seed: int, backend: str) -> dict:
    """What cluster_vectors builds before Louvain, on build_themes' inputs (all rows valid)."""
    from ideas.clustering.cluster import (
        ClusteringParams,
        _graph,
        _smooth,
        _units,
        center_by_language,
        default_min_theme_size,
        is_bilingual,
    )
    from ideas.clustering.engine import LEXICAL_LIMIT, guess_languages
    from ideas.clustering.vectors import TfidfLsaEmbedder, cross_lingual_view, l2_normalise

    params = ClusteringParams()
    vectors = l2_normalise(vectors)
    lexical = None
    if 20 <= len(texts) <= LEXICAL_LIMIT:
        lexical = TfidfLsaEmbedder(seed=seed).fit(texts).embed(texts)
    languages = np.asarray(guess_languages(texts, vectors))
    features = vectors
    if is_bilingual(languages, params.bilingual_share):
        view = cross_lingual_view(features, backend)
        if view is not None:
            features = view
        lexical = None
    features = center_by_language(features, languages)
    if lexical is not None:
        lex = l2_normalise(lexical) * np.float32(params.lexical_weight)
        features = l2_normalise(np.hstack([features, lex]))
    units, unit_of_row = _units(features, params, seed)
    smoothed = _smooth(units, params.n_neighbors)
    return {
        "vectors": vectors,
        "features": features,
        "units": smoothed,
        "unit_of_row": unit_of_row,
        "graph": _graph(smoothed, params.n_neighbors),
        "params": params,
        "min_size": default_min_theme_size(len(texts)),
    }


def finish(p: dict, row_labels: np.ndarray, seed: int) -> np.ndarray:
    from ideas.clustering.cluster import _finalise

    return _finalise(p["vectors"], row_labels, p["params"], p["min_size"], seed).labels


def quality(features: np.ndarray, labels: np.ndarray, seed: int) -> dict[str, float]:
    """Label-free scores of a partition on unit vectors (themed rows only)."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    themed = labels >= 0
    x, y = features[themed], labels[themed]
    k = np.unique(y).size
    if k < 2 or k >= y.size:
        return {"silhouette": -1.0, "ch": 0.0, "db": np.inf}
    return {
        "silhouette": float(silhouette_score(x, y, metric="cosine")),
        "ch": float(calinski_harabasz_score(x, y)),
        "db": float(davies_bouldin_score(x, y)),
    }


def louvain_sweep(p: dict, seed: int) -> dict[float, tuple[np.ndarray, dict[str, float]]]:
    from ideas.clustering.cluster import _louvain

    out = {}
    for resolution in WIDE_GRID:
        unit_labels = _louvain(p["graph"], resolution, seed)
        labels = finish(p, unit_labels[p["unit_of_row"]], seed)
        out[resolution] = (labels, quality(p["features"], labels, seed))
    return out


def hdbscan_labels(p: dict, seed: int, dims: int, min_size: int) -> dict[str, np.ndarray]:
    """HDBSCAN on the smoothed units reduced by PCA, finished as the engine does ("cut"), or
    with every text still unthemed then joined to its nearest theme ("all")."""
    from sklearn.cluster import HDBSCAN
    from sklearn.decomposition import PCA

    from ideas.clustering.arrays import l2_normalise

    units = p["units"]
    dims = min(dims, units.shape[0] - 1, units.shape[1])
    reduced = l2_normalise(PCA(dims, random_state=seed).fit_transform(units).astype(np.float32))
    size = max(min_size, p["min_size"])
    unit_labels = HDBSCAN(min_cluster_size=size, copy=True).fit_predict(reduced)
    cut = finish(p, unit_labels[p["unit_of_row"]].astype(np.int64), seed)
    return {"cut": cut, "all": join_all(p["vectors"], cut)}


def join_all(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Every unthemed row joined to the theme whose centroid is nearest (cosine)."""
    from ideas.clustering.arrays import l2_normalise

    out = labels.copy()
    loose = np.flatnonzero(labels < 0)
    if not loose.size or labels.max() < 0:
        return out
    k = int(labels.max()) + 1
    cents = l2_normalise(np.stack([vectors[labels == t].mean(axis=0) for t in range(k)]))
    out[loose] = np.argmax(vectors[loose] @ cents.T, axis=1)
    return out


def read_logs(paths: list[str]) -> dict[tuple[str, int], dict[str, dict[str, float]]]:
    """Mean scores over seeds per (set, size) and method, from progress lines."""
    from collections import defaultdict
    from pathlib import Path

    acc: dict[tuple[str, int, str], list[dict[str, float]]] = defaultdict(list)
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            m = cs._PROGRESS.match(line.strip())
            if not m:
                continue
            s = {k: float(m[k]) for k in ("nmi", "ari", "themes", "true", "seconds")}
            s["themed"] = float(m["themed"]) / 100
            if m["twins"]:
                s["twins"] = float(m["twins"])
            acc[(m["dataset"], int(m["size"]), m["method"])].append(s)
    out: dict[tuple[str, int], dict[str, dict[str, float]]] = defaultdict(dict)
    for (name, size, method), runs in acc.items():
        mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        mean["themed_min"] = min(r["themed"] for r in runs)
        mean["seeds"] = len(runs)
        mean["themes_min"] = min(r["themes"] for r in runs)
        mean["themes_max"] = max(r["themes"] for r in runs)
        out[(name, size)][method] = mean
    return out


def summarise(paths: list[str]) -> list[str]:
    groups = {k: v for k, v in read_logs(paths).items() if k[0] and k[1] >= 1_000}
    groups = {k: v for k, v in groups.items() if "engine" in v}
    candidates = sorted(
        {m for v in groups.values() for m in v} - {"engine", "bertopic", "kmeans"},
        key=lambda m: METHODS.index(m) if m in METHODS else 99,
    )
    sets = sorted({k[0] for k in groups}, key=[d.name for d in cs.DATASETS].index)

    def gain(method: str, keys: list[tuple[str, int]]) -> float:
        if any(method not in groups[k] or groups[k][method]["themed_min"] < 0.9 for k in keys):
            return -np.inf
        return float(
            np.mean(
                [
                    groups[k][method]["nmi"]
                    - groups[k]["engine"]["nmi"]
                    + groups[k][method]["ari"]
                    - groups[k]["engine"]["ari"]
                    for k in keys
                ]
            )
            / 2
        )

    lines = ["Every candidate, (NMI + ARI) / 2 minus the engine's, mean over groups >= 1,000:", ""]
    for method in candidates:
        lines.append(f"* {method}: {gain(method, sorted(groups)):+.3f}")
    lines += [
        "",
        "| held-out set | texts | chosen on the others | themes engine → chosen / true "
        "| themed | NMI engine → chosen (BERTopic) | ARI engine → chosen (BERTopic) "
        "| twins engine → chosen | engine − BERTopic NMI / ARI | chosen − BERTopic NMI / ARI |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    d_nmi, d_ari, ok = [], [], True
    for held in sets:
        train = sorted(k for k in groups if k[0] != held)
        chosen = max(candidates, key=lambda m: gain(m, train))
        for key in sorted(k for k in groups if k[0] == held):
            g = groups[key]
            e, c, b = g["engine"], g.get(chosen), g.get("bertopic")
            if c is None:
                continue
            d_nmi.append(c["nmi"] - e["nmi"])
            d_ari.append(c["ari"] - e["ari"])
            twins = f"{e['twins']:.2f} → {c['twins']:.2f}" if "twins" in c else ""
            if min(d_nmi[-1], d_ari[-1]) < -0.02 or c["themed_min"] < 0.9:
                ok = False
            if "twins" in c and c["twins"] < 0.9:
                ok = False
            vs = f"{c['nmi'] - b['nmi']:+.3f} / {c['ari'] - b['ari']:+.3f}" if b else ""
            ve = f"{e['nmi'] - b['nmi']:+.3f} / {e['ari'] - b['ari']:+.3f}" if b else ""
            bn = f" ({b['nmi']:.3f})" if b else ""
            ba = f" ({b['ari']:.3f})" if b else ""
            lines.append(
                f"| {held} | {key[1]:,} | {chosen} "
                f"| {e['themes']:.0f} → {c['themes_min']:.0f}–{c['themes_max']:.0f} / "
                f"{c['true']:.0f} | {c['themed_min']:.0%} | {e['nmi']:.3f} → {c['nmi']:.3f}{bn} "
                f"| {e['ari']:.3f} → {c['ari']:.3f}{ba} | {twins} | {ve} | {vs} |"
            )
    ok = ok and float(np.mean(d_nmi)) > 0 and float(np.mean(d_ari)) > 0
    shown = ("engine", "bertopic", "kmeans", *SHOWN)
    lines += [
        "",
        "NMI / ARI (themes) per group, seed means: " + ", ".join(shown[3:]) + ".",
        "",
        "| set | texts | " + " | ".join(shown) + " |",
        "|---|---|" + "---|" * len(shown),
    ]
    for key in sorted(groups, key=lambda k: ([d.name for d in cs.DATASETS].index(k[0]), k[1])):
        cells = []
        for method in shown:
            r = groups[key].get(method)
            cells.append(f"{r['nmi']:.3f} / {r['ari']:.3f} ({r['themes']:.0f})" if r else "")
        lines.append(f"| {key[0]} | {key[1]:,} | " + " | ".join(cells) + " |")
    return [*lines, "", held_out_line(d_nmi, d_ari, ok)]


def held_out_line(d_nmi: list[float], d_ari: list[float], ok: bool) -> str:
    """The verdict under a summary table: the held-out changes against 2.0 and the criterion."""
    return (
        f"Held out, {len(d_nmi)} groups: ΔNMI mean {np.mean(d_nmi):+.3f} (min {min(d_nmi):+.3f}), "
        f"ΔARI mean {np.mean(d_ari):+.3f} (min {min(d_ari):+.3f}). Criterion met: {ok}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cs.add_sample_options(parser)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--summarise", nargs="+", default=None, help="progress logs: no run")
    args = parser.parse_args(argv)
    if args.summarise:
        print("\n".join(summarise(args.summarise)))
        return 0
    encoders = tuple(args.encoders.split(","))
    backend = "+".join(encoders)
    methods = args.methods.split(",")
    for sample in cs.samples(args.sets, args.sizes, args.seeds, encoders):
        texts, vecs, truth, twins = sample.texts, sample.vectors, sample.truth, sample.twins
        seed = sample.seed
        start = time.perf_counter()
        p = prepared(texts, vecs, seed, backend)
        prep = time.perf_counter() - start
        results: dict[str, tuple[np.ndarray, float, str]] = {}
        sweep = None
        sweep_secs = 0.0
        if any(m.startswith("louvain") or m == "engine" for m in methods):
            start = time.perf_counter()
            sweep = louvain_sweep(p, seed)
            sweep_secs = time.perf_counter() - start
            secs = sweep_secs + prep
            if "engine" in methods:
                engine = cs.run_engine(texts, vecs, seed, backend)
                same = bool(np.array_equal(engine, sweep[2.0][0]))
                results["engine"] = (engine, prep, f"sweep at 2.0 = engine: {same}")
            for score in SCORES:
                vals = {r: q[score] for r, (_, q) in sweep.items()}
                best = (min if score == "db" else max)(vals, key=lambda r: (vals[r], -r))
                table = " ".join(f"{r:g}:{v:.3g}" for r, v in vals.items())
                results[f"louvain-{score}"] = (
                    sweep[best][0],
                    secs,
                    f"chose {best:g} ({table})",
                )
            for r, (labels, _) in sweep.items():
                s = cs.scores(truth, labels, twins)
                print(
                    f"# {sample.run} resolution {r:g}: "
                    f"NMI {s['nmi']:.3f} ARI {s['ari']:.3f} themes {s['themes']:.0f}",
                    file=sys.stderr,
                    flush=True,
                )
        for d in HDBSCAN_DIMS:
            for m in HDBSCAN_MIN:
                if not any(x.startswith(f"hdbscan-d{d}-m{m}-") for x in methods):
                    continue
                start = time.perf_counter()
                by_attach = hdbscan_labels(p, seed, d, m)
                secs = time.perf_counter() - start + prep
                for attach, labels in by_attach.items():
                    results[f"hdbscan-d{d}-m{m}-{attach}"] = (labels, secs, "")
                if sweep is None:
                    continue
                k = max(int(by_attach["all"].max()) + 1, 1)
                counts = {r: max(int(lab.max()) + 1, 1) for r, (lab, _) in sweep.items()}
                best = min(counts, key=lambda r: (abs(np.log(counts[r] / k)), r))
                results[f"louvain-as-hdbscan-d{d}-m{m}-all"] = (
                    sweep[best][0],
                    secs + sweep_secs,
                    f"HDBSCAN {k} themes, chose {best:g} ({counts[best]} themes)",
                )
        for method, (labels, secs, note) in results.items():
            if method in methods:
                cs.report(sample, method, labels, secs, note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
