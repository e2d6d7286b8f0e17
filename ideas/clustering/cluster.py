"""Theme discovery on normalised vectors: the number of themes is chosen, or hinted.

From `density_from` texts (1,000) up to `exact_limit`, themes are the dense regions of a UMAP
layout of the graph features (density.py), finished as in step 4, and every text still left out
joins its nearest theme. Otherwise (small or very large corpora, a hint), the pipeline is the
following (all deterministic for a fixed seed, as the density path is):

1. Units. Up to `exact_limit` vectors, every distinct vector is a unit. Above that, vectors are
   over-clustered with MiniBatchKMeans into a few thousand micro-clusters whose centroids are the
   units; this is what keeps 1M vectors tractable in time and memory.
2. Smoothing. Each unit is averaged with its nearest neighbours, which pulls paraphrases
   together and was measured to help every backend.
3. Graph communities. A weighted k-nearest-neighbour graph of the units is split by Louvain
   modularity optimisation; modularity decides how many themes there are. (Silhouette rose
   monotonically with k on our measurements and distance-threshold agglomeration fragments.)
   A person may hint the number of themes (`target_themes`): the resolution is then searched
   on the same graph so the finished themes number as close to the hint as possible.
4. Outliers. Inside each theme, members whose cosine to the centroid is abnormally low
   (median - z * MAD) are unthemed (-1); themes left smaller than `min_theme_size` dissolve.
   Unthemed vectors then join a theme only if they pass that theme's own cut, the same rule
   as incremental assignment.

On both paths, in a bilingual corpus of up to `exact_limit` texts, French/English twins (each
other's nearest neighbour) end on one theme (twins.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.density import dense_regions, join_left_out
from ideas.clustering.similarity import UNTHEMED, assign_to_themes, knn_graph
from ideas.clustering.twins import join_twins, twin_pairs
from ideas.clustering.vectors import cross_lingual_view

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClusteringParams:
    """Knobs with defaults that are generic (not fitted to one data set)."""

    n_neighbors: int = 10
    # >1 favours more, finer themes. 2.0 beat 1.5 on all three labelled sets with the ensemble
    # vectors (docs/benchmarks.md); outliers and tiny themes are still cut afterwards. Known
    # limit (issue #14): a constant does not follow the corpus size (55 themes for BANKING77's
    # 77 intents on 3,080 texts, 110 on 10,003); see docs/clustering.md for what was tried.
    resolution: float = 2.0
    # When set, the resolution is chosen per corpus among these (choose_resolution) instead.
    resolution_grid: tuple[float, ...] | None = None
    # An outside hint (issue #14): the number of themes a person expects. When set, the
    # resolution is searched (resolution_for_target) so that the themes left after the outlier
    # cut and the dissolving of tiny themes number as close to it as the graph allows. No
    # label-free score told finer intents from sub-topics (docs/clustering.md); a product
    # manager can. None keeps the constant `resolution`.
    target_themes: int | None = None
    # Louvain runs the search may spend (each costs about one default run).
    target_runs: int = 12
    # From this many texts (and up to exact_limit), themes are the dense regions of a UMAP
    # layout (density.py) and their number follows the data; below it, Louvain at `resolution`,
    # which is right on small corpora where density is not (docs/benchmarks.md). None: Louvain
    # always. A hint (target_themes, resolution_grid) always searches Louvain's resolution.
    density_from: int | None = 1_000
    # In a bilingual corpus (up to exact_limit texts), a French text and the English one that
    # are each other's nearest neighbour share a theme (twins.py).
    keep_twins: bool = True
    smoothing: bool = True
    exact_limit: int = 20_000
    micro_clusters: int | None = None
    min_theme_size: int | None = None
    outlier_z: float = 3.0
    # Weight of the optional lexical block (TF-IDF + LSA) appended to the vectors for the graph.
    lexical_weight: float = 0.5
    # Subtract each language's mean vector before building the graph (see center_by_language).
    center_languages: bool = True
    # A corpus is bilingual when a second language has at least this share of the rows (and
    # 5 rows): its graph then compares texts with the cross-lingual encoders only.
    bilingual_share: float = 0.02

    def __post_init__(self) -> None:
        if self.target_themes is not None:
            if self.target_themes < 1:
                raise ValueError("target_themes must be at least 1")
            if self.resolution_grid:
                raise ValueError("give target_themes or resolution_grid, not both")
        if self.target_runs < 1:
            raise ValueError("target_runs must be at least 1")
        if self.density_from is not None and self.density_from < 100:
            # A layout of a few dozen points is noise, and HDBSCAN needs 10 per theme.
            raise ValueError("density_from must be at least 100 (or None)")


@dataclass
class Clustering:
    """Result of `cluster_vectors`. Theme ids are 0..n_themes-1, largest theme first."""

    labels: np.ndarray  # (n,) int64, -1 = unthemed
    centroids: np.ndarray  # (n_themes, d) float32, normalised, in the input vector space
    thresholds: np.ndarray  # (n_themes,) float32: min cosine to join each theme
    sizes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    resolution: float = 0.0  # the Louvain resolution used; 0 = no Louvain (density, or too few)

    @property
    def n_themes(self) -> int:
        return int(self.centroids.shape[0])

    @property
    def themed_fraction(self) -> float:
        return float(np.mean(self.labels >= 0)) if self.labels.size else 0.0


def default_min_theme_size(n: int) -> int:
    """3 for small sets, then 0.1% of the data: a theme must be worth a person's attention."""
    return max(3, round(0.001 * n))


