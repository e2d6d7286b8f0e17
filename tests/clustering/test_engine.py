import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from ideas.clustering import (
    assign_new,
    build_themes,
    project_centroids_2d,
    similar_ideas,
    top_k_similar,
)
from ideas.clustering.similarity import assign_to_themes


def test_three_obvious_groups_are_found_with_the_tfidf_backend(
    corpus: tuple[list[str], np.ndarray], tfidf_vectors: np.ndarray
) -> None:
    texts, truth = corpus
    model, _ = build_themes(texts, backend="tfidf", seed=0)
    assert model.backend == "tfidf"
    # Words do not cross languages: TF-IDF may split a group into its French and English
    # halves, but must never mix two groups in one theme.
    assert 3 <= model.n_themes <= 6
    assert homogeneity_score(truth, model.labels) > 0.9


def test_three_obvious_groups_are_found_with_the_default_backend(
    corpus: tuple[list[str], np.ndarray],
) -> None:
    texts, truth = corpus
    model, _ = build_themes(texts, seed=0)
    assert model.n_themes == 3
    assert adjusted_rand_score(truth, model.labels) > 0.8


def test_theme_records_carry_labels_terms_and_a_central_member(
    corpus: tuple[list[str], np.ndarray],
) -> None:
    texts, _ = corpus
    model, _ = build_themes(texts, backend="tfidf", seed=0)
    for theme in model.themes:
        assert theme.size == int(np.sum(model.labels == theme.id))
        assert theme.label
        assert model.labels[theme.representative_index] == theme.id
        assert np.isclose(np.linalg.norm(theme.centroid), 1.0, atol=1e-4)
    # Key terms add what the name does not say: a theme whose every recurring word is in its name
    # ("Mobile application crash") has none (labels.py), and no term repeats its theme's name.
    assert any(t.top_terms for t in model.themes)
    for theme in model.themes:
        assert not any(term.lower() in theme.label.lower() for term in theme.top_terms)
    labels = " ".join(t.label for t in model.themes)
    assert any(word in labels for word in ("carte", "card", "bloquée", "blocked"))


def test_new_idea_joins_its_theme_or_stays_unthemed(corpus: tuple[list[str], np.ndarray]) -> None:
    texts, _ = corpus
    model, embedder = build_themes(texts, backend="tfidf", seed=0)
    assert embedder is not None
    new = embedder.embed(["ma carte est bloquée au distributeur", "", "météo à Lyon"])
    themes, scores = assign_new(new, model)
    card_theme = model.labels[0]
    assert themes[0] == card_theme
    assert themes[1] == -1
    assert scores.shape == (3,)


def test_assignment_respects_the_threshold() -> None:
    centroids = np.eye(3, dtype=np.float32)
    vec = np.array([[0.8, 0.6, 0.0]], dtype=np.float32)
    assert assign_to_themes(vec, centroids, 0.7)[0][0] == 0
    assert assign_to_themes(vec, centroids, 0.9)[0][0] == -1


def test_top_k_similar_returns_best_first_and_can_exclude_the_query(
    tfidf_vectors: np.ndarray,
) -> None:
    found = top_k_similar(tfidf_vectors[0], tfidf_vectors, k=5, exclude=0)
    assert 0 not in found.indices
    assert len(found.indices) == 5
    assert np.all(np.diff(found.scores) <= 0)
    brute = np.argsort(-(tfidf_vectors @ tfidf_vectors[0]))[1:6]
    assert set(brute) == set(found.indices)
    assert len(similar_ideas(tfidf_vectors[0], tfidf_vectors[:2], k=10).indices) == 2


def test_centroid_projection_is_two_dimensional_and_bounded() -> None:
    coords = project_centroids_2d(np.eye(4, 16, dtype=np.float32))
    assert coords.shape == (4, 2)
    assert np.abs(coords).max() <= 1.0 + 1e-6
    assert project_centroids_2d(np.ones((1, 8))).shape == (1, 2)


def test_empty_strings_and_tiny_inputs_do_not_crash() -> None:
    for texts in ([], ["seule idée"], ["", ""], ["a", "b"], ["même texte"] * 5):
        model, _ = build_themes(texts, backend="tfidf")
        assert model.labels.shape == (len(texts),)


def test_identical_texts_do_not_crash() -> None:
    model, _ = build_themes(["Ouvrir le samedi"] * 10, backend="tfidf")
    assert model.n_themes == 1
    assert np.all(model.labels == 0)


@pytest.mark.parametrize("backend", ["tfidf"])
def test_same_seed_gives_the_same_labels(
    corpus: tuple[list[str], np.ndarray], backend: str
) -> None:
    texts, _ = corpus
    first, _ = build_themes(texts, backend=backend, seed=7)  # type: ignore[arg-type]
    second, _ = build_themes(texts, backend=backend, seed=7)  # type: ignore[arg-type]
    assert np.array_equal(first.labels, second.labels)
