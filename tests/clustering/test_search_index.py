"""SearchIndex: the sketch finds the same top-k as a full scan, with exact scores."""

import numpy as np

from ideas.clustering import SearchIndex, top_k_similar
from ideas.clustering.arrays import l2_normalise


def _themes_on_the_sphere(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    rows = centres[rng.integers(0, 50, n)] + rng.normal(scale=0.8, size=(n, dim))
    return l2_normalise(rows)


def test_the_sketch_finds_the_exact_top_five_with_exact_scores() -> None:
    stored = _themes_on_the_sphere(4_000, 1_280)
    index = SearchIndex(stored)
    assert index.sketch is not None  # 1,280 dimensions: the two-step search is used
    same = 0
    for i in range(0, 4_000, 40):
        fast = index.search(stored[i], k=5, exclude=i)
        full = top_k_similar(stored[i], stored, k=5, exclude=i)
        assert i not in fast.indices
        assert np.allclose(fast.scores, stored[fast.indices] @ stored[i], atol=1e-5)
        same += int(np.array_equal(fast.indices, full.indices))
    assert same >= 98  # of 100 queries


def test_small_vectors_are_searched_in_full() -> None:
    stored = _themes_on_the_sphere(500, 384)
    index = SearchIndex(stored)
    assert index.sketch is None
    found = index.search(stored[3], k=3, exclude=3)
    expected = top_k_similar(stored[3], stored, k=3, exclude=3)
    assert np.array_equal(found.indices, expected.indices)


def test_fewer_stored_rows_than_candidates() -> None:
    stored = _themes_on_the_sphere(30, 1_280)
    found = SearchIndex(stored).search(stored[0], k=5)
    assert found.indices[0] == 0
    assert len(found.indices) == 5
