"""Similar ideas for a text being typed: one dot product against every stored vector.

The matrix of stored vectors is kept in the process and reloaded only when vectors changed
(one cheap aggregate query per search tells). 100,000 ideas × 1,280 floats is 490 MB.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Q

from ideas.clustering import SearchIndex
from ideas.models import Idea, IdeaVector
from ideas.themes.embedding import embed_query, stable_embedder

# Ensemble vectors (mean of three cosines): a typed title against the 210 demo ideas scores a
# median 0.33 against other themes and 0.44 within its theme. At 0.50, 94% of titles get at least
# one suggestion and half of the suggestions are on the same theme (e5 alone at its 0.84: 99%
# and 39%). The e5-only value applies when only e5 loads.
MIN_SIMILARITY = {"e5": 0.84}
DEFAULT_MIN_SIMILARITY = 0.50


@dataclass
class _Index:
    key: tuple[object, ...]
    ids: np.ndarray
    search: SearchIndex


_lock = threading.Lock()
_index: _Index | None = None


def _vector_index(backend: str) -> _Index:
    global _index
    key = tuple(
        IdeaVector.objects.filter(backend=backend)
        .aggregate(n=Count("pk"), last=Max("updated_at"))
        .values()
    )
    with _lock:
        if _index is None or _index.key != key:
            rows = list(IdeaVector.objects.filter(backend=backend).values_list("idea_id", "data"))
            ids = np.asarray([r[0] for r in rows], dtype=np.int64)
            matrix = (
                np.stack([np.frombuffer(bytes(r[1]), dtype="<f4") for r in rows])
                if rows
                else np.zeros((0, 1), dtype=np.float32)
            )
            _index = _Index(key=key, ids=ids, search=SearchIndex(matrix))
        return _index


def similar_ideas(*, text: str, k: int = 5, exclude: int | None = None) -> list[tuple[Idea, float]]:
    """Up to k existing ideas most similar to `text`, best first, with their cosine."""
    text = text.strip()
    if len(text) < 8:
        return []
    embedder = stable_embedder()
    query = embed_query(text)
    if embedder is None or query is None:
        return _similar_by_words(text, k=k, exclude=exclude)
    index = _vector_index(embedder.name)
    found = index.search.search(query, k=k + 1)
    scored = [
        (int(index.ids[i]), float(score))
        for i, score in zip(found.indices, found.scores, strict=True)
        if score >= MIN_SIMILARITY.get(embedder.name, DEFAULT_MIN_SIMILARITY)
        and int(index.ids[i]) != exclude
    ][:k]
    ideas = Idea.objects.public().select_related("category").in_bulk([pk for pk, _ in scored])
    return [(ideas[pk], score) for pk, score in scored if pk in ideas]


def _similar_by_words(text: str, *, k: int, exclude: int | None) -> list[tuple[Idea, float]]:
    """Fallback without embeddings: ideas whose title shares the longer words of the text."""
    words = sorted({w for w in text.lower().split() if len(w) >= 5}, key=len, reverse=True)[:4]
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(title__icontains=word)
    ideas = Idea.objects.public().filter(query).order_by("-vote_count")
    if exclude is not None:
        ideas = ideas.exclude(pk=exclude)
    return [(idea, 0.0) for idea in ideas[:k]]
