"""Themes engine at several corpus sizes on every development set (issue #14).

For each development set listed in ../shared/data/README.md, stratified subsamples of 300,
1,000, 3,000 texts and the full set (capped, see FULL_CAP), three seeds each: the engine, the
BERTopic default pipeline on the same vectors and k-means told the true k, in one run. Parallel
French/English sets are clustered with both languages mixed, and the share of twins (same id)
that land in the same theme is reported.

    python -m bench.clustering_sizes                  # everything, markdown on stdout
    python -m bench.clustering_sizes --embed-only     # fill the embedding cache only
    python -m bench.clustering_sizes --sets mtop_fr_en --sizes 1000 --methods engine

Embeddings are cached in var/bench-cache/ (never committed): the first run embeds about 30,000
texts with three encoders (about ten minutes on two cores); later runs only cluster.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

# Before numpy loads OpenBLAS: spinning OpenBLAS threads starve e5's (see ideas/clustering).
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np

from bench.data import MISSING, ROOT, add_data_option, data_dir, found_data_dir

if TYPE_CHECKING:
    from ideas.clustering.cluster import ClusteringParams

CACHE = Path(os.environ.get("RUCHE_BENCH_CACHE", ROOT / "var" / "bench-cache"))
DATA = data_dir()  # main() sets it from --data


@dataclass(frozen=True)
class DataSet:
    name: str
    path: str
    text: str
    label: str
    twin: str | None = None  # column naming the parallel pair (same value = same sentence)


DATASETS = (
    DataSet("banking77", "banking77/train.csv", "text", "category"),
    DataSet("wikit_nlu_fr", "wikit_nlu_fr/train.csv", "utterance", "intent"),
    DataSet("clinc150_en", "clinc150_en/dev.csv", "text", "label"),
    DataSet("slurp_en", "slurp_en/dev.csv", "text", "label"),
    DataSet("mtop_fr_en", "mtop_fr_en/dev.csv", "text", "label", twin="id"),
    DataSet("mintaka_fr_en", "mintaka_fr_en/dev.csv", "text", "label", twin="id"),
    DataSet("sib200_fr_en", "sib200_fr_en/dev.csv", "text", "label", twin="index_id"),
)


@dataclass
class Loaded:
    texts: list[str]
    labels: np.ndarray  # str
    twins: np.ndarray | None  # str, the pair key of each row (parallel sets)
    languages: np.ndarray | None


def load(ds: DataSet) -> Loaded | None:
    path = DATA / ds.path
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return Loaded(
        texts=[r[ds.text] for r in rows],
        labels=np.asarray([r[ds.label] for r in rows]),
        twins=np.asarray([r[ds.twin] for r in rows]) if ds.twin else None,
        languages=np.asarray([r["lang"] for r in rows]) if "lang" in rows[0] else None,
    )


def pool(data: Loaded, cap: int) -> Loaded:
    """The rows a set is measured on: all of them, or a stratified sample of `cap` (seed 0)."""
    if len(data.texts) <= cap:
        return data
    rows = stratified_sample(data, cap, seed=0)
    return Loaded(
        texts=[data.texts[i] for i in rows],
        labels=data.labels[rows],
        twins=data.twins[rows] if data.twins is not None else None,
        languages=data.languages[rows] if data.languages is not None else None,
    )


def cached_block(name: str, texts: list[str], encoder: str) -> np.ndarray:
    """One encoder's vectors of a data set, embedded once and kept in CACHE."""
    from ideas.clustering.vectors import get_embedder

    digest = hashlib.sha256("\n\x00".join(texts).encode("utf-8")).hexdigest()[:12]
    path = CACHE / f"{name}-{digest}-{encoder}.npy"
    if path.is_file():
        return np.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    matrix = get_embedder(encoder).embed(texts)  # type: ignore[arg-type]
    print(
        f"embedded {name} with {encoder}: {len(texts)} texts in "
        f"{time.perf_counter() - start:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, matrix)
    tmp.replace(path)
    return matrix


def blocks(name: str, texts: list[str], encoders: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    from ideas.clustering.vectors import ENSEMBLE

    return {encoder: cached_block(name, texts, encoder) for encoder in encoders or ENSEMBLE}


SIZES = (300, 1_000, 3_000, 0)  # 0 = the full set, capped at FULL_CAP
SEEDS = (0, 1, 2)
# Embedding 12,000 texts with the three encoders takes over ten minutes on two shared cores, and
# BERTopic's UMAP a minute per seed: a set larger than this is first cut to a stratified sample
# of this many rows (seed 0, the "pool"), which is the "full" size and what smaller sizes are
# drawn from. Only banking77 (10,003) and clinc150 (12,000) are cut.
FULL_CAP = int(os.environ.get("RUCHE_BENCH_FULL_CAP", "3000"))
METHODS = (
    "engine",
    "engine-target",
    "engine-target-x0.5",
    "engine-target-x2",
    "engine-auto",
    "engine-louvain",
    "engine-density",
    "engine-twins-apart",
    "bertopic",
    "kmeans",
    "sweep",
    "outliers",
)
# A person's hint is rarely exact: "engine-target-x0.5" / "-x2" tell the engine half or twice
# the true number of labels (at least 2).
TARGET_FACTORS = {"engine-target": 1.0, "engine-target-x0.5": 0.5, "engine-target-x2": 2.0}
# The engine with Louvain only, or density at every size ("engine": from 1,000 texts), or
# without its last step that puts French/English twins on one theme (cluster.keep_twins).
ENGINE_OPTIONS: dict[str, dict[str, Any]] = {
    "engine-louvain": {"density_from": None},
    "engine-density": {"density_from": 100},
    "engine-twins-apart": {"keep_twins": False},
}
DEFAULT_METHODS = ("engine", "bertopic", "kmeans", "sweep")
METHOD_LABELS = {
    "engine": "engine (default)",
    "engine-target": "engine told the true count (target_themes)",
    "engine-target-x0.5": "engine told half the true count",
    "engine-target-x2": "engine told twice the true count",
    "engine-auto": "engine, resolution chosen per corpus",
    "engine-louvain": "engine, Louvain at 2.0 at every size (the default until 2026-12-05)",
    "engine-density": "engine, density from 100 texts (the default: from 1,000)",
    "engine-twins-apart": "engine without pairing twins (the default until 2026-12-05)",
    "bertopic": "BERTopic default, same vectors",
    "kmeans": "k-means, true k given",
}
# "sweep": the engine's pipeline at each of these Louvain resolutions on the same sample, one
# JSON line per (set, size, seed, resolution) in --sweep-output, for bench.granularity to fit
# and check a resolution rule on (leave one data set out). Not in the markdown table.
SWEEP_GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
# "outliers": the engine's pipeline at each of these per-theme outlier cuts (median - z * MAD of
# the cosine to the theme's centroid; 3.0 is the default), one JSON line per (set, size, seed,
# z) in --outlier-output, for bench.outliers to fit and check a cut on (leave one set out).
OUTLIER_GRID = (3.0, 2.5, 2.0, 1.5, 1.25, 1.0)


@dataclass
class Sample:
    """One stratified sample of a development set, with its vectors (encoders side by side)."""

    name: str
    seed: int
    texts: list[str]
    vectors: np.ndarray
    truth: np.ndarray
    twins: np.ndarray | None

    @property
    def run(self) -> str:
        return f"{self.name} n={len(self.texts)} seed {self.seed}"


def samples(sets: str, sizes: str, seeds: str, encoders: tuple[str, ...]) -> Iterator[Sample]:
    """Each named set found under the data folder, pooled to FULL_CAP and embedded once, then
    sampled at each size (comma-separated; 0 is the whole pool, a size above it is skipped, two
    sizes giving the same rows run once) for each seed: the loop of the partition benches."""
    from ideas.clustering.vectors import side_by_side

    for ds in DATASETS:
        if ds.name not in sets.split(",") or (loaded := load(ds)) is None:
            continue
        data = pool(loaded, FULL_CAP)
        parts = blocks(ds.name, data.texts, encoders)
        ensemble = side_by_side([parts[e] for e in encoders])
        n = len(data.texts)
        for target in dict.fromkeys(min(int(s) or n, n) for s in sizes.split(",") if int(s) <= n):
            for seed in (int(s) for s in seeds.split(",")):
                rows = stratified_sample(data, target, seed)
                twins = data.twins[rows] if data.twins is not None else None
                texts = [data.texts[i] for i in rows]
                yield Sample(ds.name, seed, texts, ensemble[rows], data.labels[rows], twins)


def stratified_sample(data: Loaded, size: int, seed: int) -> np.ndarray:
    """Row indices of a label-stratified sample of `size` rows (all rows if size >= n).

    Parallel sets are sampled by pair, so every French row keeps its English twin."""
    rng = np.random.default_rng(seed)
    n = len(data.texts)
    if size >= n:
        return np.arange(n)
    if data.twins is not None:
        keys, first = np.unique(data.twins, return_index=True)
        unit_labels = data.labels[first]
        members = {k: np.flatnonzero(data.twins == k) for k in keys}
        per_unit = n / keys.size
        chosen = _allocate(unit_labels, round(size / per_unit), rng)
        return np.sort(np.concatenate([members[k] for k in keys[chosen]]))
    return np.sort(_allocate(data.labels, size, rng))


def _allocate(labels: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` indices with each label's share kept (largest remainders), random within labels."""
    classes, counts = np.unique(labels, return_counts=True)
    quota = counts * size / counts.sum()
    take = np.floor(quota).astype(int)
    order = np.argsort(-(quota - take), kind="stable")
    take[order[: size - int(take.sum())]] += 1
    picked = [
        rng.choice(np.flatnonzero(labels == c), size=t, replace=False)
        for c, t in zip(classes, take, strict=True)
        if t > 0
    ]
    return np.concatenate(picked)


def scores(truth: np.ndarray, labels: np.ndarray, twins: np.ndarray | None) -> dict[str, float]:
    """NMI / ARI with every unthemed row its own singleton (strict), coverage, themes, twins."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    themed = labels >= 0
    strict = labels.copy()
    strict[~themed] = labels.max(initial=0) + 1 + np.arange(int((~themed).sum()))
    out = {
        "nmi": float(normalized_mutual_info_score(truth, strict)),
        "ari": float(adjusted_rand_score(truth, strict)),
        "themed": float(themed.mean()),
        "themes": float(np.unique(labels[themed]).size),
        "true": float(np.unique(truth).size),
    }
    if twins is not None:
        order = np.argsort(twins, kind="stable")
        keys = twins[order]
        pair = np.flatnonzero(keys[:-1] == keys[1:])  # both rows of a pair are adjacent
        a, b = labels[order[pair]], labels[order[pair + 1]]
        out["twins"] = float(np.mean((a == b) & (a >= 0))) if pair.size else float("nan")
    return out


# The resolutions the engine chooses among ("engine-auto", cluster.choose_resolution).
AUTO_GRID = (1.0, 2.0, 4.0, 8.0)


def run_engine(
    texts: list[str],
    vectors: np.ndarray,
    seed: int,
    backend: str,
    auto: bool = False,
    target: int | None = None,
    options: dict[str, Any] | None = None,
) -> np.ndarray:
    from ideas.clustering import build_themes
    from ideas.clustering.cluster import ClusteringParams
    from ideas.clustering.vectors import BackendName

    params = ClusteringParams(**(options or {}))
    if auto:
        params = ClusteringParams(resolution_grid=AUTO_GRID)
    if target is not None:
        # The hint a product manager gives (issue #14): here the true number of labels.
        params = ClusteringParams(target_themes=target)
    # With vectors given, build_themes only reads the backend's name (the block layout), as
    # the portal passes its embedder: a layout name such as "e5+use+minilm" stands for it.
    model, _ = build_themes(
        texts, vectors=vectors, backend=cast("BackendName", backend), seed=seed, params=params
    )
    return model.labels


def run_params(
    texts: list[str], vectors: np.ndarray, seed: int, backend: str, params: list[ClusteringParams]
) -> list[np.ndarray]:
    """The engine's clustering with each of `params`, on the inputs build_themes would give it
    (TF-IDF view, guessed languages, block layout), prepared once."""
    from ideas.clustering.cluster import cluster_vectors
    from ideas.clustering.engine import LEXICAL_LIMIT, guess_languages
    from ideas.clustering.vectors import TfidfLsaEmbedder, l2_normalise

    vectors = l2_normalise(vectors)
    lexical = None
    if 20 <= len(texts) <= LEXICAL_LIMIT:
        lexical = TfidfLsaEmbedder(seed=seed).fit(texts).embed(texts)
    languages = guess_languages(texts, vectors)
    return [
        cluster_vectors(
            vectors, seed=seed, params=p, lexical=lexical, languages=languages, backend=backend
        ).labels
        for p in params
    ]


def run_sweep(
    texts: list[str], vectors: np.ndarray, seed: int, backend: str
) -> tuple[dict[float, np.ndarray], dict[str, float]]:
    """The engine's clustering at every resolution of SWEEP_GRID, and what the corpus looks
    like (rows, the mean cosine of each text's ten nearest neighbours above that of random
    pairs)."""
    from ideas.clustering.cluster import ClusteringParams
    from ideas.clustering.similarity import knn_graph
    from ideas.clustering.vectors import l2_normalise

    params = [ClusteringParams(resolution=r) for r in SWEEP_GRID]
    out = dict(zip(SWEEP_GRID, run_params(texts, vectors, seed, backend, params), strict=True))
    vectors = l2_normalise(vectors)
    _, sims = knn_graph(vectors, 10)
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(texts), (2, 4_000))
    random_pairs = float(np.mean(np.sum(vectors[a] * vectors[b], axis=1)))
    features = {"rows": float(len(texts)), "contrast": float(sims.mean()) - random_pairs}
    return out, features


def run_bertopic(texts: list[str], vectors: np.ndarray, seed: int) -> np.ndarray | None:
    """BERTopic's default pipeline (UMAP 5-d, HDBSCAN min_cluster_size 10) on our vectors;
    UMAP seeded so a figure can be reproduced."""
    try:
        from bertopic import BERTopic
        from hdbscan import HDBSCAN
        from umap import UMAP
    except ImportError:
        return None
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    hdb = HDBSCAN(min_cluster_size=10, metric="euclidean", prediction_data=True)
    model = BERTopic(umap_model=umap, hdbscan_model=hdb, min_topic_size=10)
    topics, _ = model.fit_transform(texts, vectors)
    return np.asarray(topics, dtype=np.int64)


def run_kmeans(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=3, random_state=seed).fit_predict(vectors).astype(np.int64)


@dataclass
class Result:
    dataset: str
    size: int
    method: str
    seed: int
    seconds: float
    s: dict[str, float]


def measure(
    ds: DataSet,
    data: Loaded,
    sizes: list[int],
    seeds: list[int],
    methods: list[str],
    encoders: tuple[str, ...] = (),
    sweep_output: Path | None = None,
    outlier_output: Path | None = None,
) -> list[Result]:
    from ideas.clustering.vectors import ENSEMBLE, side_by_side

    encoders = encoders or ENSEMBLE
    parts = blocks(ds.name, data.texts, encoders)
    ensemble = side_by_side([parts[e] for e in encoders])
    backend = "+".join(encoders)
    n = len(data.texts)
    out: list[Result] = []
    done_sizes: set[int] = set()
    for size in sizes:
        target = min(size or n, n)
        if target in done_sizes:  # e.g. "full" = 330 rows after the 300 sample of wikit
            continue
        if size and size > n:
            continue
        done_sizes.add(target)
        for seed in seeds:
            rows = stratified_sample(data, target, seed)
            texts = [data.texts[i] for i in rows]
            vecs = ensemble[rows]
            truth = data.labels[rows]
            twins = data.twins[rows] if data.twins is not None else None
            k = int(np.unique(truth).size)
            engine_labels: np.ndarray | None = None
            for method in methods:
                start = time.perf_counter()
                if method == "sweep":
                    sweep, features = run_sweep(texts, vecs, seed, backend)
                    if engine_labels is not None and 2.0 in sweep:  # same pipeline, same answer
                        same = bool(np.array_equal(sweep[2.0], engine_labels))
                        print(f"sweep at 2.0 = engine: {same}", file=sys.stderr, flush=True)
                    _write_sweep(
                        sweep_output,
                        {"dataset": ds.name, "size": int(rows.size), "seed": seed, **features},
                        "resolution",
                        sweep,
                        truth,
                        twins,
                    )
                    print(
                        f"{ds.name} n={rows.size} sweep seed {seed}: "
                        f"{time.perf_counter() - start:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
                    continue
                if method == "outliers":
                    from ideas.clustering.cluster import ClusteringParams

                    cuts = [ClusteringParams(outlier_z=z) for z in OUTLIER_GRID]
                    by_z = dict(
                        zip(
                            OUTLIER_GRID,
                            run_params(texts, vecs, seed, backend, cuts),
                            strict=True,
                        )
                    )
                    if engine_labels is not None and 3.0 in by_z:
                        same = bool(np.array_equal(by_z[3.0], engine_labels))
                        print(f"outliers at 3.0 = engine: {same}", file=sys.stderr, flush=True)
                    _write_sweep(
                        outlier_output,
                        {"dataset": ds.name, "size": int(rows.size), "seed": seed},
                        "outlier_z",
                        by_z,
                        truth,
                        twins,
                    )
                    print(
                        f"{ds.name} n={rows.size} outliers seed {seed}: "
                        f"{time.perf_counter() - start:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
                    continue
                if method in ("engine", "engine-auto", *ENGINE_OPTIONS, *TARGET_FACTORS):
                    factor = TARGET_FACTORS.get(method)
                    labels: np.ndarray | None = run_engine(
                        texts,
                        vecs,
                        seed,
                        backend,
                        auto=method == "engine-auto",
                        target=max(2, round(k * factor)) if factor else None,
                        options=ENGINE_OPTIONS.get(method),
                    )
                elif method == "bertopic":
                    labels = run_bertopic(texts, vecs, seed)
                else:
                    labels = run_kmeans(vecs, k, seed)
                secs = time.perf_counter() - start
                if labels is None:
                    continue
                if method == "engine":
                    engine_labels = labels
                result = Result(
                    ds.name, rows.size, method, seed, secs, scores(truth, labels, twins)
                )
                out.append(result)
                print(_progress_line(result), file=sys.stderr, flush=True)
    return out


def _write_sweep(
    path: Path | None,
    run: dict[str, object],
    knob: str,
    sweep: dict[float, np.ndarray],
    truth: np.ndarray,
    twins: np.ndarray | None,
) -> None:
    """One JSON line per value of the swept knob: the run's keys, the value, its scores."""
    import json

    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for value, labels in sweep.items():
            record = {**run, knob: value, **scores(truth, labels, twins)}
            handle.write(json.dumps(record) + "\n")


def add_sample_options(parser: argparse.ArgumentParser) -> None:
    """The sample options of the partition benches (partition_quality, partition_gate,
    partition_views, local_refine): which sets, sizes, seeds and encoders."""
    parser.add_argument("--sets", default=",".join(d.name for d in DATASETS))
    parser.add_argument("--sizes", default="1000,0")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--encoders", default="e5,use")


def report(sample: Sample, method: str, labels: np.ndarray, seconds: float, note: str = "") -> None:
    """One method's progress line for a sample on stderr (the format `read_logs` and
    `--from-logs` read), and its note below it."""
    scored = scores(sample.truth, labels, sample.twins)
    result = Result(sample.name, len(sample.texts), method, sample.seed, seconds, scored)
    print(_progress_line(result), file=sys.stderr, flush=True)
    if note:
        print(f"#   {method}: {note}", file=sys.stderr, flush=True)


def _progress_line(r: Result) -> str:
    s = r.s
    twins = f" twins {s['twins']:.2f}" if "twins" in s else ""
    return (
        f"{r.dataset} n={r.size} {r.method} seed {r.seed}: NMI {s['nmi']:.3f} ARI {s['ari']:.3f} "
        f"themed {s['themed']:.0%} themes {s['themes']:.0f}/{s['true']:.0f}{twins} "
        f"{r.seconds:.1f}s"
    )


_PROGRESS = re.compile(
    r"^(?P<dataset>\S+) n=(?P<size>\d+) (?P<method>\S+) seed (?P<seed>\d+): NMI (?P<nmi>[\d.]+) "
    r"ARI (?P<ari>-?[\d.]+) themed (?P<themed>\d+)% themes (?P<themes>\d+)/(?P<true>\d+)"
    r"(?: twins (?P<twins>[\d.]+|nan))? (?P<seconds>[\d.]+)s$"
)


def from_logs(paths: list[str]) -> list[Result]:
    """Results read back from the progress lines of one or more runs (stderr), so that a
    protocol split across processes (one per data set, say) gives one table."""
    out = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            m = _PROGRESS.match(line.strip())
            if not m or m["method"] not in METHODS:
                continue
            s = {k: float(m[k]) for k in ("nmi", "ari", "themes", "true")}
            s["themed"] = float(m["themed"]) / 100
            if m["twins"]:
                s["twins"] = float(m["twins"])
            out.append(
                Result(
                    m["dataset"],
                    int(m["size"]),
                    m["method"],
                    int(m["seed"]),
                    float(m["seconds"]),
                    s,
                )
            )
    return out


def _spread(values: list[float], digits: int = 3) -> str:
    """mean (min-max) over seeds."""
    if not values:
        return ""
    arr = np.asarray(values, dtype=float)
    if arr.size == 1:
        return f"{arr[0]:.{digits}f}"
    return f"{arr.mean():.{digits}f} ({arr.min():.{digits}f}–{arr.max():.{digits}f})"


def table(results: list[Result]) -> list[str]:
    lines = [
        "| data set | texts | method | themes / true | themed | NMI | ARI | twins together "
        "| time s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted(
        {(r.dataset, r.size, r.method) for r in results},
        key=lambda k: (
            [d.name for d in DATASETS].index(k[0]),
            k[1],
            METHODS.index(k[2]),
        ),
    )
    for dataset, size, method in keys:
        group = [r for r in results if (r.dataset, r.size, r.method) == (dataset, size, method)]
        themes = [r.s["themes"] for r in group]
        twins = [r.s["twins"] for r in group if "twins" in r.s]
        lines.append(
            f"| {dataset} | {size:,} | {METHOD_LABELS[method]} "
            f"| {min(themes):.0f}–{max(themes):.0f} / {group[0].s['true']:.0f} "
            f"| {_spread([100 * r.s['themed'] for r in group], 0)}% "
            f"| {_spread([r.s['nmi'] for r in group])} | {_spread([r.s['ari'] for r in group])} "
            f"| {_spread(twins, 2) if twins else ''} "
            f"| {_spread([r.seconds for r in group], 1)} |"
        )
    return lines


def verdict(results: list[Result]) -> list[str]:
    """Targets of issue #14 at every size >= 1,000: engine NMI and ARI >= BERTopic's (mean over
    seeds), coverage >= 90%, twins >= 90% on parallel sets."""
    lines = [
        "| data set | texts | NMI engine − BERTopic | ARI engine − BERTopic | themed | twins "
        "| verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for ds in DATASETS:
        for size in sorted({r.size for r in results if r.dataset == ds.name}):
            if size < 1_000:
                continue
            eng = [r for r in results if (r.dataset, r.size, r.method) == (ds.name, size, "engine")]
            bt = [
                r for r in results if (r.dataset, r.size, r.method) == (ds.name, size, "bertopic")
            ]
            if not eng:
                continue
            missed = []
            d_nmi = d_ari = ""
            if bt:
                dn = np.mean([r.s["nmi"] for r in eng]) - np.mean([r.s["nmi"] for r in bt])
                da = np.mean([r.s["ari"] for r in eng]) - np.mean([r.s["ari"] for r in bt])
                d_nmi, d_ari = f"{dn:+.3f}", f"{da:+.3f}"
                if dn < 0:
                    missed.append(f"NMI {dn:+.3f}")
                if da < 0:
                    missed.append(f"ARI {da:+.3f}")
            themed = min(r.s["themed"] for r in eng)
            if themed < 0.9:
                missed.append(f"themed {themed:.0%}")
            twins_txt = ""
            if ds.twin:
                tw = float(np.mean([r.s["twins"] for r in eng]))
                twins_txt = f"{tw:.2f}"
                if tw < 0.9:
                    missed.append(f"twins {tw:.2f}")
            if missed:
                outcome = "missed: " + ", ".join(missed)
            else:
                outcome = "met" if bt else "not shown (no BERTopic run)"
            lines.append(
                f"| {ds.name} | {size:,} | {d_nmi} | {d_ari} | ≥ {themed:.0%} | {twins_txt} "
                f"| {outcome} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed-only", action="store_true", help="fill the cache and stop")
    parser.add_argument("--sets", default=",".join(d.name for d in DATASETS))
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="0 = full")
    parser.add_argument("--seeds", default=",".join(str(s) for s in SEEDS))
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS), help=", ".join(METHODS))
    add_data_option(parser)
    parser.add_argument(
        "--sweep-output",
        default=str(ROOT / "var" / "bench-sizes-sweep.jsonl"),
        help="JSON lines of the resolution sweep, rewritten by each run (for bench.granularity)",
    )
    parser.add_argument(
        "--outlier-output",
        default=str(ROOT / "var" / "bench-sizes-outliers.jsonl"),
        help="JSON lines of the outlier-cut sweep, rewritten by each run (for bench.outliers)",
    )
    parser.add_argument("--output", default=None, help="also write the markdown here")
    parser.add_argument(
        "--encoders", default="", help="e.g. e5,use (default: the engine's ensemble)"
    )
    parser.add_argument(
        "--from-logs",
        nargs="+",
        default=None,
        help="no measuring: the table and verdict of these runs' progress logs (stderr)",
    )
    args = parser.parse_args(argv)
    if args.from_logs:
        merged = from_logs(args.from_logs)
        print("\n".join([*table(merged), "", *verdict(merged)]))
        return 0
    global DATA
    found = found_data_dir(args.data)
    if found is None:
        return MISSING
    DATA = found
    wanted = args.sets.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    methods = [m for m in args.methods.split(",") if m in METHODS]
    report = [
        "### Themes at several corpus sizes (issue #14 protocol)\n",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load at start: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}. Stratified subsamples (parallel sets "
        f"by pair, both languages mixed in one run), seeds {', '.join(map(str, seeds))}; "
        f"full sets above {FULL_CAP:,} rows are capped to a stratified {FULL_CAP:,}. NMI and "
        "ARI count each unthemed text as its own singleton. Figures: mean (min–max) over "
        "seeds.\n",
    ]
    results: list[Result] = []
    if "sweep" in methods and not args.embed_only:
        Path(args.sweep_output).unlink(missing_ok=True)
    if "outliers" in methods and not args.embed_only:
        Path(args.outlier_output).unlink(missing_ok=True)
    for ds in DATASETS:
        if ds.name not in wanted:
            continue
        loaded = load(ds)
        if loaded is None:
            report.append(f"* {ds.name}: **not found** under {DATA}; skipped.")
            print(f"{ds.name}: not found under {DATA}", file=sys.stderr)
            continue
        data = pool(loaded, FULL_CAP)
        if args.embed_only:
            blocks(ds.name, data.texts, tuple(e for e in args.encoders.split(",") if e))
            continue
        encoders = tuple(e for e in args.encoders.split(",") if e)
        results += measure(
            ds,
            data,
            sizes,
            seeds,
            methods,
            encoders,
            sweep_output=Path(args.sweep_output),
            outlier_output=Path(args.outlier_output),
        )
    if args.embed_only:
        return 0
    report += ["", *table(results), "", "Targets at sizes ≥ 1,000 (means over seeds):\n"]
    report += verdict(results)
    text = "\n".join(report)
    print(text)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
