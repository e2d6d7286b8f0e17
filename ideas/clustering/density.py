"""Themes as the dense regions of a UMAP layout (issue #14): the number of themes follows the data.

Louvain at a constant resolution found 74 themes for CLINC150's 150 intents at 3,000 texts and
26-36 for Mintaka's 8 topics; no rule for choosing its resolution held on every set
(docs/clustering.md). This is the other way the issue names: UMAP lays the graph features out
in 5 dimensions from each row's 15 nearest neighbours (cosine, min_dist 0), and HDBSCAN keeps
the regions that stay dense as themes, whatever their number. The caller finishes them as it
finishes Louvain's (outlier cut, tiny themes dissolved), then joins every row still left out to
its nearest theme (`join_left_out`), so that every idea with text is on a theme.

Measured against Louvain at 2.0 (docs/benchmarks.md, "Density from 1,000 texts"): better on
average from 1,000 texts and on samples never drawn before; wrong on small corpora, where a
minimum of 10 rows per dense region cannot see intents of 4 texts, hence
`ClusteringParams.density_from` (1,000 texts) in cluster.py. umap-learn brings numba, which
compiles UMAP on first use in each process (20-40 s), so it is imported only here, only when a
corpus is large enough.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.similarity import UNTHEMED

# BERTopic's defaults, which the issue measures the engine against.
NEIGHBOURS = 15
DIMENSIONS = 5
MIN_CLUSTER = 10
# ...but a fixed minimum makes the finest theme a fixed number of texts, so the number of themes
# grows with the corpus (BANKING77's 77 intents: 102 themes at 3,000 texts, 224 at 6,000, 329 at
# 10,000; BERTopic the same). From 3,000 texts a dense region must hold 1 text in 300 instead:
# 93 and 84 themes at 6,000 and 10,000 (docs/benchmarks.md, "Density on larger corpora").
CORPUS_SHARE = 300


def min_region(rows: int, min_size: int) -> int:
    """The fewest texts a dense region of a corpus of `rows` texts must hold to be a theme."""
    return max(MIN_CLUSTER, min_size, round(rows / CORPUS_SHARE))


def dense_regions(features: np.ndarray, seed: int, min_size: int) -> np.ndarray:
    """HDBSCAN's clusters (-1 = noise) of a seeded 5-d UMAP layout of `features` (rows)."""
    from sklearn.cluster import HDBSCAN

    with warnings.catch_warnings():
        # umap-learn warns that a seed makes the layout single-threaded, and (through numba)
        # about threading layers; neither is actionable here.
        warnings.simplefilter("ignore")
        from umap import UMAP

        layout = UMAP(
            n_neighbors=min(NEIGHBOURS, features.shape[0] - 1),
            n_components=DIMENSIONS,
            min_dist=0.0,
            metric="cosine",
            random_state=seed,
            n_jobs=1,
        ).fit_transform(features)
    density = HDBSCAN(min_cluster_size=min_region(features.shape[0], min_size), copy=True)
    return density.fit_predict(layout).astype(np.int64)


def join_left_out(vectors: np.ndarray, labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`labels` with every row of `rows` still unthemed joined to the theme whose centroid (the
    mean of its members' `vectors`) is nearest by cosine."""
    out = labels.copy()
    loose = rows[labels[rows] == UNTHEMED]
    n_themes = int(labels.max()) + 1 if labels.size else 0
    if not loose.size or n_themes == 0:
        return out
    themed = np.flatnonzero(labels >= 0)
    members = sp.csr_matrix(
        (np.ones(themed.size, dtype=np.float32), (labels[themed], themed)),
        shape=(n_themes, labels.size),
    )
    centroids = l2_normalise(np.asarray(members @ vectors, dtype=np.float32))
    out[loose] = np.argmax(vectors[loose] @ centroids.T, axis=1)
    return out