def default_micro_clusters(n: int) -> int:
    return int(np.clip(n // 50, 2_000, 4_000))


def center_by_language(vectors: np.ndarray, languages: np.ndarray, min_rows: int = 5) -> np.ndarray:
    """Remove what all texts of one language share, so texts group by subject, not language.

    Multilingual sentence embeddings carry a strong "this is French" direction: French ideas
    sit closer to each other than to their English twins. Subtracting each language's mean
    vector (languages with at least `min_rows` texts) removes it; with one language it is plain
    mean-centring, which also helps by removing the direction every text shares. Measured on
    Ruche's bilingual demo ideas: NMI 0.40 -> 0.65; banking77 0.734 -> 0.777; wikit 0.74 -> 0.72.
    """
    out = np.array(vectors, dtype=np.float32, copy=True)
    for language in np.unique(languages):
        rows = languages == language
        if rows.sum() >= min_rows:
            out[rows] -= out[rows].mean(axis=0)
    return l2_normalise(out)


def is_bilingual(languages: np.ndarray, share: float, min_rows: int = 5) -> bool:
    """True when at least two languages each hold `share` of the rows and `min_rows` rows."""
    _, counts = np.unique(languages, return_counts=True)
    enough = (counts >= min_rows) & (counts >= share * languages.size)
    return int(enough.sum()) >= 2


def _smooth(units: np.ndarray, k: int) -> np.ndarray:
    if units.shape[0] <= 2 or k <= 0:
        return units
    idx, _ = knn_graph(units, k)
    neighbourhood = (units[idx].sum(axis=1) + units) / (idx.shape[1] + 1)
    return l2_normalise(units + neighbourhood)


def _graph(units: np.ndarray, n_neighbors: int) -> Any:
    """Symmetric kNN graph of the units (networkx), edges weighted by cosine."""
    import networkx as nx  # lazy: keeps `import ideas.clustering` light
    import scipy.sparse as sp

    n = units.shape[0]
    idx, sims = knn_graph(units, n_neighbors)
    weights = np.clip(sims.ravel(), 1e-6, None).astype(np.float64)
    rows = np.repeat(np.arange(n), idx.shape[1])
    adjacency = sp.csr_matrix((weights, (rows, idx.ravel())), shape=(n, n))
    adjacency = adjacency.maximum(adjacency.T)
    return nx.from_scipy_sparse_array(adjacency)


def _louvain(graph: Any, resolution: float, seed: int) -> np.ndarray:
    """Community id per node, ordered by (size desc, smallest member): ids do not depend on
    set iteration order."""
    import networkx as nx

    n = graph.number_of_nodes()
    if n <= 2:
        return np.zeros(n, dtype=np.int64)
    communities = nx.community.louvain_communities(
        graph, weight="weight", resolution=resolution, seed=seed
    )
    labels = np.empty(n, dtype=np.int64)
    ordered = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))
    for cid, members in enumerate(ordered):
        labels[members] = cid
    return labels


