"""A French text and its English twin share a theme (issue #14), on the density path too."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.cluster import ClusteringParams, cluster_vectors
from ideas.clustering.similarity import knn_graph
from ideas.clustering.twins import join_twins, twin_pairs


def bilingual_corpus(
    themes: int = 50, pairs_per_theme: int = 12, bridges: int = 100, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, int]:
    """(vectors, languages, n): row i < n is French, row i + n its English translation. Most
    pairs sit inside a theme; the last `bridges` pairs sit between two themes, the French text
    leaning to one and the English text to the other, as a translation's wording can."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(themes, 64))
    inside = np.vstack([c + 0.3 * rng.normal(size=(pairs_per_theme, 64)) for c in centres])
    a = rng.integers(0, themes, bridges)
    b = (a + 1 + rng.integers(0, themes - 1, bridges)) % themes
    between = 0.5 * (centres[a] + centres[b]) + 0.3 * rng.normal(size=(bridges, 64))
    lean = 0.12 * (centres[a] - centres[b])
    french = np.vstack([inside + 0.05 * rng.normal(size=inside.shape), between + lean])
    english = np.vstack([inside + 0.05 * rng.normal(size=inside.shape), between - lean])
    n = french.shape[0]
    languages = np.array(["fr"] * n + ["en"] * n)
    return (np.vstack([french, english]) + 5.0).astype(np.float32), languages, n


@pytest.mark.parametrize("density_from", [1_000, None], ids=["density", "louvain"])
def test_translations_between_two_themes_join_one_of_them(density_from: int | None) -> None:
    x, languages, n = bilingual_corpus()  # 1,400 texts
    apart = ClusteringParams(keep_twins=False, density_from=density_from)
    split = cluster_vectors(x, seed=0, languages=languages, params=apart)
    together = cluster_vectors(
        x, seed=0, languages=languages, params=ClusteringParams(density_from=density_from)
    )
    assert (together.resolution == 0.0) == (density_from is not None)
    assert np.sum(split.labels[:n] != split.labels[n:]) >= 10  # bridges were split
    assert np.sum(together.labels[:n] != together.labels[n:]) <= 2
    # Nothing else moved: the pairs inside themes are partitioned as before.
    inside = np.r_[0 : n - 100, n : 2 * n - 100]
    assert together.n_themes == split.n_themes
    assert adjusted_rand_score(split.labels[inside], together.labels[inside]) == 1.0
    assert np.array_equal(together.sizes, np.bincount(together.labels[together.labels >= 0]))


def test_only_mutual_nearest_neighbours_in_two_languages_pair_up() -> None:
    features = l2_normalise(
        np.array(
            [
                [1.0, 0.0, 0.0],  # 0 fr
                [0.99, 0.1, 0.0],  # 1 en: 0 and 1 are each other's nearest -> a pair
                [0.0, 1.0, 0.0],  # 2 fr
                [0.0, 0.98, 0.2],  # 3 fr: 2 and 3 nearest, but both French -> no pair
                [0.0, 0.0, 1.0],  # 4 en: nearest is 3, whose nearest is 2 -> no pair
            ]
        )
    )
    languages = np.array(["fr", "en", "fr", "fr", "en"])
    assert twin_pairs(features, languages).tolist() == [[0, 1]]
    assert twin_pairs(features[:1], languages[:1]).shape == (0, 2)


def test_a_split_pair_goes_to_the_theme_nearer_to_both_and_a_left_out_twin_follows() -> None:
    vectors = l2_normalise(np.array([[1.0, 0.2], [0.6, 0.8], [0.0, 1.0], [1.0, 0.0]]))
    centroids = l2_normalise(np.array([[1.0, 0.0], [0.0, 1.0]]))
    labels = np.array([0, 1, 1, -1])
    # Rows 0 and 1 summed lean to theme 0; row 3 was left out, and joins its twin's theme.
    out = join_twins(vectors, centroids, labels, np.array([[0, 1], [2, 3]]))
    assert out.tolist() == [0, 0, 1, 1]
    assert labels.tolist() == [0, 1, 1, -1]  # the input is not changed
    assert join_twins(vectors, centroids, labels, np.array([[3, 2]])).tolist() == [0, 1, 1, 1]
    no_pairs = np.empty((0, 2), dtype=np.int64)
    assert join_twins(vectors, centroids, labels, no_pairs).tolist() == [0, 1, 1, -1]
    both_out = np.array([0, 1, -1, -1])
    assert join_twins(vectors, centroids, both_out, np.array([[2, 3]])).tolist() == [0, 1, -1, -1]


def test_the_nearest_neighbour_of_every_row_is_exact_across_blocks() -> None:
    # More rows than one block of the search (2,048), so rows meet neighbours in other blocks.
    rng = np.random.default_rng(3)
    x = l2_normalise(rng.normal(size=(2_500, 16)))
    indices, sims = knn_graph(x, 1)
    full = x @ x.T
    np.fill_diagonal(full, -np.inf)
    assert np.array_equal(indices[:, 0], np.argmax(full, axis=1))
    assert np.allclose(sims[:, 0], full.max(axis=1), atol=1e-6)
    # The same as the first of the two nearest.
    two, two_sims = knn_graph(x, 2)
    first = np.take_along_axis(two, np.argmax(two_sims, axis=1)[:, None], axis=1)
    assert np.array_equal(indices, first)
