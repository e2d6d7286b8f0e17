"""Bilingual corpora: twins across languages share a theme; languages are guessed robustly."""

import numpy as np

from ideas.clustering.cluster import ClusteringParams, cluster_vectors, is_bilingual
from ideas.clustering.engine import guess_languages
from ideas.clustering.vectors import cross_lingual_view, side_by_side

DIMS = {"e5": 384, "use": 512, "minilm": 384}


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def twin_corpus(topics: int = 6, pairs_per_topic: int = 25, seed: int = 0):
    """French/English twins in `topics` subjects, shaped like the ensemble's vectors.

    e5 and USE put a text and its translation close (subject + small noise, plus a shared
    language direction); MiniLM, English-only, puts English texts by subject but French texts
    near each other whatever their subject.
    """
    rng = np.random.default_rng(seed)
    n = topics * pairs_per_topic
    subject = np.repeat(np.arange(topics), pairs_per_topic)
    blocks_fr, blocks_en = [], []
    for name, dim in DIMS.items():
        centres = _unit(rng, topics, dim)
        if name == "minilm":
            french = _unit(rng, 1, dim) * 3.0 + 0.6 * _unit(rng, n, dim)
            english = centres[subject] + 0.5 * _unit(rng, n, dim)
        else:
            language = _unit(rng, 1, dim) * 0.3
            base = centres[subject] + 0.5 * _unit(rng, n, dim)
            french = base + language + 0.1 * _unit(rng, n, dim)
            english = base - language + 0.1 * _unit(rng, n, dim)
        blocks_fr.append(french)
        blocks_en.append(english)
    vectors = np.vstack([side_by_side(blocks_fr), side_by_side(blocks_en)])
    languages = np.asarray(["fr"] * n + ["en"] * n)
    return vectors, languages, np.concatenate([subject, subject]), n


def _twins_together(labels: np.ndarray, n: int) -> float:
    return float(np.mean((labels[:n] == labels[n:]) & (labels[:n] >= 0)))


def test_twins_share_a_theme_when_the_graph_uses_the_cross_lingual_blocks() -> None:
    vectors, languages, _, n = twin_corpus()
    result = cluster_vectors(vectors, seed=0, languages=languages, backend="e5+use+minilm")
    assert _twins_together(result.labels, n) >= 0.9


def test_with_the_english_only_block_in_the_graph_twins_are_split() -> None:
    # The same corpus without the block layout: MiniLM's French cluster pulls the languages
    # apart. This is what the test above guards against (without the last step that pairs
    # twins up, twins.py, which mends part of it).
    vectors, languages, _, n = twin_corpus()
    apart = ClusteringParams(keep_twins=False)
    result = cluster_vectors(vectors, seed=0, languages=languages, params=apart)
    assert _twins_together(result.labels, n) < 0.5


def test_the_cross_lingual_view_keeps_e5_and_use_only() -> None:
    vectors, _, _, _ = twin_corpus(topics=2, pairs_per_topic=3)
    view = cross_lingual_view(vectors, "e5+use+minilm")
    assert view is not None
    assert view.shape == (12, 384 + 512)
    assert np.allclose(np.linalg.norm(view, axis=1), 1.0, atol=1e-5)
    assert cross_lingual_view(vectors[:, :896], "e5+use") is None  # nothing to drop
    assert cross_lingual_view(vectors, "tfidf") is None


def test_a_few_texts_in_a_second_language_do_not_make_a_corpus_bilingual() -> None:
    assert not is_bilingual(np.asarray(["fr"] * 500 + ["en"] * 4), share=0.02)
    assert not is_bilingual(np.asarray(["fr"] * 1000 + ["en"] * 15), share=0.02)
    assert is_bilingual(np.asarray(["fr"] * 500 + ["en"] * 40), share=0.02)


def test_texts_without_language_markers_follow_their_vectors() -> None:
    rng = np.random.default_rng(0)
    direction = _unit(rng, 1, 64)[0]
    texts = (
        ["je veux ma carte", "le virement est bloqué", "mon compte est à découvert"] * 3
        + ["I want my card", "the transfer is blocked", "my account is overdrawn"] * 3
        + ["appelle Camilla whatsapp", "call Camilla whatsapp video"]
    )
    side = np.array([1.0] * 9 + [-1.0] * 9 + [1.0, -1.0])[:, None]
    vectors = (0.8 * _unit(rng, len(texts), 64) + side * direction).astype(np.float32)
    languages = guess_languages(texts, vectors)
    assert list(languages[:9]) == ["fr"] * 9
    assert list(languages[9:18]) == ["en"] * 9
    # Neither of the last two has an accent or a function word: the vectors decide.
    assert list(languages[18:]) == ["fr", "en"]


def test_a_single_language_corpus_gives_undecided_texts_that_language() -> None:
    texts = ["what is my balance", "how do I pay", "siri wake me up at seven", "set alarm six"]
    vectors = np.eye(4, dtype=np.float32)
    assert list(guess_languages(texts, vectors, min_rows=1)) == ["en"] * 4
