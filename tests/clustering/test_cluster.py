import numpy as np
from sklearn.metrics import adjusted_rand_score

from ideas.clustering.cluster import ClusteringParams, cluster_vectors
from tests.clustering.conftest import blobs


def test_number_of_themes_is_found_without_being_given() -> None:
    x, truth = blobs(n_per=40, centres=5)
    result = cluster_vectors(x, seed=0)
    assert result.n_themes == 5
    assert adjusted_rand_score(truth, result.labels) > 0.95


def test_same_seed_gives_the_same_themes() -> None:
    x, _ = blobs(n_per=30, centres=4, noise=0.4)
    first = cluster_vectors(x, seed=3)
    second = cluster_vectors(x, seed=3)
    assert np.array_equal(first.labels, second.labels)
    assert np.allclose(first.centroids, second.centroids)


def test_far_outliers_are_left_unthemed() -> None:
    x, _ = blobs(n_per=40, centres=3, dim=32)
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(4, 32)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    result = cluster_vectors(np.vstack([x, noise]), seed=0)
    assert np.all(result.labels[-4:] == -1)
    assert result.themed_fraction > 0.9


def test_identical_texts_do_not_crash_and_form_one_theme() -> None:
    x = np.tile(np.eye(8, dtype=np.float32)[0], (12, 1))
    result = cluster_vectors(x)
    assert result.n_themes == 1
    assert np.all(result.labels == 0)


def test_one_or_two_vectors_are_simply_unthemed() -> None:
    for n in (0, 1, 2):
        result = cluster_vectors(np.eye(4, dtype=np.float32)[:n].reshape(n, 4))
        assert result.labels.shape == (n,)
        assert np.all(result.labels == -1)


def test_zero_vectors_are_never_themed() -> None:
    x, _ = blobs(n_per=20, centres=2)
    x[:3] = 0.0
    result = cluster_vectors(x)
    assert np.all(result.labels[:3] == -1)


def test_micro_cluster_path_matches_the_exact_path_on_clear_data() -> None:
    x, truth = blobs(n_per=300, centres=6, noise=0.2)
    params = ClusteringParams(exact_limit=500, micro_clusters=120)
    result = cluster_vectors(x, seed=0, params=params)
    assert result.n_themes == 6
    assert adjusted_rand_score(truth, result.labels) > 0.95


def test_themes_are_numbered_largest_first_with_matching_sizes() -> None:
    x, _ = blobs(n_per=25, centres=3)
    x = np.vstack([x, blobs(n_per=60, centres=1, seed=9)[0]])
    result = cluster_vectors(x)
    assert list(result.sizes) == sorted(result.sizes, reverse=True)
    assert result.sizes[0] == np.sum(result.labels == 0)


def test_centering_by_language_groups_by_subject_not_language():
    from ideas.clustering.cluster import center_by_language

    rng = np.random.default_rng(0)
    dim = 32
    subject = {"cards": np.eye(dim)[0], "loans": np.eye(dim)[1]}
    language = {"en": 3 * np.eye(dim)[2], "fr": 3 * np.eye(dim)[3]}  # stronger than the subject
    rows, subjects, languages = [], [], []
    for s in subject:
        for lang in language:
            for _ in range(10):
                rows.append(subject[s] + language[lang] + 0.05 * rng.standard_normal(dim))
                subjects.append(s)
                languages.append(lang)
    vectors = np.asarray(rows, dtype=np.float32)
    langs = np.asarray(languages)
    centred = center_by_language(vectors, langs)
    same_subject_other_language = centred[0] @ centred[10]  # cards/en vs cards/fr
    other_subject_same_language = centred[0] @ centred[20]  # cards/en vs loans/en
    assert same_subject_other_language > 0.8
    assert other_subject_same_language < 0.1
    raw = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert raw[0] @ raw[10] < raw[0] @ raw[20]  # before: language wins


