"""bench.umap_density: how texts left out by the density step are joined to a theme, and the
fuzzy neighbour graph of round 3 (numpy only: the UMAP layout itself needs the bench's extras)."""

import numpy as np

from bench import partition_quality as pq
from bench import umap_density as ud
from ideas.clustering.arrays import l2_normalise


def _two_groups() -> tuple[np.ndarray, np.ndarray]:
    """Ten rows near the x axis, ten near the y axis (unit vectors in 3-d)."""
    rng = np.random.default_rng(0)
    x = np.vstack(
        [
            np.array([1.0, 0.0, 0.0]) + 0.05 * rng.normal(size=(10, 3)),
            np.array([0.0, 1.0, 0.0]) + 0.05 * rng.normal(size=(10, 3)),
        ]
    )
    return l2_normalise(x.astype(np.float32)), np.repeat([0, 1], 10)


def test_every_row_left_out_joins_the_theme_of_its_nearest_centroid() -> None:
    x, truth = _two_groups()
    labels = truth.copy()
    labels[[3, 15]] = -1
    joined = pq.join_all(x, labels)
    assert np.array_equal(joined, truth)
    assert labels[3] == -1  # the input is not changed


def test_with_no_theme_nothing_is_joined() -> None:
    x, _ = _two_groups()
    labels = np.full(20, -1)
    assert np.array_equal(pq.join_all(x, labels), labels)
    assert np.array_equal(ud.join_by_neighbours(x, labels), labels)


def test_the_neighbours_vote_follows_the_most_weight_not_the_centroid() -> None:
    # A row next to two members of theme 1, far from theme 0's many members: its 3 nearest
    # themed rows vote for theme 1, whatever the centroids say.
    x = l2_normalise(
        np.array(
            [[1, 0, 0]] * 8 + [[0.2, 1, 0], [0.25, 1, 0.05]] + [[0.22, 1, 0.02]], dtype=np.float32
        )
    )
    labels = np.array([0] * 8 + [1, 1] + [-1])
    assert ud.join_by_neighbours(x, labels, k=3)[-1] == 1


def test_the_fuzzy_graph_is_symmetric_with_weights_up_to_one() -> None:
    import networkx as nx

    x, _ = _two_groups()
    graph = ud.fuzzy_graph(x, 5)
    adjacency = nx.to_numpy_array(graph, weight="weight")
    assert np.allclose(adjacency, adjacency.T)
    assert adjacency.max() <= 1.0 + 1e-9
    assert adjacency.min() >= 0.0
    # Each row's nearest neighbour is at weight 1 (d - rho = 0), so at least that edge is full.
    assert np.all(adjacency.max(axis=1) > 0.999)
    # No edge joins the two groups: 5 neighbours of a group of 10 stay inside it.
    assert adjacency[:10, 10:].sum() == 0


def test_louvain_on_the_fuzzy_graph_never_joins_the_two_groups() -> None:
    """No community spans the two groups. (It may cut a group in pieces: every row has the
    same total weight, so a homogeneous cloud is cut like any other graph, which is why the
    fuzzy graph split synthetic clouds in the benchmark.)"""
    from ideas.clustering.cluster import _louvain

    x, truth = _two_groups()
    labels = _louvain(ud.fuzzy_graph(x, 5), 1.0, seed=0)
    for community in np.unique(labels):
        assert np.unique(truth[labels == community]).size == 1
