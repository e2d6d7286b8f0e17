"""End-to-end entry points: texts (and/or stored vectors) -> themes, and incremental use."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ideas.clustering.arrays import l2_normalise
from ideas.clustering.cluster import ClusteringParams, cluster_vectors
from ideas.clustering.labels import Theme, describe_themes
from ideas.clustering.sampling import EMBED_LIMIT, propagate_labels, sample_rows
from ideas.clustering.similarity import Neighbours, assign_to_themes, top_k_similar
from ideas.clustering.text import language_scores
from ideas.clustering.vectors import (
    BackendName,
    Embedder,
    ProgressCallback,
    TfidfLsaEmbedder,
    embed_texts,
    get_embedder,
)

logger = logging.getLogger(__name__)

# Above this many texts the extra TF-IDF + LSA block costs more time than it is worth
# (fitting LSA grows with the corpus); the graph then uses the stored vectors alone.
LEXICAL_LIMIT = 50_000
# TF-IDF vectors are sparser in meaning than sentence embeddings: at the sentence encoders'
# resolution (2.0) small bilingual corpora fragment and mix, so the fallback keeps 1.5.
TFIDF_RESOLUTION = 1.5


@dataclass
class ThemeModel:
    """Everything a caller needs to store after a clustering run."""

    labels: np.ndarray  # (n,) theme id per input row, -1 = unthemed
    themes: list[Theme]
    backend: str

    @property
    def n_themes(self) -> int:
        return len(self.themes)

    @property
    def themed_fraction(self) -> float:
        return float(np.mean(self.labels >= 0)) if self.labels.size else 0.0

    @property
    def centroids(self) -> np.ndarray:
        if not self.themes:
            return np.empty((0, 0), dtype=np.float32)
        return np.stack([t.centroid for t in self.themes]).astype(np.float32)

    @property
    def thresholds(self) -> np.ndarray:
        return np.asarray([t.threshold for t in self.themes], dtype=np.float32)


def build_themes(
    texts: Sequence[str],
    vectors: np.ndarray | None = None,
    backend: BackendName | Embedder = "auto",
    seed: int = 0,
    params: ClusteringParams | None = None,
    use_lexical: bool | None = None,
    embed_limit: int = EMBED_LIMIT,
    progress: ProgressCallback | None = None,
) -> tuple[ThemeModel, Embedder | None]:
    """Cluster texts into labelled themes.

    Pass `vectors` (stored embeddings, same order as `texts`) to skip embedding. `use_lexical`
    adds a TF-IDF + LSA view of the texts to the neighbour graph (default: on up to
    LEXICAL_LIMIT texts with the e5 backend, where it measurably helps). Returns the model and
    the embedder used (None when vectors were given), to embed future texts in the same space.

    Above `embed_limit` raw texts (e5 backend), only a sample of that size is embedded and the
    other texts join themes through their lexical neighbours (ideas.clustering.sampling).

    `progress(stage, done, total)`, when given, is called as each stage starts and as texts are
    embedded (see vectors.embed_texts), for a command line to show on long runs.
    """
    texts = list(texts)
    report = progress or _no_progress
    embedder: Embedder | None = None
    if vectors is None and len(texts) > embed_limit:
        if isinstance(backend, str) and backend != "tfidf":
            report("loading the encoders", 0, 0)
        embedder = get_embedder(backend, seed=seed) if isinstance(backend, str) else backend
        if not isinstance(embedder, TfidfLsaEmbedder):  # TF-IDF is cheap: embed everything
            model = _build_from_sample(texts, embedder, seed, params, embed_limit, report)
            return model, embedder
    if vectors is None:
        vectors, embedder = embed_texts(
            texts, backend=embedder or backend, seed=seed, progress=progress
        )
        backend_name = embedder.name
    else:
        vectors = l2_normalise(vectors)
        backend_name = backend if isinstance(backend, str) else backend.name
    if len(texts) != vectors.shape[0]:
        raise ValueError(f"{len(texts)} texts but {vectors.shape[0]} vectors")
    if use_lexical is None:
        use_lexical = backend_name != "tfidf" and 20 <= len(texts) <= LEXICAL_LIMIT
    if backend_name == "tfidf" and (params is None or params.target_themes is not None):
        # A hinted search starts from the fallback's own resolution too. The density path was
        # measured on the encoders' vectors only: the fallback keeps Louvain at every size.
        params = replace(
            params or ClusteringParams(), resolution=TFIDF_RESOLUTION, density_from=None
        )
    lexical = None
    if use_lexical:
        report(f"adding a TF-IDF + LSA view of {len(texts):,} texts", 0, 0)
        lexical = TfidfLsaEmbedder(seed=seed).fit(texts).embed(texts)
    languages = guess_languages(texts, vectors)
    report(f"clustering {len(texts):,} texts", 0, 0)
    result = cluster_vectors(
        vectors,
        seed=seed,
        params=params,
        lexical=lexical,
        languages=languages,
        backend=backend_name,
    )
    report(f"naming {result.n_themes:,} themes", 0, 0)
    themes = describe_themes(texts, vectors, result.labels, result.centroids, result.thresholds)
    return ThemeModel(labels=result.labels, themes=themes, backend=backend_name), embedder


def _build_from_sample(
    texts: list[str],
    embedder: Embedder,
    seed: int,
    params: ClusteringParams | None,
    size: int,
    progress: ProgressCallback,
) -> ThemeModel:
    """Themes found in an embedded sample; every other text takes its lexical neighbours'."""
    sample = sample_rows(len(texts), size, seed)
    progress(f"themes from a sample of {size:,} of the {len(texts):,} texts", 0, 0)
    model, _ = build_themes(
        [texts[i] for i in sample],
        backend=embedder,
        seed=seed,
        params=params,
        embed_limit=size,
        progress=progress,
    )
    progress(f"TF-IDF + LSA view of all {len(texts):,} texts", 0, 0)
    lexical = TfidfLsaEmbedder(seed=seed).fit(texts).embed(texts)
    progress(f"giving the other {len(texts) - size:,} texts their neighbours' themes", 0, 0)
    labels = np.full(len(texts), -1, dtype=np.int64)
    labels[sample] = model.labels
    rest = np.setdiff1d(np.arange(len(texts)), sample)
    labels[rest] = propagate_labels(lexical[sample], model.labels, lexical[rest])
    sizes = np.bincount(labels[labels >= 0], minlength=model.n_themes)
    themes = [
        replace(
            theme,
            size=int(sizes[theme.id]),
            representative_index=int(sample[theme.representative_index])
            if theme.representative_index >= 0
            else -1,
        )
        for theme in model.themes
    ]
    return ThemeModel(labels=labels, themes=themes, backend=model.backend)