def choose_resolution(graph: Any, grid: tuple[float, ...], seed: int) -> tuple[float, np.ndarray]:
    """The resolution of the grid whose partition the graph itself supports best, and that
    partition: at each resolution Louvain runs from two seeds, and the one whose two partitions
    agree most (adjusted Rand index) wins; ties go to the lower resolution. A resolution finer
    than the data's structure splits themes arbitrarily, so two seeds disagree; one coarser
    merges themes in whichever order the seed visits them."""
    from sklearn.metrics import adjusted_rand_score

    best: tuple[float, float, np.ndarray] | None = None
    for resolution in sorted(grid):
        first = _louvain(graph, resolution, seed)
        second = _louvain(graph, resolution, seed + 1)
        agreement = float(adjusted_rand_score(first, second))
        if best is None or agreement > best[0] + 1e-9:
            best = (agreement, resolution, first)
    assert best is not None
    return best[1], best[2]


# The resolutions the target search may reach: below, Louvain returns one community on every
# graph we measured; above, the finest partitions are tiny themes that the finishing dissolves.
TARGET_MIN_RESOLUTION = 1 / 64
TARGET_MAX_RESOLUTION = 256.0


def resolution_for_target(
    graph: Any,
    target: int,
    seed: int,
    count: Callable[[np.ndarray], int],
    start: float = 2.0,
    runs: int = 12,
) -> tuple[float, np.ndarray]:
    """The resolution whose partition gives the number of themes closest to `target`, and that
    partition; `count` turns Louvain's communities into the number of themes that survive the
    engine's finishing (tiny themes dissolve, so Louvain's own count overshoots).

    1. Louvain at `start`; then the resolution doubles (too few themes) or halves (too many)
       until the target is bracketed or a bound is reached.
    2. Bisection of the bracket on a log scale until the count equals the target, the bracket
       is narrower than 1%, or `runs` Louvain runs were spent.
    3. Of every resolution tried, the closest count wins; ties go to the lower resolution
       (fewer, broader themes). Every run uses the same seed, so the choice is reproducible.
    The count grows with the resolution only roughly (Louvain is greedy), which is why the
    winner is taken among all runs rather than the last bracket.
    """
    tried: dict[float, tuple[int, np.ndarray]] = {}

    def at(resolution: float) -> int:
        if resolution not in tried:
            labels = _louvain(graph, resolution, seed)
            tried[resolution] = (count(labels), labels)
        return tried[resolution][0]

    low = high = float(np.clip(start, TARGET_MIN_RESOLUTION, TARGET_MAX_RESOLUTION))
    found = at(low)
    if found < target:
        while found < target and high < TARGET_MAX_RESOLUTION and len(tried) < runs:
            low, high = high, min(high * 2, TARGET_MAX_RESOLUTION)
            found = at(high)
    elif found > target:
        while found > target and low > TARGET_MIN_RESOLUTION and len(tried) < runs:
            low, high = max(low / 2, TARGET_MIN_RESOLUTION), low
            found = at(low)
    if at(low) < target < at(high):
        while len(tried) < runs and high / low > 1.01:
            middle = float(np.sqrt(low * high))
            found = at(middle)
            if found == target:
                break
            low, high = (middle, high) if found < target else (low, middle)
    best = min(tried, key=lambda r: (abs(tried[r][0] - target), r))
    return best, tried[best][1]


