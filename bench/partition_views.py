"""Granularity chosen where two encoders agree (issue #14, candidates).

Every global rule tried so far (docs/benchmarks.md) went finer on the topic sets or coarser on
the intent sets. This one asks a question the earlier ones did not: does the partition hold in
*another view of the same texts*? The engine's vectors are two independent encoders side by
side (e5 and USE). A structure that is real in the texts shows in both; pieces cut out of a
topic by one encoder's geometry (the topic sets' failure) should not be cut the same way by
the other, and intents merged at a coarse resolution should merge in whichever order each
encoder's geometry suggests (the intent sets' failure).

For each sample, the engine's pipeline is prepared once (`bench.partition_quality.prepared`:
features, units, smoothing, kNN graph; Louvain at 2.0 there is the engine's partition). Each
encoder's block is then taken alone (re-normalised, centred per language as the engine does),
averaged over the same units, smoothed, and given its own kNN graph. At every resolution of
`partition_quality.WIDE_GRID`, Louvain runs on each encoder's graph (same seed) and the two
partitions of the rows are compared:

* "xview-ari": the resolution whose two encoder partitions agree most by adjusted Rand index
  wins (ties to the lower resolution);
* "xview-nmi": the same with normalised mutual information (arithmetic mean).

The engine's own partition at the chosen resolution (the joint graph's, finished as the engine
does) is the candidate's result. Nothing is fitted; the grid is the only choice.

Adoption criterion, written and committed before any candidate's label score was computed
(the same as `bench.partition_quality`'s): against the engine at 2.0, means over seeds, every
(set, size) group of >= 1,000 texts, the held-out figures of the leave-one-set-out choice
between the two candidates: mean delta NMI > 0 and mean delta ARI > 0, no group losing more
than 0.02 NMI or 0.02 ARI, coverage >= 90% in every group, twins >= 0.90 on every parallel
group. The issue's own target (NMI and ARI at least BERTopic's in every group) is reported
beside it.

    python -m bench.partition_views --sets mintaka_fr_en --sizes 1000,0 --seeds 0 2> var/pv.log
    python -m bench.partition_quality --summarise var/pv-*.log var/bt-*.log

One progress line per (set, size, seed, method) on stderr, in bench.clustering_sizes' format,
and a "#" line per resolution with the agreement of the two encoders and the joint partition's
label scores (read after the fact, not used by the rule).
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

VIEWS = ("e5", "use")
METHODS = ("engine", "xview-ari", "xview-nmi")


def view_graphs(p: dict, vectors: np.ndarray, backend: str, texts: list[str]) -> list:
    """Each encoder's kNN graph over the engine's units (its block alone, centred per language)."""
    from ideas.clustering.cluster import _graph, _smooth, center_by_language
    from ideas.clustering.engine import guess_languages
    from ideas.clustering.vectors import component, l2_normalise

    languages = np.asarray(guess_languages(texts, l2_normalise(vectors)))
    unit_of_row = p["unit_of_row"]
    n_units = int(unit_of_row.max()) + 1
    counts = np.bincount(unit_of_row, minlength=n_units).astype(np.float32)[:, None]
    graphs = []
    for view in VIEWS:
        block = component(vectors, backend, view)
        if block is None:
            raise SystemExit(f"backend {backend!r} has no {view!r} block")
        block = center_by_language(block, languages)
        units = np.zeros((n_units, block.shape[1]), dtype=np.float32)
        np.add.at(units, unit_of_row, block)
        units = l2_normalise(units / counts)
        k = p["params"].n_neighbors
        graphs.append(_graph(_smooth(units, k), k))
    return graphs


def agreements(p: dict, graphs: list, seed: int) -> dict[float, dict[str, float]]:
    """Agreement of the encoders' Louvain partitions (of the rows) at each resolution."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from ideas.clustering.cluster import _louvain

    rows = p["unit_of_row"]
    out = {}
    for resolution in pq.WIDE_GRID:
        a, b = (_louvain(g, resolution, seed)[rows] for g in graphs)
        out[resolution] = {
            "ari": float(adjusted_rand_score(a, b)),
            "nmi": float(normalized_mutual_info_score(a, b)),
            "themes": float(np.unique(a).size + np.unique(b).size) / 2,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(d.name for d in cs.DATASETS))
    parser.add_argument("--sizes", default="1000,0")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--encoders", default="e5,use")
    args = parser.parse_args(argv)
    encoders = tuple(args.encoders.split(","))
    backend = "+".join(encoders)
    for sample in cs.samples(args.sets, args.sizes, args.seeds, encoders):
        texts, vecs, truth, twins, seed = (
            sample.texts,
            sample.vectors,
            sample.truth,
            sample.twins,
            sample.seed,
        )
        start = time.perf_counter()
        p = pq.prepared(texts, vecs, seed, backend)
        sweep = pq.louvain_sweep(p, seed)
        joint_secs = time.perf_counter() - start
        start = time.perf_counter()
        agree = agreements(p, view_graphs(p, vecs, backend, texts), seed)
        view_secs = time.perf_counter() - start
        results = {"engine": (sweep[2.0][0], joint_secs, "")}
        for score in ("ari", "nmi"):
            best = max(agree, key=lambda r: (agree[r][score], -r))
            table = " ".join(f"{r:g}:{a[score]:.3f}" for r, a in agree.items())
            results[f"xview-{score}"] = (
                sweep[best][0],
                joint_secs + view_secs,
                f"chose {best:g} ({table})",
            )
        for r, (labels, _) in sweep.items():
            s = cs.scores(truth, labels, twins)
            print(
                f"# {sample.run} resolution {r:g}: encoders agree ARI {agree[r]['ari']:.3f} "
                f"NMI {agree[r]['nmi']:.3f} ({agree[r]['themes']:.0f} themes each); joint "
                f"NMI {s['nmi']:.3f} ARI {s['ari']:.3f} themes {s['themes']:.0f}",
                file=sys.stderr,
                flush=True,
            )
        for method, (labels, secs, note) in results.items():
            result = cs.Result(
                sample.name, len(texts), method, seed, secs, cs.scores(truth, labels, twins)
            )
            print(cs._progress_line(result), file=sys.stderr, flush=True)
            if note:
                print(f"#   {method}: {note}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
