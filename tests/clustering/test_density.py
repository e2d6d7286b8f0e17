"""From 1,000 texts, themes are the dense regions of a UMAP layout (issue #14)."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from ideas.clustering.cluster import ClusteringParams, cluster_vectors
from ideas.clustering.density import join_left_out, min_region

LOUVAIN = ClusteringParams(density_from=None)


def many_small_themes(themes: int, per: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`themes` tight groups of `per` vectors around centres that share a large common part,
    as sentence embeddings do (unrelated texts still have a cosine of about 0.7)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(themes, 64))
    x = np.vstack([c + 0.25 * rng.normal(size=(per, 64)) for c in centres]) + 5.0
    return x.astype(np.float32), np.repeat(np.arange(themes), per)


def test_the_number_of_themes_follows_the_data_where_louvain_at_two_merges_them() -> None:
    # CLINC150's shape at 1,500 texts: 150 intents of ten texts. Each text's ten nearest
    # neighbours reach into another intent, and Louvain at the constant resolution merges them
    # about three by three (50 themes); the dense regions are each intent.
    x, truth = many_small_themes(150, 10)
    by_density = cluster_vectors(x, seed=0)
    by_louvain = cluster_vectors(x, seed=0, params=LOUVAIN)
    assert by_louvain.n_themes < 100
    assert by_density.n_themes == 150
    assert adjusted_rand_score(truth, by_density.labels) > 0.99
    assert by_density.resolution == 0.0  # no Louvain ran


def test_every_text_with_a_vector_is_on_a_theme_and_blank_ones_are_not() -> None:
    x, _ = many_small_themes(40, 30)
    rng = np.random.default_rng(1)
    x[:5] = rng.normal(size=(5, 64)) * 20  # far from everything
    x[5:8] = 0.0  # blank texts
    result = cluster_vectors(x, seed=0)
    assert np.all(result.labels[:5] >= 0)
    assert np.all(result.labels[5:8] == -1)
    assert np.all(result.labels[8:] >= 0)
    assert list(result.sizes) == sorted(result.sizes, reverse=True)
    assert np.array_equal(result.sizes, np.bincount(result.labels[result.labels >= 0]))


def test_the_same_seed_gives_the_same_themes() -> None:
    x, _ = many_small_themes(60, 20, seed=2)
    first = cluster_vectors(x, seed=4)
    second = cluster_vectors(x, seed=4)
    assert np.array_equal(first.labels, second.labels)
    assert np.array_equal(first.centroids, second.centroids)


def test_below_a_thousand_texts_and_with_a_hint_louvain_chooses() -> None:
    x, _ = many_small_themes(60, 16)  # 960 texts
    assert cluster_vectors(x, seed=0).resolution == 2.0
    x, _ = many_small_themes(60, 20)  # 1,200
    hinted = cluster_vectors(x, seed=0, params=ClusteringParams(target_themes=60))
    assert hinted.resolution > 0.0
    assert hinted.n_themes == 60


def test_a_text_left_out_joins_the_theme_with_the_nearest_centroid() -> None:
    vectors = np.array(
        [[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1], [0.2, 0.8, 0], [0, 0, 1]],
        dtype=np.float32,
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, -1, -1])
    joined = join_left_out(vectors, labels, rows=np.arange(5))
    assert joined.tolist() == [0, 0, 1, 1, 1, -1]  # row 5 is not among the rows to join


def test_density_below_a_hundred_texts_is_refused() -> None:
    with pytest.raises(ValueError, match="density_from"):
        ClusteringParams(density_from=50)


def test_a_theme_must_hold_one_text_in_300_from_3000_texts() -> None:
    # Ten texts make a theme up to 3,000 texts; above, the finest theme grows with the corpus,
    # so that 77 intents do not become 329 themes at 10,000 texts.
    assert [min_region(n, min_size=3) for n in (1_000, 3_000, 6_000, 20_000)] == [10, 10, 20, 67]
    assert min_region(1_000, min_size=12) == 12
