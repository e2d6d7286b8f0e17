"""Large inputs: themes found in an embedded sample, the other texts placed by their lexical
neighbours (ideas.clustering.sampling)."""

import numpy as np
from sklearn.metrics import adjusted_rand_score

from ideas.clustering import build_themes
from ideas.clustering.sampling import propagate_labels, sample_rows
from tests.clustering.conftest import blobs


def test_sample_rows_are_distinct_sorted_and_repeatable():
    rows = sample_rows(1_000, 100, seed=3)
    assert len(set(rows.tolist())) == 100
    assert rows.tolist() == sorted(rows.tolist())
    assert (sample_rows(1_000, 100, seed=3) == rows).all()
    assert not (sample_rows(1_000, 100, seed=4) == rows).all()


def test_neighbours_vote_and_outliers_stay_outliers():
    x, truth = blobs(n_per=60, centres=3, seed=1)
    known, queries = x[::2], x[1::2]
    labels = truth[::2].copy()
    labels[labels == 2] = -1  # the third group was left unthemed in the sample
    got = propagate_labels(known, labels, queries)
    expected = truth[1::2].copy()
    expected[expected == 2] = -1
    assert (got == expected).mean() > 0.95


def test_far_texts_stay_unthemed():
    x, truth = blobs(n_per=50, centres=2, dim=16, seed=2)
    known = np.hstack([x, np.zeros_like(x)])  # the known texts use the first 16 dimensions,
    far = np.hstack([np.zeros_like(x[:5]), x[:5]])  # these the other 16: similarity 0
    assert (propagate_labels(known, truth, far) == -1).all()
    assert (propagate_labels(known, truth, known[:5]) == truth[:5]).all()


def test_a_large_input_is_themed_from_an_embedded_sample(corpus):
    texts, truth = corpus
    # Three copies with small changes, so that the sample leaves two thirds to propagate.
    many = texts + [t.lower() for t in texts] + [t + " !" for t in texts]
    many_truth = np.concatenate([truth, truth, truth])
    model, _ = build_themes(many, seed=0, embed_limit=len(texts))
    assert model.backend == "e5+use+minilm"
    assert model.labels.shape == (len(many),)
    assert adjusted_rand_score(many_truth, model.labels) > 0.8
    sizes = {t.id: t.size for t in model.themes}
    assert sum(sizes.values()) == int((model.labels >= 0).sum())
    for theme in model.themes:  # the central member is a row of the whole input, in its theme
        assert model.labels[theme.representative_index] == theme.id