def guess_languages(texts: Sequence[str], vectors: np.ndarray, min_rows: int = 5) -> np.ndarray:
    """ "fr" or "en" per text: accents and function words where they decide, the vectors where
    they do not.

    Short commands ("call Camilla whatsapp video") carry no marker (12% of SLURP's all-English
    texts, 6% of MTOP's): read as French, as a plain tie-break would, they made an English
    corpus look bilingual and split a language in two when centring. Sentence vectors carry a
    strong language direction, so an undecided text goes to the nearer of the two languages'
    mean vectors, learnt from the decided texts; when a language has fewer than `min_rows`
    decided texts, the undecided take the other one.
    """
    # French minus English evidence (text.language_scores).
    margins = np.asarray([fr - en for fr, en in map(language_scores, texts)], dtype=np.float64)
    languages = np.where(margins > 0, "fr", "en").astype("<U2")
    undecided = margins == 0
    if not undecided.any():
        return languages
    french, english = (margins > 0), (margins < 0)
    if english.sum() < min_rows or french.sum() < min_rows:
        languages[undecided] = "fr" if french.sum() > english.sum() else "en"
        return languages
    matrix = l2_normalise(vectors)
    mean_fr = matrix[french].mean(axis=0)
    mean_en = matrix[english].mean(axis=0)
    # Midpoint rule on the direction between the two means.
    side = matrix[undecided] @ (mean_fr - mean_en) - 0.5 * float(
        mean_fr @ mean_fr - mean_en @ mean_en
    )
    languages[undecided] = np.where(side > 0, "fr", "en")
    return languages


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def assign_new(vectors: np.ndarray, model: ThemeModel) -> tuple[np.ndarray, np.ndarray]:
    """Theme id (or -1) and cosine for new vectors, using each theme's own joining threshold."""
    if not model.themes:
        n = np.atleast_2d(vectors).shape[0]
        return np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.float32)
    return assign_to_themes(vectors, model.centroids, model.thresholds)


def similar_ideas(
    query: np.ndarray, stored: np.ndarray, k: int = 5, exclude: int | None = None
) -> Neighbours:
    """Top-k most similar stored vectors (cosine scores, best first)."""
    return top_k_similar(query, stored, k=k, exclude=exclude)