def _units(
    features: np.ndarray, params: ClusteringParams, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(unit vectors, unit index of every row). Exact duplicates always share a unit."""
    n = features.shape[0]
    if n <= params.exact_limit:
        # Identical texts must not be split by arbitrary kNN tie-breaking: dedupe first.
        units, inverse = np.unique(features, axis=0, return_inverse=True)
        return units, inverse.reshape(-1)
    from sklearn.cluster import MiniBatchKMeans

    m = params.micro_clusters or default_micro_clusters(n)
    kmeans = MiniBatchKMeans(
        n_clusters=m,
        random_state=seed,
        batch_size=max(4_096, 2 * m),
        # k-means++ seeding of thousands of centres cost 80% of the run time at 100k vectors;
        # random seeding is fine here because the micro-clusters are merged afterwards anyway.
        init="random",
        n_init=1,
        max_iter=50,
        max_no_improvement=10,
        reassignment_ratio=0.0,
    )
    assignment = kmeans.fit_predict(features).astype(np.int64)
    # Drop empty micro-clusters so that every unit stands for real data.
    used, inverse = np.unique(assignment, return_inverse=True)
    return l2_normalise(kmeans.cluster_centers_[used]), inverse.reshape(-1)


def _random_pair_similarity(
    vectors: np.ndarray, seed: int, rows: np.ndarray, pairs: int = 4_000
) -> float:
    """Mean cosine of random pairs: what 'unrelated' looks like in this vector space.

    Sentence embeddings sit around 0.7-0.8 for unrelated texts, LSA vectors near 0, so
    absolute thresholds would not carry from one backend to another; this baseline does.
    """
    if rows.size < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    # Indices into `rows` (not a copy of those vectors: at 1M x 1,280 floats that is 5 GB).
    a = rows[rng.integers(0, rows.size, pairs)]
    b = rows[rng.integers(0, rows.size, pairs)]
    keep = a != b
    return (
        float(np.mean(np.sum(vectors[a[keep]] * vectors[b[keep]], axis=1))) if keep.any() else 0.0
    )


def _finalise(
    vectors: np.ndarray, raw: np.ndarray, params: ClusteringParams, min_size: int, seed: int = 0
) -> Clustering:
    """Outlier cut per theme, dissolve tiny themes, recompute centroids, renumber by size."""
    labels = raw.copy()
    baseline = _random_pair_similarity(vectors, seed, rows=np.flatnonzero(raw >= 0))
    centroids: list[np.ndarray] = []
    thresholds: list[float] = []
    for theme in range(int(raw.max()) + 1 if raw.size else 0):
        members = np.flatnonzero(raw == theme)
        if members.size < min_size:
            labels[members] = UNTHEMED
            continue
        centroid = l2_normalise(vectors[members].mean(axis=0))[0]
        sims = vectors[members] @ centroid
        median = float(np.median(sims))
        mad = float(np.median(np.abs(sims - median))) * 1.4826
        # Robust cut, but never below a quarter of the way from "two random vectors of this
        # collection" to "a typical member": otherwise a loose theme could swallow pure noise.
        floor = baseline + 0.25 * (median - baseline)
        cut = max(median - params.outlier_z * max(mad, 1e-3), floor)
        kept = members[sims >= cut]
        labels[members[sims < cut]] = UNTHEMED
        if kept.size < min_size:
            labels[kept] = UNTHEMED
            continue
        centroids.append(l2_normalise(vectors[kept].mean(axis=0))[0])
        thresholds.append(cut)
        labels[kept] = len(centroids) - 1 + 1_000_000  # temporary id, renumbered below
    labels[labels >= 0] -= 1_000_000
    if not centroids:
        dim = vectors.shape[1]
        return Clustering(
            labels=np.full(vectors.shape[0], UNTHEMED, dtype=np.int64),
            centroids=np.empty((0, dim), dtype=np.float32),
            thresholds=np.empty(0, dtype=np.float32),
            sizes=np.empty(0, dtype=np.int64),
        )
    cents = np.stack(centroids).astype(np.float32)
    cuts = np.asarray(thresholds, dtype=np.float32)
    # Unthemed vectors (from dissolved themes) get the same chance as a new idea would.
    loose = np.flatnonzero(labels == UNTHEMED)
    if loose.size:
        joined, _ = assign_to_themes(vectors[loose], cents, cuts)
        labels[loose] = joined
    return _relabelled(Clustering(labels=labels, centroids=cents, thresholds=cuts), labels)


def _by_density(params: ClusteringParams, rows: int) -> bool:
    """Whether themes come from density (density.py) rather than Louvain for `rows` texts."""
    hinted = params.target_themes is not None or bool(params.resolution_grid)
    start = params.density_from
    return not hinted and start is not None and start <= rows <= params.exact_limit


def _relabelled(result: Clustering, labels: np.ndarray) -> Clustering:
    """`result` with rows moved between its themes (`labels`), renumbered largest first; the
    themes' centroids and thresholds stay those of their finished members."""
    labels = labels.astype(np.int64)  # a copy
    sizes = np.bincount(labels[labels >= 0], minlength=result.n_themes)
    order = np.lexsort((np.arange(sizes.size), -sizes))
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    labels[labels >= 0] = remap[labels[labels >= 0]]
    return Clustering(
        labels=labels,
        centroids=result.centroids[order],
        thresholds=result.thresholds[order],
        sizes=sizes[order].astype(np.int64),
    )


def cluster_vectors(
    vectors: np.ndarray,
    seed: int = 0,
    params: ClusteringParams | None = None,
    lexical: np.ndarray | None = None,
    languages: np.ndarray | None = None,
    backend: str | None = None,
) -> Clustering:
    """Group normalised vectors into themes; the number of themes is found (or hinted by
    `params.target_themes`, then searched for: see resolution_for_target).

    `lexical` (optional, same row count) is a second representation of the same texts, e.g.
    TF-IDF + LSA vectors; it only shapes the neighbour graph, while centroids and thresholds
    stay in the space of `vectors` so that stored vectors can be assigned later on their own.
    `languages` (optional, one code per row) lets the graph ignore the language of the texts.
    `backend` (optional, e.g. "e5+use+minilm") names the blocks of `vectors`: in a bilingual
    corpus the graph then uses only the cross-lingual blocks and no lexical view, because an
    English-only encoder and word overlap both put a French text far from its English twin
    (on MTOP's parallel commands only 39% of twins shared a theme with every block).
    """
    params = params or ClusteringParams()
    vectors = l2_normalise(vectors)
    n = vectors.shape[0]
    labels = np.full(n, UNTHEMED, dtype=np.int64)
    # Blank texts are never themed. (einsum: no temporary the size of the matrix.)
    valid = np.flatnonzero(np.einsum("ij,ij->i", vectors, vectors) > 0.0)
    min_size = params.min_theme_size or default_min_theme_size(valid.size)
    if valid.size < min_size:
        return _finalise(vectors, labels, params, min_size, seed)

    # Stored vectors are mostly all valid: index (copy) only when some rows must go.
    features = vectors if valid.size == n else vectors[valid]
    row_languages = None if languages is None else np.asarray(languages)[valid]
    bilingual = row_languages is not None and is_bilingual(row_languages, params.bilingual_share)
    if bilingual and backend is not None:
        view = cross_lingual_view(features, backend)
        if view is not None:
            features = view
        lexical = None
    if row_languages is not None and params.center_languages:
        features = center_by_language(features, row_languages)
    if lexical is not None and params.lexical_weight > 0:
        lex = l2_normalise(lexical)[valid] * np.float32(params.lexical_weight)
        features = l2_normalise(np.hstack([features, lex]))

    # Twins are found among all rows: not on the micro-cluster path (a million rows).
    pairs = (
        valid[twin_pairs(features, row_languages)]
        if row_languages is not None
        and bilingual
        and params.keep_twins
        and valid.size <= params.exact_limit
        else None
    )

    def finished(result: Clustering, resolution: float = 0.0) -> Clustering:
        """`result` with each pair of twins on one theme, and the resolution it used."""
        if pairs is not None:
            joined = join_twins(vectors, result.centroids, result.labels, pairs)
            result = _relabelled(result, joined)
        return replace(result, resolution=resolution)

    if _by_density(params, valid.size):
        labels[valid] = dense_regions(features, seed, min_size)
        themes = _finalise(vectors, labels, params, min_size, seed)
        return finished(_relabelled(themes, join_left_out(vectors, themes.labels, valid)))

    units, unit_of_row = _units(features, params, seed)
    if units.shape[0] < valid.size and valid.size > params.exact_limit:
        # Micro-cluster centroids are already averages: a smaller neighbourhood keeps small
        # themes (a handful of micro-clusters) from being absorbed by their neighbours.
        params = replace(params, n_neighbors=max(3, params.n_neighbors // 2))
    if params.smoothing:
        units = _smooth(units, params.n_neighbors)
    if units.shape[0] <= 2:
        resolution, unit_labels = 0.0, np.zeros(units.shape[0], dtype=np.int64)
    else:
        graph = _graph(units, params.n_neighbors)
        if params.target_themes is not None:
            candidates: dict[bytes, Clustering] = {}  # each candidate's finished themes

            def themes_left(candidate: np.ndarray) -> int:
                trial = labels.copy()
                trial[valid] = candidate[unit_of_row]
                done = candidates[candidate.tobytes()] = _finalise(
                    vectors, trial, params, min_size, seed
                )
                return done.n_themes

            resolution, unit_labels = resolution_for_target(
                graph,
                params.target_themes,
                seed,
                themes_left,
                start=params.resolution,
                runs=params.target_runs,
            )
            # The winner was finished during the search: not again.
            return finished(candidates[unit_labels.tobytes()], resolution)
        elif params.resolution_grid:
            resolution, unit_labels = choose_resolution(graph, params.resolution_grid, seed)
        else:
            resolution = params.resolution
            unit_labels = _louvain(graph, resolution, seed)
    labels[valid] = unit_labels[unit_of_row]
    logger.debug("%d units -> %d communities", units.shape[0], int(unit_labels.max()) + 1)
    return finished(_finalise(vectors, labels, params, min_size, seed), resolution)
