"""Signal vectors: the ideas' encoders, computed by the themes run, stored once.

A signal's text never changes (a new text is a new signal), so a stored vector is reused until
the backend changes. Chunked like the ideas' (ideas.themes.embedding): a run stopped midway
keeps what it embedded.
"""

from collections.abc import Sequence

import numpy as np
from django.db import transaction

from ideas.models import Signal, SignalVector
from ideas.themes.embedding import EMBED_CHUNK, MAX_TEXT_CHARS, stable_embedder


def signal_text(signal: Signal) -> str:
    return signal.text[:MAX_TEXT_CHARS]


def signal_vectors_for(signals: Sequence[Signal]) -> np.ndarray | None:
    """Stored vectors of these signals in order, embedding (and storing) the missing ones;
    None when no stable embedder is available (TF-IDF: the run embeds everything itself)."""
    embedder = stable_embedder()
    if embedder is None:
        return None
    stored: dict[int, np.ndarray] = {}
    ids = [s.pk for s in signals]
    for start in range(0, len(ids), 10_000):
        for pk, data in SignalVector.objects.filter(
            signal__in=ids[start : start + 10_000], backend=embedder.name
        ).values_list("signal", "data"):
            stored[pk] = np.frombuffer(bytes(data), dtype="<f4")
    missing = [s for s in signals if s.pk not in stored]
    for start in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[start : start + EMBED_CHUNK]
        matrix = embedder.embed([signal_text(s) for s in chunk]).astype("<f4")
        with transaction.atomic():
            # A vector of an older backend is replaced.
            SignalVector.objects.filter(signal__in=[s.pk for s in chunk]).delete()
            SignalVector.objects.bulk_create(
                SignalVector(signal=s, backend=embedder.name, data=row.tobytes())
                for s, row in zip(chunk, matrix, strict=True)
            )
        stored.update({s.pk: row for s, row in zip(chunk, matrix, strict=True)})
    if not signals:
        return None
    return np.stack([stored[s.pk] for s in signals]).astype(np.float32)