def test_a_language_with_too_few_texts_is_left_alone():
    from ideas.clustering.cluster import center_by_language

    vectors = np.asarray([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    out = center_by_language(vectors, np.asarray(["en", "fr"]))
    assert np.allclose(out, vectors)


def test_a_resolution_chosen_from_a_grid_is_one_of_it_and_reproducible() -> None:
    x, truth = blobs(n_per=40, centres=5)
    params = ClusteringParams(resolution_grid=(1.0, 2.0, 4.0, 8.0))
    first = cluster_vectors(x, seed=0, params=params)
    second = cluster_vectors(x, seed=0, params=params)
    assert params.resolution_grid is not None
    assert first.resolution in params.resolution_grid
    assert np.array_equal(first.labels, second.labels)
    # Five clear blobs: the seeds agree on them, not on the splits of a finer resolution.
    assert first.n_themes == 5
    assert adjusted_rand_score(truth, first.labels) > 0.95


def test_a_hinted_number_of_themes_is_reached_on_clear_blobs() -> None:
    x, truth = blobs(n_per=40, centres=5)
    result = cluster_vectors(x, seed=0, params=ClusteringParams(target_themes=5))
    assert result.n_themes == 5
    assert adjusted_rand_score(truth, result.labels) > 0.95


def test_a_finer_hint_than_the_default_splits_further() -> None:
    # Five blobs but twenty themes asked for: the default finds 5, the hint goes finer.
    x, _ = blobs(n_per=80, centres=5, noise=0.3)
    default = cluster_vectors(x, seed=0)
    hinted = cluster_vectors(x, seed=0, params=ClusteringParams(target_themes=20))
    assert default.n_themes == 5
    assert 18 <= hinted.n_themes <= 22
    assert hinted.resolution > default.resolution
    assert hinted.themed_fraction >= 0.9


def test_twenty_planted_themes_are_found_when_twenty_are_hinted() -> None:
    x, truth = blobs(n_per=30, centres=20)
    result = cluster_vectors(x, seed=0, params=ClusteringParams(target_themes=20))
    assert 19 <= result.n_themes <= 21
    assert adjusted_rand_score(truth, result.labels) > 0.9


def test_a_coarser_hint_merges_themes_of_a_connected_graph() -> None:
    # Overlapping blobs (one connected kNN graph): fewer themes than the default when asked.
    x, _ = blobs(n_per=60, centres=12, noise=0.45)
    default = cluster_vectors(x, seed=0)
    hinted = cluster_vectors(x, seed=0, params=ClusteringParams(target_themes=4))
    assert hinted.n_themes < default.n_themes
    assert 3 <= hinted.n_themes <= 5
    assert hinted.themed_fraction >= 0.9


def test_a_hinted_run_is_reproducible_for_a_fixed_seed() -> None:
    x, _ = blobs(n_per=50, centres=6, noise=0.35)
    params = ClusteringParams(target_themes=15)
    first = cluster_vectors(x, seed=4, params=params)
    second = cluster_vectors(x, seed=4, params=params)
    assert first.resolution == second.resolution
    assert np.array_equal(first.labels, second.labels)
    assert np.allclose(first.centroids, second.centroids)


def test_a_hint_only_chooses_the_resolution() -> None:
    """The hinted run is the plain run at the resolution it chose: same themes, same cut."""
    x, _ = blobs(n_per=50, centres=6, noise=0.35)
    hinted = cluster_vectors(x, seed=2, params=ClusteringParams(target_themes=15))
    plain = cluster_vectors(x, seed=2, params=ClusteringParams(resolution=hinted.resolution))
    assert hinted.resolution == plain.resolution
    assert np.array_equal(hinted.labels, plain.labels)
    assert np.allclose(hinted.centroids, plain.centroids)
    assert np.allclose(hinted.thresholds, plain.thresholds)


def test_the_search_spends_at_most_its_runs() -> None:
    import networkx as nx

    from ideas.clustering.cluster import _graph, resolution_for_target

    x, _ = blobs(n_per=50, centres=6, noise=0.35)
    graph = _graph(x, 10)
    calls: list[int] = []

    def count(labels: np.ndarray) -> int:
        calls.append(1)
        return int(labels.max()) + 1

    assert isinstance(graph, nx.Graph)
    resolution, labels = resolution_for_target(graph, 1_000, seed=0, count=count, runs=5)
    assert len(calls) == 5
    assert labels.shape == (300,)
    assert resolution > 2.0


def test_a_hint_below_one_or_with_a_grid_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="at least 1"):
        ClusteringParams(target_themes=0)
    with pytest.raises(ValueError, match="not both"):
        ClusteringParams(target_themes=5, resolution_grid=(1.0, 2.0))
