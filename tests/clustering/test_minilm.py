"""The numpy all-MiniLM-L6-v2: tokenizer, checksum guard, and what the vectors mean."""

from pathlib import Path

import numpy as np
import pytest

from ideas.clustering import minilm
from ideas.clustering.minilm import MiniLM, get_minilm


def test_wordpiece_splits_like_bert_uncased() -> None:
    tokenizer = get_minilm().tokenizer
    ids = tokenizer.encode("Débloquer ma CB, s'il vous plaît!")
    words = {i: w for w, i in tokenizer.vocab.items()}
    pieces = [words[i] for i in ids]
    # Lower-cased, accents stripped, punctuation split off, unknown words cut into pieces.
    assert pieces[0] == "[CLS]"
    assert pieces[-1] == "[SEP]"
    assert "," in pieces
    assert "'" in pieces
    assert "!" in pieces
    assert all(p == p.lower() for p in pieces[1:-1])
    first_word = [pieces[1]]
    for piece in pieces[2:]:
        if not piece.startswith("##"):
            break
        first_word.append(piece.removeprefix("##"))
    assert "".join(first_word) == "debloquer"
    assert len(tokenizer.encode("word " * 500)) == minilm.MAX_TOKENS


def test_paraphrases_are_closer_than_other_subjects() -> None:
    vectors = get_minilm().embed(
        [
            "My card was blocked at the ATM",
            "The cash machine blocked my debit card",
            "What is the interest rate on a mortgage?",
            "",
        ]
    )
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[3], 0.0)
    assert vectors[0] @ vectors[1] > 0.6 > vectors[0] @ vectors[2]


def test_batches_give_the_same_vectors_as_single_texts() -> None:
    model = get_minilm()
    texts = ["short", "a much longer sentence about transfers abroad and their fees", "ok?"]
    together = model.embed(texts, batch_size=3)
    alone = np.vstack([model.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)  # padding must not leak into the mean


def test_weights_that_are_not_the_upstream_files_are_refused(tmp_path: Path) -> None:
    source = minilm.model_dir()
    (tmp_path / "vocab.txt").write_bytes((source / "vocab.txt").read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"\x08" + bytes(7) + b"{}")
    with pytest.raises(ValueError, match="not the upstream"):
        MiniLM(tmp_path)
