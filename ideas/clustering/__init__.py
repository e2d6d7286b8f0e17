"""Ruche themes engine: Django-free text -> vectors -> themes, all on premises.

Public API (plain dataclasses and numpy arrays in and out):

* `embed_texts(texts, backend="auto")` -> (float32 L2-normalised matrix, embedder)
* `build_themes(texts, vectors=None, backend="auto", seed=0)` -> (ThemeModel, embedder)
* `cluster_vectors(vectors, seed=0)` -> Clustering (labels, centroids, thresholds)
* `assign_new(vectors, model)` / `assign_to_themes(vectors, centroids, thresholds)`
* `similar_ideas(query, stored, k=5)` -> Neighbours (indices, scores)
* `SearchIndex(stored).search(query, k=5)` -> the same, fast on large stored matrices
* `project_centroids_2d(centroids)` -> (n_themes, 2) coordinates
"""

import os

# OpenBLAS (numpy) worker threads spin for about 0.1 s after each matrix product by default.
# e5's OpenMP threads, started right after a MiniLM or USE product, then share the two cores
# with spinning threads: one text took 80-90 ms instead of 8. Measured: ensemble p95 136 ms
# -> 22 ms for one text, batch throughput -10% for MiniLM. It must be set before numpy loads
# OpenBLAS; `config` sets it too, for the Django entry points.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.cluster import Clustering, ClusteringParams, cluster_vectors
from ideas.clustering.engine import ThemeModel, assign_new, build_themes, similar_ideas
from ideas.clustering.labels import Theme, describe_themes
from ideas.clustering.projection import project_centroids_2d
from ideas.clustering.similarity import (
    UNTHEMED,
    Neighbours,
    SearchIndex,
    assign_to_themes,
    top_k_similar,
)
from ideas.clustering.text import PreparedText, detect_language, prepare_text, prepare_texts
from ideas.clustering.vectors import (
    E5Embedder,
    Embedder,
    TfidfLsaEmbedder,
    e5_available,
    embed_texts,
    get_embedder,
)

__all__ = [
    "UNTHEMED",
    "Clustering",
    "ClusteringParams",
    "E5Embedder",
    "Embedder",
    "Neighbours",
    "PreparedText",
    "SearchIndex",
    "TfidfLsaEmbedder",
    "Theme",
    "ThemeModel",
    "assign_new",
    "assign_to_themes",
    "build_themes",
    "cluster_vectors",
    "describe_themes",
    "detect_language",
    "e5_available",
    "embed_texts",
    "get_embedder",
    "l2_normalise",
    "prepare_text",
    "prepare_texts",
    "project_centroids_2d",
    "similar_ideas",
    "top_k_similar",
]
